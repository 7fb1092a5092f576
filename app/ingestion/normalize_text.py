"""Text cleaning for scraped fields: control characters, whitespace, HTML to plain text."""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Mapping
from typing import Any

from app.untrusted_text import CARRIAGE_RETURN, strip_control_characters

MAX_DESCRIPTION_CHARS = 100_000
MAX_NAME_CHARS = 500
MAX_METADATA_TEXT = 100_000

# Everything below U+0020 except tab and newline, DEL, the C1 block, and lone surrogates: PostgreSQL refuses NUL
# in text and jsonb, psycopg cannot encode a lone surrogate, and the rest only garbles what a user sees.

_HTML_HINT = re.compile(
    r"<(?:/?(?:p|br|li|ul|ol|div|span|b|strong|i|em|h[1-6]|a|u|table|tr|td|th|section|article|font|hr|blockquote"
    r"|pre|code|html|body)\b[^>]*>|!--)",
    re.IGNORECASE,
)
_HTML_DROPPED_BLOCKS = re.compile(r"<(script|style|head|template)\b[^>]*>.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.S)
_HTML_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>")

_PARAGRAPH_TAGS = frozenset(
    {
        "p",
        "div",
        "section",
        "article",
        "header",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "blockquote",
        "pre",
        "ul",
        "ol",
        "dl",
        "hr",
        "main",
        "aside",
        "nav",
        "form",
        "figure",
    }
)
_LINE_TAGS = frozenset({"br", "tr", "dt", "dd"})
_CELL_TAGS = frozenset({"td", "th"})


def collapse_whitespace(text: str) -> str:
    """Collapse every whitespace run (newlines too) into one space and trim."""
    return " ".join(text.split())


def looks_like_html(text: str) -> bool:
    """True when the text carries common HTML tags (some scrapers put HTML in their "text" fields)."""
    return "<" in text and _HTML_HINT.search(text) is not None


def _tag_break(match: re.Match[str]) -> str:
    name = match.group(2).lower()
    if name == "li":
        return "" if match.group(1) else "\n• "
    if name in _PARAGRAPH_TAGS:
        return "\n\n"
    if name in _LINE_TAGS:
        return "\n"
    if name in _CELL_TAGS:
        return " "
    return ""


def html_to_text(markup: str) -> str:
    """Turn HTML into readable plain text: paragraphs and list items on their own lines, entities decoded."""
    text = _HTML_DROPPED_BLOCKS.sub(" ", markup)
    text = " ".join(text.split())  # source line breaks mean nothing in HTML; tags decide them below
    text = html.unescape(_HTML_TAG.sub(_tag_break, text)).replace("\xa0", " ")
    while "  " in text:
        text = text.replace("  ", " ")
    return tidy_plain_text(text, keep_indent=False)


def tidy_plain_text(text: str, *, keep_indent: bool = True) -> str:
    """Normalize line endings and non-breaking spaces, trim line ends and squeeze runs of blank lines."""
    if "\r" in text:
        text = CARRIAGE_RETURN.sub("\n", text)
    if "\xa0" in text:
        text = text.replace("\xa0", " ")
    if keep_indent:  # markdown (JobSpy) nests lists by indentation
        text = "\n".join([line.rstrip() for line in text.split("\n")])
    else:
        text = "\n".join([line.strip() for line in text.split("\n")])
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip()


def excerpt(value: Any, limit: int = 120) -> str:
    """A short, printable one-line rendering of a raw item or line so a user can recognise it."""
    if isinstance(value, str):
        rendered = value[: limit * 4]
    else:
        if isinstance(value, dict):
            value = {str(k): (v[:60] if isinstance(v, str) else v) for k, v in list(value.items())[:12]}
        try:
            rendered = json.dumps(value, ensure_ascii=False, default=str)[: limit * 4]
        except (TypeError, ValueError):
            rendered = repr(value)[: limit * 4]
    rendered = collapse_whitespace(strip_control_characters(rendered)[0])
    return rendered if len(rendered) <= limit else rendered[: limit - 1] + "…"


def jsonb_ready(data: Mapping[str, Any]) -> dict[str, Any]:
    """`data` as a dict that jsonb accepts; one C-speed json.dumps decides whether the slow clean-up is needed."""
    try:
        dumped = json.dumps(data, ensure_ascii=False)
    except (TypeError, ValueError):
        dumped = None
    if dumped is not None and len(dumped) <= MAX_METADATA_TEXT and _jsonb_accepts(dumped):
        return {str(key): value for key, value in data.items()}
    return json_safe(data)


def _jsonb_accepts(dumped: str) -> bool:
    # jsonb refuses NUL, NaN and Infinity; psycopg cannot encode a lone surrogate. Plain `in` and encode run in C.
    if "\\u0000" in dumped or "NaN" in dumped or "Infinity" in dumped:
        return False
    try:
        dumped.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def json_safe(value: Any) -> Any:
    """A copy that PostgreSQL's jsonb accepts: no NUL or lone surrogates, no NaN, long strings capped, keys text."""
    if isinstance(value, str):
        return strip_control_characters(value[:MAX_METADATA_TEXT])[0]
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {json_safe(str(k)): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return str(value)
