"""Text clean-up shared by the posting extractors: entities (once or twice escaped), whitespace, caps."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from typing import Any

from app.description_html import sanitize_html
from app.ingestion.normalize_text import (
    MAX_DESCRIPTION_CHARS,
    MAX_NAME_CHARS,
    collapse_whitespace,
    html_to_text,
    looks_like_html,
    strip_control_characters,
    tidy_plain_text,
)
from app.ingestion.normalize_values import parse_posted_at

_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]{2,8});")
_TAG = re.compile(r"<[^>]{0,500}>")


def unescape(text: str) -> str:
    """Decode HTML entities, twice when a page escaped them twice ("FP&amp;amp;A" -> "FP&A")."""
    for _ in range(2):
        if not _ENTITY.search(text):
            break
        text = html.unescape(text)
    return text


def short_text(value: Any, limit: int = MAX_NAME_CHARS) -> str | None:
    """One line of plain text (title, company, place): entities decoded, tags and control characters dropped."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    text = _TAG.sub(" ", unescape(value))
    text, _removed = strip_control_characters(text)
    text = collapse_whitespace(text)
    return text[:limit].strip() or None


def description_text(value: Any) -> str | None:
    """A description as plain text: escaped or real HTML is sanitized, then turned into paragraphs."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value[: MAX_DESCRIPTION_CHARS * 4]
    if "&lt;" in text and "<" not in text:
        text = html.unescape(text)  # JSON-LD that carries its HTML escaped (LinkedIn)
    text = html_to_text(sanitize_html(text)) if looks_like_html(text) else tidy_plain_text(unescape(text))
    text, _removed = strip_control_characters(text)
    return text[:MAX_DESCRIPTION_CHARS].strip() or None


def moment(value: Any) -> datetime | None:
    """A date or date-time from a page ("2024-09-24", "2026-07-14T08:17:10.847344", epoch ms)."""
    if isinstance(value, str):
        value = value.strip()[:64]
    elif not isinstance(value, int | float) or isinstance(value, bool):
        return None
    try:
        return parse_posted_at(value, datetime.now(UTC))
    except (ValueError, OverflowError):
        return None
