"""Jobs → Add job…: a posting read from a URL or a saved page (or typed in), shown in a form to edit before it is added.

Fetching and reading the page run through the TaskRunner (off the GUI thread); the form shows what was found as
plain text. A page with no posting (a JavaScript-only page, a login wall) gets a message and the form pre-filled
with what could be read: at least the address and the page title.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
)

from app.capture.records import AddedJob, JobDraft
from app.capture.service import CaptureService
from app.errors import InvalidInput, JobPoolError
from app.records import STATUSES, status_label
from ui.dialogs.host import require_profile
from ui.support.events import ChangeSet
from ui.support.plain_text import plain

if TYPE_CHECKING:
    from ui.dialogs.host import DialogHost

PAGE_FILTER = "Saved web pages (*.html *.htm);;All files (*)"
PERIODS = ("", "year", "month", "week", "day", "hour")
NO_POSTING = (
    "No job posting was found on this page (it may need JavaScript or a login). "
    "What could be read is filled in; complete the form to add it."
)


class AddJobDialog(QDialog):
    """A posting's fields, filled from a page (Fetch, a saved file) or by hand; Add puts it on the board."""

    draft_shown = Signal(object)  # JobDraft
    added = Signal(object)  # AddedJob
    failed = Signal(str)

    def __init__(self, window: DialogHost) -> None:
        super().__init__(window.widget())
        profile = require_profile(window)
        self.main_window = window
        self.profile_id: uuid.UUID = profile.id
        self.draft = JobDraft()
        self.source = "manual"
        self.busy = False
        self.setWindowTitle(f"Add job — {profile.name}")
        self.resize(720, 640)
        self._build()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.url_edit = QLineEdit()
        self.url_edit.setPlaceholderText("https://… the posting's address")
        self.url_edit.setAccessibleName("Posting address")
        self.url_edit.returnPressed.connect(self.fetch)
        self.fetch_button = QPushButton("Fetch")
        self.fetch_button.clicked.connect(self.fetch)
        self.file_button = QPushButton("Saved page…")
        self.file_button.clicked.connect(self.choose_file)
        row = QHBoxLayout()
        row.addWidget(self.url_edit, 1)
        row.addWidget(self.fetch_button)
        row.addWidget(self.file_button)
        layout.addLayout(row)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        plain(self.message)
        layout.addWidget(self.message)
        form = QFormLayout()
        self.title_edit = QLineEdit()
        self.company_edit = QLineEdit()
        self.location_edit = QLineEdit()
        self.salary_min_edit = QLineEdit()
        self.salary_max_edit = QLineEdit()
        self.currency_edit = QLineEdit()
        self.currency_edit.setMaxLength(8)
        self.currency_edit.setPlaceholderText("USD")
        self.period_combo = QComboBox()
        self.period_combo.addItems([p or "—" for p in PERIODS])
        self.posted_edit = QLineEdit()
        self.posted_edit.setPlaceholderText("YYYY-MM-DD")
        self.status_combo = QComboBox()
        for status in STATUSES:
            self.status_combo.addItem(status_label(status), status.value)
        self.description_edit = QPlainTextEdit()
        self.description_edit.setPlaceholderText("The posting's text")
        salary = QHBoxLayout()
        for widget, stretch in (
            (self.salary_min_edit, 2),
            (QLabel("to"), 0),
            (self.salary_max_edit, 2),
            (self.currency_edit, 1),
            (self.period_combo, 1),
        ):
            salary.addWidget(widget, stretch)
        form.addRow("Title", self.title_edit)
        form.addRow("Company", self.company_edit)
        form.addRow("Location", self.location_edit)
        form.addRow("Salary", salary)
        form.addRow("Posted", self.posted_edit)
        form.addRow("Column", self.status_combo)
        layout.addLayout(form)
        layout.addWidget(self.description_edit, 1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.add_button = self.buttons.addButton("Add to board", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.add)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    # -- state -----------------------------------------------------------------------------------------
    def _set_busy(self, busy: bool, message: str = "") -> None:
        self.busy = busy
        for widget in (self.fetch_button, self.file_button, self.add_button, self.url_edit):
            widget.setEnabled(not busy)
        self.show_message(message)

    def show_message(self, message: str, error: bool = False) -> None:
        """A line above the form (an error in red)."""
        self.message.setText(message)
        self.message.setStyleSheet("color: #b8454b;" if error else "")
        self.message.setVisible(bool(message))

    def set_status(self, status: str) -> None:
        """Preselect the column the job goes into."""
        index = self.status_combo.findData(status)
        if index >= 0:
            self.status_combo.setCurrentIndex(index)

    # -- reading pages ---------------------------------------------------------------------------------
    def fetch(self, url: str | None = None) -> None:
        """Fetch the address (the field's, or the one given) in the background and fill the form."""
        if self.busy:
            return
        if url is not None:
            self.url_edit.setText(url)
        address = self.url_edit.text().strip()
        if not address:
            self.show_message("Enter the posting's address first.", error=True)
            return
        self._set_busy(True, "Fetching the page…")
        self.main_window.tasks.run(
            self.main_window.ctx.capture.draft_from_url,
            address,
            report=False,
            on_success=lambda draft: self.show_draft(draft, "url"),
            on_failure=self._failed,
        )

    def choose_file(self) -> None:
        """Ask for a saved page and read it."""
        directory = getattr(self.main_window.settings, "last_directory", "") or str(Path.home())
        path, _filter = QFileDialog.getOpenFileName(self, "Add job from saved page", directory, PAGE_FILTER)
        if path:
            self.load_file(path)

    def load_file(self, path: str | Path) -> None:
        """Read a saved page in the background and fill the form."""
        self._set_busy(True, f"Reading {Path(path).name}…")
        self.main_window.tasks.run(
            CaptureService.draft_from_file,
            str(path),
            report=False,
            on_success=lambda draft: self.show_draft(draft, "url" if draft.url else "manual"),
            on_failure=self._failed,
        )

    def show_draft(self, draft: JobDraft, source: str) -> None:
        """Fill the form with what a page gave; say so when it had no posting."""
        self.draft = draft
        self.source = source
        self._set_busy(False, "" if draft.has_posting else NO_POSTING)
        if draft.url:
            self.url_edit.setText(draft.url)
        self.title_edit.setText(draft.title or draft.page_title or "")
        self.company_edit.setText(draft.company or "")
        self.location_edit.setText(draft.location or "")
        self.salary_min_edit.setText(_number_text(draft.salary_min))
        self.salary_max_edit.setText(_number_text(draft.salary_max))
        self.currency_edit.setText(draft.salary_currency or "")
        self.period_combo.setCurrentIndex(PERIODS.index(draft.salary_period) if draft.salary_period in PERIODS else 0)
        self.posted_edit.setText(draft.posted_at.date().isoformat() if draft.posted_at else "")
        self.description_edit.setPlainText(draft.description or "")
        self.draft_shown.emit(draft)

    # -- adding ----------------------------------------------------------------------------------------
    def edited_draft(self) -> JobDraft:
        """The form's values over what the page gave (fields the form does not show are kept)."""
        period = PERIODS[self.period_combo.currentIndex()] or None
        posted = self.posted_edit.text().strip()
        try:
            posted_at = datetime.fromisoformat(posted).replace(tzinfo=UTC) if posted else None
        except ValueError:
            raise InvalidInput("Posted: write the date as YYYY-MM-DD.") from None
        if self.draft.posted_at and posted_at and posted_at.date() == self.draft.posted_at.date():
            posted_at = self.draft.posted_at
        return replace(
            self.draft,
            url=self.url_edit.text().strip() or None,
            title=self.title_edit.text().strip() or None,
            company=self.company_edit.text().strip() or None,
            location=self.location_edit.text().strip() or None,
            salary_min=_amount("minimum", self.salary_min_edit.text()),
            salary_max=_amount("maximum", self.salary_max_edit.text()),
            salary_currency=self.currency_edit.text().strip().upper() or None,
            salary_period=period,
            posted_at=posted_at,
            description=self.description_edit.toPlainText().strip() or None,
        )

    def add(self) -> None:
        """Add the job as the form shows it; the dialog closes when it is on the board."""
        if self.busy:
            return
        try:
            draft = self.edited_draft()
        except JobPoolError as exc:
            self.show_message(exc.message, error=True)
            return
        if not draft.title or not draft.company:
            self.show_message("A job needs a title and a company.", error=True)
            return
        source = "url" if draft.url and self.source == "url" else ("url" if draft.url else "manual")
        self._set_busy(True, "Adding…")
        self.main_window.tasks.run(
            self.main_window.ctx.capture.add,
            self.profile_id,
            draft,
            source=source,
            status=self.status_combo.currentData(),
            changes=ChangeSet(board=True, pool=True),
            report=False,
            on_success=self._added,
            on_failure=self._failed,
        )

    def _added(self, added: AddedJob) -> None:
        self._set_busy(False)
        where = "already in the pool" if added.pool_hit else "new to the pool"
        self.main_window.report(f"Added “{added.title}” at {added.company} ({where}).", "info")
        self.added.emit(added)
        self.accept()

    def _failed(self, exc: JobPoolError) -> None:
        self._set_busy(False)
        self.show_message(exc.message, error=True)
        self.failed.emit(exc.message)


class AddJobByHandDialog(AddJobDialog):
    """Jobs → Add job by hand…: the same form, empty, the page controls hidden."""

    def __init__(self, window: DialogHost) -> None:
        super().__init__(window)
        self.setWindowTitle(self.windowTitle().replace("Add job", "Add job by hand"))
        self.fetch_button.setVisible(False)
        self.file_button.setVisible(False)
        self.url_edit.setPlaceholderText("https://… (optional) the posting's address")
        self.title_edit.setFocus()


def _number_text(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{value:f}".rstrip("0").rstrip(".") if "." in f"{value:f}" else f"{value:f}"


def _amount(label: str, text: str) -> Decimal | None:
    cleaned = text.strip().replace(",", "").replace(" ", "")
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise InvalidInput(f"Salary {label}: write a number such as 85000.") from None
    if not value.is_finite() or value < 0 or value > Decimal("1e9"):
        raise InvalidInput(f"Salary {label}: write a number such as 85000.")
    return value
