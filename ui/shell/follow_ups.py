"""Follow-ups in the window: the offer after a move to Applied, the toolbar's Due toggle, the status bar's due count,
and a timer that looks again as days pass (a follow-up that falls due reaches the inbox and the desktop)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, QTimer

from app.board import DUE_TOKEN, wants_due
from app.records import BoardCard, JobStatus, Profile
from app.settings import load_follow_up_days
from ui.shell.window_core import WindowCore
from ui.support.events import ChangeSet

if TYPE_CHECKING:
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QLineEdit

    from ui.shell.follow_up_bar import FollowUpBar
    from ui.shell.inbox import InboxBell
    from ui.shell.status_bar import BoardStatusBar

DUE_CHECK_MS = 15 * 60 * 1000  # how often the window looks for follow-ups that fell due meanwhile


class FollowUpWindow(WindowCore, Protocol):
    """What the follow-ups need from the window."""

    search: QLineEdit
    status: BoardStatusBar
    inbox: InboxBell

    def apply_search(self) -> None:
        """Filter the board by the search box now."""
        ...

    def refresh_status(self) -> None:
        """Reread the status bar figures soon."""
        ...


class FollowUps(QObject):
    """Offers follow-ups after a move to Applied, keeps the Due toggle and the search word `due:` in step, and shows
    the current profile's due count."""

    def __init__(self, window: FollowUpWindow, bar: FollowUpBar, due_action: QAction, parent: QObject) -> None:
        super().__init__(parent)
        self.window = window
        self.bar = bar
        self.due_action = due_action
        self._due_seen = 0
        due_action.toggled.connect(self.show_due_only)
        window.search.textChanged.connect(lambda text: self._sync_due_toggle(wants_due(text)))
        bar.accepted.connect(self._set_follow_ups)
        # Follow-ups fall due as days pass, not only when something changes: look again now and then.
        self.due_timer = QTimer(self)
        self.due_timer.setInterval(DUE_CHECK_MS)
        self.due_timer.timeout.connect(window.refresh_status)
        self.due_timer.timeout.connect(window.inbox.check)
        self.due_timer.start()

    def show_due_only(self, on: bool) -> None:
        """The toolbar's Due toggle: add or remove the search word `due:`."""
        search = self.window.search
        words = [w for w in search.text().split() if w.lower() != DUE_TOKEN]
        search.setText(" ".join([*words, DUE_TOKEN] if on else words))
        self.window.apply_search()

    def _sync_due_toggle(self, on: bool) -> None:
        if self.due_action.isChecked() != on:
            self.due_action.blockSignals(True)
            self.due_action.setChecked(on)
            self.due_action.blockSignals(False)

    def offer(self, cards: list[BoardCard], status: JobStatus) -> None:
        """Cards arrived in a column: after a move to Applied, offer a follow-up (unless switched off)."""
        days = load_follow_up_days(self.window.ctx.database.location.data_dir)
        if status is JobStatus.APPLIED and days > 0:
            what = f"“{cards[0].title}”" if len(cards) == 1 else f"{len(cards)} jobs"
            self.bar.offer([card.user_job_id for card in cards], what, days)

    def _set_follow_ups(self, ids: list[uuid.UUID], due_on: date) -> None:
        reminders = self.window.ctx.reminders

        def set_all() -> None:
            for user_job_id in ids:
                reminders.set(user_job_id, due_on)

        self.window.tasks.run(set_all, changes=ChangeSet.for_cards(ids))

    def show_due(self, count: int, profile: Profile) -> None:
        """The profile's due count was read: show it (if still shown) and tell the inbox when one fell due."""
        window = self.window
        if profile is window.current_profile and not window.ctx.needs_migration:
            if count > self._due_seen:
                window.inbox.check()  # a follow-up fell due: it reaches the inbox and the desktop now
            self._due_seen = count
            window.status.show_due(count)
