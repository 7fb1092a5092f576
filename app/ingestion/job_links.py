"""Posting URLs: tracking parameters dropped (w3lib), the board told from the host, the job id read from the URL."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import parse_qs, urlsplit

from w3lib.url import url_query_cleaner

# What identifies a job on each board's URL; every other parameter is tracking or search state.
_KEPT_PARAMETERS = {"indeed": ("jk", "vjk"), "linkedin": ("currentJobId",)}
_TRACKING_PARAMETERS = ("trk", "trkInfo", "refId", "trackingId", "lipi", "midToken", "eBP", "from", "gclid", "fbclid")
_LINKEDIN_JOB_ID = re.compile(r"/jobs/view/(?:[^/?#]*?-)?(\d{6,})(?:[/?#]|$)")


def board_of(url: str | None) -> str | None:
    """ "linkedin" or "indeed" when the URL is on one of those boards (any country's host), else None."""
    if not url:
        return None
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return None
    labels = host.split(".")
    for board in ("linkedin", "indeed"):
        if board in labels:
            return board
    return None


@lru_cache(maxsize=16384)
def canonical_url(url: str) -> str:
    """The URL without tracking parameters; on LinkedIn and Indeed only what identifies the job is kept."""
    if "?" not in url:
        return url  # no parameters to drop (most postings): skip the parse
    board = board_of(url)
    try:
        if board is not None:
            cleaned = url_query_cleaner(url, _KEPT_PARAMETERS[board])
        else:
            cleaned = url_query_cleaner(url, _TRACKING_PARAMETERS, remove=True)
            cleaned = _without_utm(cleaned)
    except ValueError:
        return url
    return cleaned


def _without_utm(url: str) -> str:
    if "utm_" not in url:
        return url
    query = urlsplit(url).query
    names = [name for name in parse_qs(query, keep_blank_values=True) if name.lower().startswith("utm_")]
    return url_query_cleaner(url, names, remove=True) if names else url


def job_id_from_url(url: str | None) -> str | None:
    """The board's job id written in a posting URL: LinkedIn's /jobs/view/...-123456 or Indeed's jk."""
    board = board_of(url)
    if board is None or url is None:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if board == "linkedin":
        found = _LINKEDIN_JOB_ID.search(parts.path + "/")
        if found:
            return found.group(1)
        current = parse_qs(parts.query).get("currentJobId")
        return current[0] if current and current[0].isdigit() else None
    keys = parse_qs(parts.query)
    for name in ("jk", "vjk"):
        if keys.get(name) and keys[name][0].strip():
            return keys[name][0].strip()
    return None
