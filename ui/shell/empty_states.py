"""Full-page states that replace the board: first run, a board with no jobs, a database to migrate."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from ui.support import theme
from ui.support.plain_text import plain


def _centred_card(page: QWidget, heading: str, body: str) -> QVBoxLayout:
    """A white card in the middle of the page with a heading and a paragraph; returns its layout."""
    outer = QVBoxLayout(page)
    outer.addStretch(2)
    row = QHBoxLayout()
    row.addStretch(1)
    card = QFrame()
    card.setObjectName("emptyCard")
    card.setMaximumWidth(520)
    layout = QVBoxLayout(card)
    layout.setContentsMargins(32, 28, 32, 28)
    layout.setSpacing(12)
    title = QLabel(heading)
    title.setObjectName("emptyTitle")
    title.setWordWrap(True)
    text = QLabel(body)
    plain(title, text)  # the heading names the profile
    text.setObjectName("emptyBody")
    text.setWordWrap(True)
    layout.addWidget(title)
    layout.addWidget(text)
    row.addWidget(card, 3)
    row.addStretch(1)
    outer.addLayout(row)
    outer.addStretch(3)
    return layout


class WelcomePage(QWidget):
    """First run: no profile yet. A name and one button start the first board."""

    create_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = _centred_card(
            self,
            "Welcome to JobPool",
            "JobPool keeps every job posting once, in a shared pool, and gives each person their own board over "
            "it. Start with a profile: your name, or whoever this board is for.",
        )
        row = QHBoxLayout()
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("Profile name, e.g. Alex")
        self.name_edit.setAccessibleName("Profile name")
        self.create_button = QPushButton("Create profile")
        self.create_button.setObjectName("primaryButton")
        self.create_button.setEnabled(False)
        self.name_edit.textChanged.connect(lambda text: self.create_button.setEnabled(bool(text.strip())))
        self.name_edit.returnPressed.connect(self._create)
        self.create_button.clicked.connect(self._create)
        row.addWidget(self.name_edit, 1)
        row.addWidget(self.create_button)
        layout.addLayout(row)

    def _create(self) -> None:
        if self.name_edit.text().strip():
            self.create_requested.emit(self.name_edit.text().strip())


class EmptyBoardPage(QWidget):
    """A profile without cards: where jobs come from and the two ways to get them."""

    import_requested = Signal()
    apify_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = _centred_card(
            self,
            "This board has no jobs yet",
            "Import a dataset export (Apify JSON, JSONL or CSV, or a JobSpy CSV), or run a LinkedIn or Indeed "
            "scraper on Apify. Jobs already in the shared pool are linked, not stored twice.",
        )
        self.heading = self.findChild(QLabel, "emptyTitle")
        row = QHBoxLayout()
        self.import_button = QPushButton(theme.icon("import-light"), "Import dataset…")
        self.import_button.setObjectName("primaryButton")
        self.import_button.clicked.connect(self.import_requested)
        apify = QPushButton("Ingest from Apify…")
        apify.clicked.connect(self.apify_requested)
        row.addWidget(self.import_button)
        row.addWidget(apify)
        row.addStretch(1)
        self._layout.addLayout(row)

    def set_profile_name(self, name: str) -> None:
        """Name the profile in the heading."""
        if self.heading is not None:
            self.heading.setText(f"{name}’s board has no jobs yet")


class MigrationPage(QWidget):
    """The database holds the earlier per-user schema: the board waits for the migration."""

    migrate_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = _centred_card(
            self,
            "This database needs a migration",
            "It was written by an earlier JobPool that kept a separate copy of every job per user. Migrating moves "
            "the jobs into the shared pool and keeps every user's statuses and notes; the old table is kept, and a "
            "preview shows what will happen before anything changes.",
        )
        button = QPushButton("Migrate to shared pool…")
        button.setObjectName("primaryButton")
        button.clicked.connect(self.migrate_requested)
        row = QHBoxLayout()
        row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.setAlignment(Qt.AlignmentFlag.AlignTop)
