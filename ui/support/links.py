"""The one way a link leaves the app: only http(s) web addresses are handed to the system; anything else is refused
with a line in the status bar (a scraped URL may be ``javascript:``, ``file:``, ``data:``, ``smb:`` or a bare path)."""

from __future__ import annotations

import logging

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMainWindow, QWidget

log = logging.getLogger(__name__)

WEB_SCHEMES = frozenset({"http", "https"})
DESCRIPTION_SCHEMES = WEB_SCHEMES | {"mailto"}  # a posting's description may also link an e-mail address
MESSAGE_MS = 10_000
_SHOWN_CHARS = 60


def web_url(url: str | QUrl | None, schemes: frozenset[str] = WEB_SCHEMES) -> QUrl | None:
    """The address as a QUrl when it is an absolute URL of an allowed scheme (http(s) with a host); else None."""
    if url is None:
        return None
    if isinstance(url, QUrl):
        target = QUrl(url)
    else:
        text = url.strip()
        if not text:
            return None
        target = QUrl(text, QUrl.ParsingMode.StrictMode)
    scheme = target.scheme().lower()
    if not target.isValid() or scheme not in schemes:
        return None
    if scheme in WEB_SCHEMES and not target.host():
        return None
    if scheme == "mailto" and not target.path().strip():
        return None
    return target


def refusal_message(url: str | QUrl | None) -> str:
    """What the status bar says when an address is not opened."""
    text = url.toString() if isinstance(url, QUrl) else (url or "").strip()
    text = " ".join(text.split())
    if not text:
        return "Not opened: there is no web address."
    if len(text) > _SHOWN_CHARS:
        text = text[: _SHOWN_CHARS - 1] + "…"
    return f"Not opened: “{text}” is not a web address. Only http and https links are opened."


def open_external(url: str | QUrl | None, parent: QWidget | None = None, schemes: frozenset[str] = WEB_SCHEMES) -> bool:
    """Open an http(s) address in the browser; refuse anything else and say so in the window's status bar."""
    target = web_url(url, schemes)
    if target is None:
        message = refusal_message(url)
        log.warning("refused to open %r: not an http(s) address", url.toString() if isinstance(url, QUrl) else url)
        window = parent.window() if parent is not None else None
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(message, MESSAGE_MS)
        return False
    return QDesktopServices.openUrl(target)
