"""Job descriptions as safe rich text: scraped HTML reduced to a small allow-list, plain text with live links."""

from __future__ import annotations

import html
import re

import nh3

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "ul",
        "ol",
        "li",
        "strong",
        "b",
        "em",
        "i",
        "u",
        "a",
        "blockquote",
        "code",
        "pre",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "div",
        "span",
        "table",
        "tr",
        "td",
        "th",
        "thead",
        "tbody",
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href"}}
# Only these leave the app from a description; relative links are dropped (they would resolve to local files).
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
HEADING_MAP = {"h1": "h3", "h2": "h3", "h3": "h4", "h4": "h4", "h5": "h4", "h6": "h4"}
DROP_WITH_CONTENT = frozenset(
    {
        "script",
        "style",
        "iframe",
        "object",
        "embed",
        "head",
        "title",
        "noscript",
        "template",
        "svg",
        "math",
        "form",
        "select",
        "textarea",
        "button",
    }
)
_HEADING_TAG = re.compile(r"<(/?)(h[1-6])>")
_URL = re.compile(r"(https?://[^\s<>\"')\]]+)", re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[-*•·▪●]|\d+[.)])\s+")

_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(DROP_WITH_CONTENT),
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=set(LINK_SCHEMES),
    url_relative="deny",
    link_rel=None,
    strip_comments=True,
)


def sanitize_html(markup: str) -> str:
    """Keep structure, emphasis and http(s)/mailto links; drop scripts, styles, images, handlers and attributes."""
    cleaned = _CLEANER.clean(markup or "")
    # Headings are toned down to fit the pane; the cleaner's output is canonical, so a plain pattern finds them.
    return _HEADING_TAG.sub(lambda m: f"<{m.group(1)}{HEADING_MAP[m.group(2)]}>", cleaned)


def _linkify(escaped: str) -> str:
    return _URL.sub(lambda m: f'<a href="{m.group(1)}">{m.group(1)}</a>', escaped)


def _plain_block(lines: list[str]) -> str:
    """One block of lines: runs of bullets become lists, a short line introducing a list becomes a heading."""
    parts: list[str] = []
    paragraph: list[str] = []
    bullets: list[str] = []

    def close_paragraph() -> None:
        if paragraph:
            parts.append("<p>" + "<br>".join(paragraph) + "</p>")
            paragraph.clear()

    def close_list() -> None:
        if bullets:
            parts.append("<ul>" + "".join(f"<li>{item}</li>" for item in bullets) + "</ul>")
            bullets.clear()

    for index, line in enumerate(lines):
        text = _linkify(html.escape(_BULLET.sub("", line).strip()))
        if _BULLET.match(line):
            close_paragraph()
            bullets.append(text)
            continue
        close_list()
        introduces_list = index + 1 < len(lines) and _BULLET.match(lines[index + 1])
        if introduces_list and len(line.strip()) <= 80 and not line.rstrip().endswith("."):
            close_paragraph()
            parts.append(f"<p><b>{text}</b></p>")
        else:
            paragraph.append(text)
    close_paragraph()
    close_list()
    return "".join(parts)


def plain_to_html(text: str) -> str:
    """Plain text as paragraphs and bullet lists, with web addresses turned into links."""
    blocks = []
    for block in re.split(r"\n\s*\n", (text or "").strip()):
        lines = [line for line in block.splitlines() if line.strip()]
        if lines:
            blocks.append(_plain_block(lines))
    return "".join(blocks)


def description_markup(description_html: str | None, description: str | None) -> str:
    """The rich text the detail pane shows: sanitized HTML when the source had it, else the plain text."""
    if description_html and description_html.strip():
        cleaned = sanitize_html(description_html)
        if re.sub(r"<[^>]+>", "", cleaned).strip():
            return cleaned
    if description and description.strip():
        return plain_to_html(description)
    return ""
