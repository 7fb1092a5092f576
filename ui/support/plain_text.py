"""Data is shown as typed: a title such as ``<b>Bold</b>`` must not turn bold (or into a link) in a label or tooltip.

Qt guesses whether a label's or tooltip's text is rich text (Qt.mightBeRichText); scraped titles, companies,
profile names and error messages must never be guessed at. Labels that show data are set to plain text, and
tooltips that carry data are converted to escaped rich text, which Qt then shows literally.
"""

from __future__ import annotations

from PySide6 import QtGui
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel


def plain(*labels: QLabel) -> None:
    """Show these labels' text literally, whatever it contains."""
    for label in labels:
        label.setTextFormat(Qt.TextFormat.PlainText)


def plain_label(text: str = "") -> QLabel:
    """A new label that shows its text literally."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def tooltip_text(text: str | None) -> str:
    """A tooltip that shows `text` literally, line breaks kept (empty text: no tooltip)."""
    if not text:
        return ""
    return QtGui.Qt.convertFromPlainText(text, Qt.WhiteSpaceMode.WhiteSpaceNormal)
