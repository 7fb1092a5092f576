"""Colours, fonts, icons and the stylesheet: one calm light theme shared by the painted cards and the widgets."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PySide6.QtGui import QColor, QIcon, QPalette
from PySide6.QtWidgets import QApplication

from app.records import JobStatus

RESOURCES = Path(__file__).resolve().parent.parent / "resources"

WINDOW = "#f6f7f9"
COLUMN = "#eceef2"
COLUMN_DROP = "#e2e8f6"
CARD = "#ffffff"
CARD_BORDER = "#dde1e7"
CARD_HOVER_BORDER = "#bfc7d3"
CARD_SELECTED = "#f1f5fe"
TEXT = "#1d2330"
TEXT_SECONDARY = "#505968"
TEXT_MUTED = "#7d8592"
ACCENT = "#3563d1"
DANGER = "#b8454b"
DUE_BACKGROUND = "#fde4d8"  # a follow-up that is due: warm, apart from the match badge's colours
DUE_TEXT = "#9a3412"

STATUS_COLORS: dict[JobStatus, str] = {
    JobStatus.RECOMMENDED: "#6b73d6",
    JobStatus.APPLIED: "#3a86c8",
    JobStatus.INTERVIEWING: "#c98a2e",
    JobStatus.OFFER: "#2f9467",
    JobStatus.REJECTED: "#c0565b",
    JobStatus.ARCHIVED: "#8a919c",
}

# (background, text) of the match-score badge by band: strong, fair, weak.
SCORE_COLORS = (("#dff2e7", "#1c6b45"), ("#fbefd9", "#7f5410"), ("#eceef1", "#4f5866"))


def score_colors(score: int) -> tuple[QColor, QColor]:
    """Badge background and text colour for a match score."""
    band = 0 if score >= 75 else 1 if score >= 50 else 2
    background, text = SCORE_COLORS[band]
    return QColor(background), QColor(text)


@cache
def icon(name: str) -> QIcon:
    """An icon from resources/icons (SVG, drawn for this app)."""
    return QIcon(str(RESOURCES / "icons" / f"{name}.svg"))


def stylesheet() -> str:
    """The application stylesheet (its @icons/ urls point into resources/icons)."""
    text = (RESOURCES / "style.qss").read_text(encoding="utf-8")
    return text.replace("@icons/", (RESOURCES / "icons").as_posix() + "/")


def apply_theme(app: QApplication) -> None:
    """Fusion style, a light palette and the stylesheet, so the window looks the same on every platform."""
    app.setStyle("Fusion")
    palette = app.palette()
    roles = {
        QPalette.ColorRole.Window: WINDOW,
        QPalette.ColorRole.Base: CARD,
        QPalette.ColorRole.AlternateBase: COLUMN,
        QPalette.ColorRole.Text: TEXT,
        QPalette.ColorRole.WindowText: TEXT,
        QPalette.ColorRole.ButtonText: TEXT,
        QPalette.ColorRole.Button: "#ffffff",
        QPalette.ColorRole.Highlight: ACCENT,
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.PlaceholderText: TEXT_MUTED,
        QPalette.ColorRole.ToolTipBase: "#ffffff",
        QPalette.ColorRole.ToolTipText: TEXT,
        QPalette.ColorRole.Link: ACCENT,
    }
    for role, colour in roles.items():
        palette.setColor(role, QColor(colour))
    app.setPalette(palette)
    app.setStyleSheet(stylesheet())
