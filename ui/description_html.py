"""Job descriptions as safe rich text: scraped HTML reduced to a small allow-list, plain text with live links."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

ALLOWED_TAGS = {
    "p", "br", "ul", "ol", "li", "strong", "b", "em", "i", "u", "a", "blockquote", "code", "pre", "h3", "h4",
    "hr", "div", "span", "table", "tr", "td", "th", "thead", "tbody",
}
HEADING_MAP = {"h1": "h3", "h2": "h3", "h3": "h4", "h4": "h4", "h5": "h4", "h6": "h4"}
DROP_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "head", "title", "noscript", "template",
                     "svg", "math", "form", "select", "textarea", "button"}
VOID_TAGS = {"br", "hr"}
SAFE_SCHEMES = ("http://", "https://", "mailto:")
_URL = re.compile(r"(https?://[^\s<>\"')\]]+)", re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[-*•·▪●]|\d+[.)])\s+")


class _Sanitizer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self._skip_depth = 0
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        tag = tag.lower()
        if tag in DROP_WITH_CONTENT:
            self._skip_depth += 1
            return
        if self._skip_depth:
            return
        tag = HEADING_MAP.get(tag, tag)
        if tag not in ALLOWED_TAGS:
            return
        if tag == "a":
            href = next((value for name, value in attrs if name.lower() == "href" and value), "")
            href = href.strip()
            if href.lower().startswith(SAFE_SCHEMES):
                self.out.append(f'<a href="{html.escape(href, quote=True)}">')
            else:
                self.out.append("<a>")
        else:
            self.out.append(f"<{tag}>")
        if tag not in VOID_TAGS:
            self._open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag.lower() in VOID_TAGS and not self._skip_depth:
            self.out.append(f"<{tag.lower()}>")

    def handle_endtag(self, tag: str) -> None:
        tag = tag.lower()
        if tag in DROP_WITH_CONTENT:
            self._skip_depth = max(0, self._skip_depth - 1)
            return
        if self._skip_depth:
            return
        tag = HEADING_MAP.get(tag, tag)
        if tag in self._open:
            # Close anything left open inside it, so broken markup cannot swallow the rest of the page.
            while self._open:
                last = self._open.pop()
                self.out.append(f"</{last}>")
                if last == tag:
                    break

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self.out.append(html.escape(data, quote=False))

    def result(self) -> str:
        self.close()
        return "".join(self.out) + "".join(f"</{tag}>" for tag in reversed(self._open))


def sanitize_html(markup: str) -> str:
    """Keep structure, emphasis and http(s)/mailto links; drop scripts, styles, images, handlers and attributes."""
    parser = _Sanitizer()
    parser.feed(markup or "")
    return parser.result()


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
