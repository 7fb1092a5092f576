"""The detail pane's tracking part: the card's status timeline and its follow-up (set, snooze, done)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.records import BoardCard, HistoryEvent, status_label
from app.reminders import MAX_NOTE, ReminderService
from app.status_history import StatusHistory
from ui.support.events import ChangeSet
from ui.support.tasks import TaskRunner

VIA_WORDS = {
    "drag": "dragged",
    "keyboard": "by keyboard",
    "menu": "from a menu",
    "cli": "from the command line",
    "import": "imported",
    "fan-out": "recommended from another profile's search",
    "migration": "from the earlier database",
    "other": "by another program",
}
SNOOZE_DAYS = (1, 3, 7)


def when_text(moment: datetime, now: datetime | None = None) -> str:
    """ "3 Mar 14:02" in local time ("3 Mar 2025 14:02" in another year)."""
    local = moment.astimezone()
    year = (now or datetime.now(local.tzinfo)).year
    day = f"{local.day} {local:%b}" + (f" {local.year}" if local.year != year else "")
    return f"{day} {local:%H:%M}"


def timeline_lines(events: Sequence[HistoryEvent], now: datetime | None = None) -> list[str]:
    """One readable line per event, oldest first: "Applied · 3 Mar 14:02 · dragged"."""
    lines: list[str] = []
    for event in events:
        what = status_label(event.to_status)
        if event.from_status is None:
            what = f"Added to {what}" if not lines else f"{what} (earlier columns not known)"
        lines.append(f"{what} · {when_text(event.at, now)} · {VIA_WORDS.get(event.via, event.via)}")
    return lines


def follow_up_text(due_on: date | None, note: str | None, today: date | None = None) -> str:
    """ "Follow up today · Ask about the team", "Follow up on 12 Mar", "Overdue since 2 Mar", or "No follow-up"."""
    if due_on is None:
        return "No follow-up set"
    today = today or date.today()
    day = f"{due_on.day} {due_on:%b}" + (f" {due_on.year}" if due_on.year != today.year else "")
    text = "Follow up today" if due_on == today else f"Overdue since {day}" if due_on < today else f"Follow up on {day}"
    return f"{text} · {note}" if note else text


def _section(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("sectionLabel")
    label.setIndent(0)  # aligned with the pane's other section labels
    return label


class TrackingPanel(QWidget):
    """Timeline and follow-up of the card the detail pane shows; changes go out as change-sets on the hub."""

    loaded = Signal()  # the timeline and follow-up of the current card are shown

    def __init__(
        self, history: StatusHistory, reminders: ReminderService, tasks: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._history = history
        self._reminders = reminders
        self._tasks = tasks
        self.card: BoardCard | None = None
        self._generation = 0
        self.lines: list[str] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(_section("History"))
        self.timeline = QLabel()
        self.timeline.setObjectName("timeline")
        self.timeline.setTextFormat(Qt.TextFormat.PlainText)
        self.timeline.setWordWrap(True)
        self.timeline.setIndent(0)
        self.timeline.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.timeline)

        layout.addWidget(_section("Follow-up"))
        state_row = QHBoxLayout()
        self.follow_up = QLabel()
        self.follow_up.setObjectName("followUpState")
        self.follow_up.setTextFormat(Qt.TextFormat.PlainText)  # the note is shown as typed
        self.follow_up.setWordWrap(True)
        self.follow_up.setIndent(0)
        state_row.addWidget(self.follow_up, 1)
        self.done_button = QPushButton("Done")
        self.done_button.setAccessibleName("Mark the follow-up done")
        self.done_button.clicked.connect(self.mark_done)
        # A push button with a menu: sized with room for its menu arrow, and styled like Done beside it.
        self.snooze_button = QPushButton("Snooze")
        self.snooze_button.setAccessibleName("Snooze the follow-up")
        snooze_menu = QMenu(self.snooze_button)
        for days in SNOOZE_DAYS:
            action = snooze_menu.addAction("1 day" if days == 1 else f"{days} days")
            action.triggered.connect(lambda _checked=False, d=days: self.snooze(d))
        self.snooze_button.setMenu(snooze_menu)
        state_row.addWidget(self.done_button)
        state_row.addWidget(self.snooze_button)
        layout.addLayout(state_row)

        set_row = QHBoxLayout()
        self.date_edit = QDateEdit()
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("d MMM yyyy")
        self.date_edit.setAccessibleName("Follow-up date")
        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText("What to follow up on")
        self.note_edit.setMaxLength(MAX_NOTE)
        self.note_edit.setAccessibleName("Follow-up note")
        self.set_button = QPushButton("Set")
        self.set_button.setAccessibleName("Set the follow-up")
        self.set_button.clicked.connect(self.set_follow_up)
        # The note has a row of its own: beside the date and the button it had too little room in a narrow pane.
        layout.addWidget(self.note_edit)
        set_row.addWidget(self.date_edit)
        set_row.addStretch(1)
        set_row.addWidget(self.set_button)
        layout.addLayout(set_row)

    # -- showing ---------------------------------------------------------------------------------------
    def show_card(self, card: BoardCard) -> None:
        """Read and show a card's timeline and follow-up (the card's own fields give the due date)."""
        fresh = self.card is None or self.card.user_job_id != card.user_job_id
        self.card = card
        if fresh:
            self.timeline.setText("Loading…")
            self.note_edit.clear()
            default = card.next_reminder or date.today() + timedelta(days=7)
            self.date_edit.setDate(QDate(default.year, default.month, default.day))
        self._generation += 1
        generation = self._generation
        self._tasks.run(
            self._read,
            card.user_job_id,
            report=False,
            on_success=lambda result: self._show(generation, card, *result),
        )

    def _read(self, user_job_id: uuid.UUID) -> tuple[list[HistoryEvent], str | None]:
        """Worker thread: the timeline and the open follow-up's note."""
        return self._history.events(user_job_id), self._reminders.note(user_job_id)

    def _show(self, generation: int, card: BoardCard, events: list[HistoryEvent], note: str | None) -> None:
        if generation != self._generation:
            return
        self.lines = timeline_lines(events)
        self.timeline.setText("\n".join(self.lines) or "No changes recorded")
        self.follow_up.setText(follow_up_text(card.next_reminder, note))
        has_open = card.next_reminder is not None
        self.done_button.setVisible(has_open)
        self.snooze_button.setVisible(has_open)
        self.set_button.setText("Change" if has_open else "Set")
        self.loaded.emit()

    # -- actions ---------------------------------------------------------------------------------------
    def _changed(self, fn: Callable[..., object], *args: object) -> None:
        if self.card is None:
            return
        self._tasks.run(fn, self.card.user_job_id, *args, changes=ChangeSet.for_cards([self.card.user_job_id]))

    def set_follow_up(self) -> None:
        """Save the date and note typed in the follow-up row."""
        picked = self.date_edit.date()
        self._changed(self._reminders.set, date(picked.year(), picked.month(), picked.day()), self.note_edit.text())

    def mark_done(self) -> None:
        """Mark the card's follow-up done."""
        self._changed(self._reminders.done)

    def snooze(self, days: int) -> None:
        """Push the card's follow-up `days` days after today."""
        self._changed(self._reminders.snooze, days)
