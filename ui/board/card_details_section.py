"""The detail pane's compact tracking sections: priority and tags, interviews, contacts.

Every write goes through the task runner and is broadcast as a change-set for the card, so the card face (which
paints the tags and priority) repaints; the sections reread the card's details after each write.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.calendar_export import write_interviews_calendar
from app.card_details import INTERVIEW_KINDS, CardDetails, CardDetailsService, ContactRecord, InterviewRecord
from app.card_filter import PRIORITIES
from ui.support.events import ChangeSet, Hub
from ui.support.links import open_external
from ui.support.plain_text import tooltip_text
from ui.support.tasks import TaskRunner

NO_PRIORITY = "No priority"


def interview_text(interview: InterviewRecord) -> str:
    """ "Tue 3 Dec 2030, 15:00 · video · with Maria" in this machine's local time."""
    local = interview.at.astimezone()
    parts = [f"{local:%a} {local.day} {local:%b %Y, %H:%M}"]
    if interview.kind:
        parts.append(interview.kind)
    if interview.with_whom:
        parts.append(f"with {interview.with_whom}")
    return " · ".join(parts)


def contact_text(contact: ContactRecord) -> str:
    """ "Sam Lee · Recruiter · sam@acme.example · +1 555 0100" """
    return " · ".join(x for x in (contact.name, contact.role, contact.email, contact.phone) if x)


def split_tags(text: str) -> list[str]:
    """Tags typed in one line, separated by commas."""
    return [part for part in (p.strip() for p in text.split(",")) if part]


def _plain(text: str = "", name: str | None = None) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if name:
        label.setObjectName(name)
    return label


def _small_button(text: str, tip: str) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setToolTip(tip)
    button.setAccessibleName(tip)
    button.setAutoRaise(True)
    return button


class CardDetailsSection(QWidget):
    """Priority, tags, interviews and contacts of the card the pane shows."""

    details_loaded = Signal(object)  # CardDetails
    message = Signal(str)  # a short line for the window's message bar

    def __init__(self, details: CardDetailsService, tasks: TaskRunner, hub: Hub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = details
        self._tasks = tasks
        self._hub = hub
        self.card_id: uuid.UUID | None = None
        self.details: CardDetails | None = None
        self._generation = 0
        self._filling = False
        # Where to write an .ics file (the window gives its file dialog; tests a path).
        self.ask_ics_path: Callable[[str], str | None] = lambda _suggested: None
        self._build()
        hub.changed.connect(self._on_changes)

    # -- layout ----------------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        row = QHBoxLayout()
        row.setSpacing(8)
        self.priority_box = QComboBox()
        self.priority_box.setAccessibleName("Priority")
        self.priority_box.addItem(NO_PRIORITY, None)
        for priority in PRIORITIES:
            self.priority_box.addItem(f"{priority.capitalize()} priority", priority)
        self.priority_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.priority_box.activated.connect(self._priority_chosen)
        self.tags_edit = QLineEdit()
        self.tags_edit.setObjectName("tagsEdit")
        self.tags_edit.setAccessibleName("Tags")
        self.tags_edit.setPlaceholderText("Tags")
        self.tags_edit.setToolTip("Tags, separated by commas; search the board with tag:NAME")
        self.tags_edit.editingFinished.connect(self._tags_edited)
        row.addWidget(self.priority_box)
        row.addWidget(self.tags_edit, 1)
        layout.addLayout(row)

        self.add_interview_button = _small_button("+ Add", "Add an interview")
        self.add_interview_button.clicked.connect(self._toggle_interview_form)
        layout.addLayout(self._header("Interviews", self.add_interview_button))
        self.interview_rows = QVBoxLayout()
        self.interview_rows.setSpacing(2)
        layout.addLayout(self.interview_rows)
        self.interview_form = self._build_interview_form()
        layout.addWidget(self.interview_form)

        self.add_contact_button = _small_button("+ Add", "Add a contact")
        self.add_contact_button.clicked.connect(self._toggle_contact_form)
        layout.addLayout(self._header("Contacts", self.add_contact_button))
        self.contact_rows = QVBoxLayout()
        self.contact_rows.setSpacing(2)
        layout.addLayout(self.contact_rows)
        self.contact_form = self._build_contact_form()
        layout.addWidget(self.contact_form)

    @staticmethod
    def _header(text: str, button: QToolButton) -> QHBoxLayout:
        header = QHBoxLayout()
        header.setSpacing(6)
        label = _plain(text, "sectionLabel")
        label.setWordWrap(False)
        header.addWidget(label)
        header.addWidget(button)
        header.addStretch(1)
        return header

    def _build_interview_form(self) -> QWidget:
        form = QWidget()
        grid = QGridLayout(form)
        grid.setContentsMargins(0, 0, 0, 4)
        grid.setSpacing(4)
        self.interview_at = QDateTimeEdit()
        self.interview_at.setAccessibleName("Interview date and time")
        self.interview_at.setCalendarPopup(True)
        self.interview_at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.interview_kind = QComboBox()
        self.interview_kind.setAccessibleName("Interview kind")
        self.interview_kind.addItem("Kind not set", None)
        for kind in INTERVIEW_KINDS:
            self.interview_kind.addItem(kind.capitalize(), kind)
        self.interview_with = QLineEdit()
        self.interview_with.setPlaceholderText("With whom")
        self.interview_notes = QLineEdit()
        self.interview_notes.setPlaceholderText("Notes")
        self.save_interview_button = QPushButton("Save interview")
        self.save_interview_button.clicked.connect(self.save_interview)
        grid.addWidget(self.interview_at, 0, 0)
        grid.addWidget(self.interview_kind, 0, 1)
        grid.addWidget(self.interview_with, 1, 0, 1, 2)
        grid.addWidget(self.interview_notes, 2, 0, 1, 2)
        grid.addWidget(self.save_interview_button, 3, 1)
        form.hide()
        return form

    def _build_contact_form(self) -> QWidget:
        form = QWidget()
        grid = QGridLayout(form)
        grid.setContentsMargins(0, 0, 0, 4)
        grid.setSpacing(4)
        self.contact_fields: dict[str, QLineEdit] = {}
        for i, (key, hint) in enumerate(
            (
                ("name", "Name"),
                ("role", "Role"),
                ("email", "Email"),
                ("phone", "Phone"),
                ("url", "Profile URL"),
                ("notes", "Notes"),
            )
        ):
            edit = QLineEdit()
            edit.setPlaceholderText(hint)
            edit.setAccessibleName(f"Contact {hint.lower()}")
            self.contact_fields[key] = edit
            grid.addWidget(edit, i // 2, i % 2)
        self.save_contact_button = QPushButton("Save contact")
        self.save_contact_button.clicked.connect(self.save_contact)
        grid.addWidget(self.save_contact_button, 3, 1)
        form.hide()
        return form

    # -- showing a card --------------------------------------------------------------------------------
    def show_card(self, card_id: uuid.UUID | None) -> None:
        """Show a card's sections (None: nothing); a different card closes the open forms."""
        if card_id != self.card_id:
            self.interview_form.hide()
            self.contact_form.hide()
            self.details = None
            self._fill(CardDetails(card_id, [], [], (), None) if card_id else None)
        self.card_id = card_id
        self.reload()

    def reload(self) -> None:
        """Read the current card's details again."""
        if self.card_id is None:
            return
        self._generation += 1
        generation = self._generation
        self._tasks.run(
            self._service.details,
            self.card_id,
            report=False,
            on_success=lambda details: self._apply(generation, details),
        )

    def _apply(self, generation: int, details: CardDetails) -> None:
        if generation != self._generation or details.user_job_id != self.card_id:
            return
        self.details = details
        self._fill(details)
        self.details_loaded.emit(details)

    def _fill(self, details: CardDetails | None) -> None:
        self._filling = True
        try:
            priority = details.priority if details else None
            self.priority_box.setCurrentIndex(max(0, self.priority_box.findData(priority)))
            if not self.tags_edit.hasFocus():
                self.tags_edit.setText(", ".join(details.tags) if details else "")
        finally:
            self._filling = False
        self._rows(self.interview_rows, [self._interview_row(i) for i in (details.interviews if details else [])])
        self._rows(self.contact_rows, [self._contact_row(c) for c in (details.contacts if details else [])])

    @staticmethod
    def _rows(layout: QVBoxLayout, widgets: list[QWidget]) -> None:
        while layout.count():
            item = layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for widget in widgets:
            layout.addWidget(widget)

    def _interview_row(self, interview: InterviewRecord) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        label = _plain(interview_text(interview), "interviewRow")
        label.setToolTip(tooltip_text(interview.notes))
        export = _small_button(".ics", "Export this interview to a calendar file")
        export.clicked.connect(lambda: self.export_interviews([interview]))
        remove = _small_button("×", "Remove this interview")
        remove.clicked.connect(lambda: self._remove(self._service.remove_interview, interview.id))
        layout.addWidget(label, 1)
        layout.addWidget(export)
        layout.addWidget(remove)
        return row

    def _contact_row(self, contact: ContactRecord) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        label = _plain(contact_text(contact), "contactRow")
        label.setToolTip(tooltip_text(contact.notes))
        layout.addWidget(label, 1)
        if contact.url:
            url = contact.url
            link = _small_button("Profile", "Open the contact's profile in the browser")
            link.clicked.connect(lambda: open_external(url, self))
            layout.addWidget(link)
        remove = _small_button("×", "Remove this contact")
        remove.clicked.connect(lambda: self._remove(self._service.remove_contact, contact.id))
        layout.addWidget(remove)
        return row

    def _on_changes(self, changes: ChangeSet) -> None:
        if changes.initiator is not self and changes.touches(self.card_id):
            self.reload()

    # -- user actions ----------------------------------------------------------------------------------
    def _changed(self) -> ChangeSet | None:
        return ChangeSet.for_cards([self.card_id], initiator=self) if self.card_id else None

    def _write(self, fn: Callable[..., object], *args: object) -> None:
        if self.card_id is None:
            return
        self._tasks.run(fn, *args, changes=self._changed(), on_success=lambda _result: self.reload())

    def _priority_chosen(self, index: int) -> None:
        if not self._filling and self.card_id is not None:
            self._write(self._service.set_priority, self.card_id, self.priority_box.itemData(index))

    def _tags_edited(self) -> None:
        if self._filling or self.card_id is None:
            return
        tags = split_tags(self.tags_edit.text())
        if self.details is not None and tuple(tags) == self.details.tags:
            return
        self._write(self._service.set_tags, self.card_id, tags)

    def _toggle_interview_form(self) -> None:
        if self.interview_form.isHidden():
            start = (datetime.now() + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
            self.interview_at.setDateTime(QDateTime(start.year, start.month, start.day, start.hour, 0, 0))
            self.interview_form.show()
            self.interview_with.setFocus()
        else:
            self.interview_form.hide()

    def _toggle_contact_form(self) -> None:
        self.contact_form.setVisible(self.contact_form.isHidden())
        if self.contact_form.isVisible():
            self.contact_fields["name"].setFocus()

    def save_interview(self) -> None:
        """Save the interview typed in the form (its time read as this machine's local time)."""
        if self.card_id is None:
            return
        moment = datetime.fromtimestamp(self.interview_at.dateTime().toSecsSinceEpoch(), UTC)
        self._write(
            self._service.add_interview,
            self.card_id,
            moment,
            self.interview_kind.currentData(),
            self.interview_with.text(),
            self.interview_notes.text(),
        )
        self.interview_with.clear()
        self.interview_notes.clear()
        self.interview_form.hide()

    def save_contact(self) -> None:
        """Save the contact typed in the form."""
        if self.card_id is None:
            return
        values = [self.contact_fields[key].text() for key in ("name", "role", "email", "phone", "url", "notes")]
        card_id = self.card_id

        def saved(_contact: object) -> None:
            for edit in self.contact_fields.values():
                edit.clear()
            self.contact_form.hide()
            self.reload()

        # A refused value (a javascript: URL, no name) leaves the form open with what was typed.
        self._tasks.run(self._service.add_contact, card_id, *values, changes=self._changed(), on_success=saved)

    def _remove(self, fn: Callable[[uuid.UUID], None], item_id: uuid.UUID) -> None:
        self._write(fn, item_id)

    def export_interviews(self, interviews: list[InterviewRecord]) -> None:
        """Write interviews to an .ics file the user chooses."""
        path = self.ask_ics_path("interview.ics")
        if not path:
            return
        self._tasks.run(
            write_interviews_calendar,
            interviews,
            path,
            on_success=lambda n: self.message.emit(f"Exported {n} interview(s) to {path}."),
        )
