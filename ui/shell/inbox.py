"""The toolbar's bell: the unread count, the inbox dialog, desktop notifications and opening a row's card."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction

from app.notifications import InboxCheck, InboxItem
from app.records import counted
from app.settings import load_notification_settings
from ui.shell.inbox_notifier import InboxNotifier
from ui.shell.window_core import WindowCore
from ui.support.timers import single_shot_timer

if TYPE_CHECKING:
    from PySide6.QtWidgets import QLineEdit

    from app.records import Profile
    from ui.board.board_view import BoardView


class InboxWindow(WindowCore, Protocol):
    """What the bell needs from the window."""

    profiles: list[Profile]
    board_view: BoardView
    search: QLineEdit

    @property
    def schema_changing(self) -> bool:
        """Whether a rollback runs (nothing may read or write the tables until it ends)."""
        ...

    def switch_profile(self, profile: Profile | None) -> None:
        """Show another profile's board."""
        ...

    def clear_search(self) -> None:
        """Show every card again."""
        ...

    def open_dialog(self, key: str) -> Any:
        """Open a dialog by its key."""
        ...


CHECK_DELAY_MS = 300  # a look asked for by a change waits this long for more reasons to look


def bell_text(unread: int) -> str:
    """ "Inbox" or "Inbox 3"."""
    return f"Inbox {unread:,}" if unread else "Inbox"


class InboxBell(QObject):
    """Looks at the inboxes when asked (a profile switch, a finished ingestion, new rows heard, a timer); shows the
    count, tells the desktop, opens cards."""

    def __init__(self, window: InboxWindow, action: QAction, notifier: InboxNotifier, parent: QObject) -> None:
        super().__init__(parent)
        self.window = window
        self.action = action
        self.notifier = notifier
        self.unread = 0
        self.checks = 0  # finished looks (tests wait on it)
        # Several reasons to look in a row (an ingestion's change-set, then its rows heard) cost one look.
        self._soon = single_shot_timer(self, CHECK_DELAY_MS, self.check)
        action.triggered.connect(lambda _checked=False: self.open_inbox())
        notifier.clicked.connect(self._desktop_clicked)
        self._show_count(0)

    @property
    def check_pending(self) -> bool:
        """Whether a look is asked for and not started yet."""
        return self._soon.isActive()

    def check_soon(self) -> None:
        """Look at the inboxes shortly (not during a schema change)."""
        if not self.window.schema_changing and not self.window.ctx.needs_migration and not self._soon.isActive():
            self._soon.start()

    def cancel_pending(self) -> None:
        """Forget a look asked for and not started (a schema change begins, the window closes)."""
        self._soon.stop()

    def check(self) -> asyncio.Task | None:
        """Bring due follow-ups and failed runs into every profile's inbox, then count and notify (background);
        None when nothing was started (a schema change runs or the database needs a migration)."""
        self._soon.stop()
        window = self.window
        if window.ctx.needs_migration or window.schema_changing:
            return None
        current = window.current_profile
        # On the writer thread: a rollback runs there too, so a look never holds locks while one runs (its
        # ACCESS EXCLUSIVE locks would wait for the look, or the two deadlock and the rollback is cancelled).
        return window.tasks.run(
            window.ctx.notifications.check,
            [p.id for p in window.profiles],
            current.id if current else None,
            ordered=True,
            report=False,
            on_success=lambda found: self._checked(found, current),
        )

    def _checked(self, found: InboxCheck, profile: Profile | None) -> None:
        if profile is self.window.current_profile:
            self._show_count(found.unread)
        names = {p.id: p.name for p in self.window.profiles}
        settings = load_notification_settings(self.window.ctx.database.location.data_dir)
        self.notifier.deliver(found.undelivered, names, settings)
        self.checks += 1

    def _show_count(self, unread: int) -> None:
        self.unread = unread
        self.action.setText(bell_text(unread))
        self.action.setToolTip(counted(unread, "unread notification") if unread else "Inbox")

    def open_inbox(self) -> Any:
        """The bell: open the current profile's inbox."""
        dialog = self.window.open_dialog("inbox")
        if dialog is not None:
            dialog.card_requested.connect(self.show_card)
            dialog.read_changed.connect(self.check)
        return dialog

    def show_card(self, item: InboxItem) -> None:
        """Show a notification's card on the board: its profile first, with no search hiding it."""
        window = self.window
        if item.user_job_id is None:
            return
        current = window.current_profile
        if current is None or current.id != item.user_id:
            profile = next((p for p in window.profiles if p.id == item.user_id), None)
            if profile is None:
                return
            window.switch_profile(profile)
        if window.search.text():
            window.clear_search()
        window.tasks.run(window.ctx.board.card, item.user_job_id, on_success=window.board_view.reveal)

    def _desktop_clicked(self, items: list[InboxItem]) -> None:
        """A click on the desktop message: show the inbox of the profile it was about."""
        if not items:
            return
        profile = next((p for p in self.window.profiles if p.id == items[0].user_id), None)
        if profile is not None and self.window.current_profile is not profile:
            self.window.switch_profile(profile)
        self.open_inbox()
