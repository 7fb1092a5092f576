"""A posting address dragged from a browser onto the board: text/uri-list or plain text, http(s) only."""

from __future__ import annotations

from urllib.parse import urlsplit

from PySide6.QtCore import QMimeData

MAX_LINK_CHARS = 4096


def _web_link(text: str) -> str | None:
    candidate = text.strip()
    if not candidate or len(candidate) > MAX_LINK_CHARS or any(c.isspace() for c in candidate):
        return None
    parts = urlsplit(candidate)
    return candidate if parts.scheme.lower() in ("http", "https") and parts.hostname else None


def dropped_link(mime: QMimeData | None) -> str | None:
    """The first http(s) address a drop carries (a link, or text that is one address); None otherwise."""
    if mime is None:
        return None
    if mime.hasUrls():
        for url in mime.urls():
            if (link := _web_link(url.toString())) is not None:
                return link
        return None
    if mime.hasText():
        lines = mime.text()[: MAX_LINK_CHARS * 2].strip().splitlines()
        return _web_link(lines[0]) if len(lines) == 1 else None
    return None
