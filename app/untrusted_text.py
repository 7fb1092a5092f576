"""Text from outside the app (scraped fields, names typed or pasted): control characters and terminal escapes out."""

from __future__ import annotations

import re

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
CARRIAGE_RETURN = re.compile(r"\r\n?")
# Terminal escape sequences (colours, cursor moves, titles) pasted from a terminal: removed whole, so "\x1b[31m"
# leaves nothing behind rather than "[31m": CSI (ESC [ or its one-byte form), OSC (ended by BEL or by ESC and a
# backslash) and two-character escapes.
_TERMINAL_ESCAPE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x9b[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]"
)


def strip_control_characters(text: str) -> tuple[str, int]:
    """Remove control characters (newline and tab stay) and lone surrogates; return the text and how many went."""
    if text.isprintable() or CONTROL.search(text) is None:  # isprintable: a fast C scan for the common case
        return text, 0
    unified = CARRIAGE_RETURN.sub("\n", text) if "\r" in text else text
    cleaned = CONTROL.sub("", unified)
    return cleaned, len(unified) - len(cleaned)


def strip_terminal_escapes(text: str) -> str:
    """Remove terminal escape sequences whole (colours, cursor moves, window titles)."""
    return _TERMINAL_ESCAPE.sub("", text)
