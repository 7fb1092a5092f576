"""The global deduplication key of the job pool (docs/ARCHITECTURE.md, "Hashing")."""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from functools import lru_cache

from app.locations import location_key

HASH_VERSION = "v3"

_COMPANY_SUFFIXES = frozenset({"inc", "llc", "ltd", "gmbh", "corp", "corporation", "co", "plc", "sa", "ag", "bv"})
_PUNCTUATION = re.compile(r"[^\w\s]|_", re.UNICODE)
_WHITESPACE = re.compile(r"\s+", re.UNICODE)


def norm(value: str | None) -> str:
    """Normalize one text field for hashing: NFKC, casefold, entities decoded, punctuation to spaces, trimmed."""
    if not value:
        return ""
    text = html.unescape(str(value))
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _PUNCTUATION.sub(" ", text)
    return _WHITESPACE.sub(" ", text).strip()


@lru_cache(maxsize=65536)
def norm_company(value: str | None) -> str:
    """Normalize a company name and drop trailing legal-form suffixes ("Acme Corp., Inc." -> "acme").

    Cached per distinct name (a board's or a batch's names repeat), as locations are."""
    words = norm(value).split(" ")
    while len(words) > 1 and words[-1] in _COMPANY_SUFFIXES:
        words.pop()
    return " ".join(words)


def job_hash(company: str | None, title: str | None, location: str | None) -> str:
    """sha256 hex of "v3|company|title|canonical location"; the description is not part of the key.

    The location is canonicalized (app.locations): "Paris, A8, FR" and "Paris, Île-de-France, France" are one place.
    """
    key = f"{HASH_VERSION}|{norm_company(company)}|{norm(title)}|{location_key(location)}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()
