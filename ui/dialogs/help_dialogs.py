"""Help menu content: the keyboard shortcuts sheet, About, and Database → Connection info."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from app.database import Database

SHORTCUTS: tuple[tuple[str, str], ...] = (
    ("/ or Ctrl+F", "Search title, company and description"),
    ("Esc (in search)", "Clear the search"),
    ("Ctrl+1 … Ctrl+6", "Move the selected cards to column 1 … 6"),
    ("Delete", "Archive the selected cards"),
    ("Ctrl+L", "Add a job by its posting address (or drop a link on a column)"),
    ("Ctrl+Up / Ctrl+Down", "Move the selected cards up or down in their column"),
    ("Alt+1 … Alt+6", "Go to column 1 … 6"),
    ("← / →", "Go to the next column"),
    ("↑ / ↓, Shift+↑ / ↓", "Choose a card, extend the selection"),
    ("Enter", "Write notes for the current card"),
    ("Ctrl+O", "Open the posting in the browser"),
    ("Menu key / right click", "Move to…, Open posting, Copy link, Archive"),
    ("F5", "Refresh the board"),
    ("Ctrl+I", "Import a dataset file"),
    ("Ctrl+E", "Export the board as CSV"),
    ("Ctrl+Shift+S", "Show or hide the Stats view"),
    ("Ctrl+N", "New profile"),
    ("Ctrl+Q", "Quit"),
)


class ShortcutsDialog(QDialog):
    """Every shortcut on one sheet."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        rows = "".join(
            f"<tr><td style='padding:3px 18px 3px 0'><b>{html.escape(keys)}</b></td>"
            f"<td style='padding:3px 0'>{html.escape(what)}</td></tr>"
            for keys, what in SHORTCUTS
        )
        label = QLabel(f"<table>{rows}</table>")
        label.setTextFormat(Qt.TextFormat.RichText)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(buttons)


ABOUT_TEXT = (
    "JobPool 0.1 — a job-hunt board over one shared, deduplicated job pool.\n\n"
    "A posting scraped once serves every profile on this machine (or everyone on a shared server): "
    "no duplicate storage, no second paid scraper call for the same search.\n\n"
    "PostgreSQL with pgvector · PySide6 · Apify"
)


def connection_text(database: Database) -> str:
    """What Database → Connection info says: embedded or external, and where the data lives."""
    location = database.location
    lines = [database.description]
    if location.embedded:
        lines.append("JobPool runs this PostgreSQL server itself; other JobPool windows on this machine share it.")
    else:
        lines.append("An external server: every desktop pointed at it shares one pool.")
    lines.append(f"App data folder: {location.data_dir}")
    return "\n\n".join(lines)
