"""The inbox (the toolbar's bell): the current profile's notifications, newest first; mark read; open a card.

Rows are plain text (a QListWidget item never renders markup). Opening a row marks it read and asks the window,
through `card_requested`, to show its card; the window switches profile first when the row is another profile's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout

from app.notifications import BACKUP, MIGRATION, NEW_JOBS, REMINDER_DUE, RUN_FAILED, InboxItem
from ui.dialogs.host import require_profile
from ui.support.plain_text import plain, tooltip_text

if TYPE_CHECKING:
    from ui.dialogs.host import DialogHost

ITEM_ROLE = Qt.ItemDataRole.UserRole + 1
KIND_LABELS = {
    NEW_JOBS: "New jobs",
    REMINDER_DUE: "Follow-up due",
    RUN_FAILED: "Run failed",
    MIGRATION: "Migration",
    BACKUP: "Backup",
}


def row_text(item: InboxItem) -> str:
    """Two lines: the title, then its kind and when it came (local time)."""
    local = item.created_at.astimezone()
    return f"{item.title}\n{KIND_LABELS.get(item.kind, item.kind)} · {local:%Y-%m-%d %H:%M}"


class InboxDialog(QDialog):
    """A profile's notifications: Open (double-click or Enter; the dialog closes), Mark read, Mark all read."""

    card_requested = Signal(object)  # InboxItem
    read_changed = Signal()

    def __init__(self, host: DialogHost) -> None:
        super().__init__(host.widget())
        self.host = host
        self.profile = require_profile(host)
        self.setObjectName("inboxDialog")
        self.setWindowTitle(f"Inbox — {self.profile.name}")
        self.resize(560, 460)
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        plain(self.summary)
        layout.addWidget(self.summary)
        self.list = QListWidget()
        self.list.setObjectName("inboxList")
        self.list.setAlternatingRowColors(True)
        self.list.setWordWrap(True)
        self.list.itemActivated.connect(self._activated)
        self.list.currentItemChanged.connect(lambda *_: self._update_buttons())
        layout.addWidget(self.list, 1)
        buttons = QHBoxLayout()
        self.open_button = QPushButton("Open card")
        self.open_button.clicked.connect(self.open_current)
        self.read_button = QPushButton("Mark read")
        self.read_button.clicked.connect(self.mark_current_read)
        self.all_read_button = QPushButton("Mark all read")
        self.all_read_button.clicked.connect(self.mark_all_read)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        for button in (self.open_button, self.read_button, self.all_read_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.items: list[InboxItem] = []
        self.loading = True
        self.reload()

    def reload(self) -> None:
        """Read the profile's inbox again."""
        self.loading = True
        self.host.tasks.run(self.host.ctx.notifications.inbox, self.profile.id, on_success=self._apply)

    def _apply(self, items: list[InboxItem]) -> None:
        current = self.current_item()
        self.items = list(items)
        self.list.clear()
        for item in items:
            row = QListWidgetItem(row_text(item))
            row.setData(ITEM_ROLE, item)
            row.setToolTip(tooltip_text(item.title))
            font = QFont(self.list.font())
            font.setBold(not item.read)
            row.setFont(font)
            self.list.addItem(row)
            if current is not None and item.id == current.id:
                self.list.setCurrentItem(row)
        unread = sum(not item.read for item in items)
        self.summary.setText(
            f"{unread:,} unread of {len(items):,} for {self.profile.name}"
            if items
            else f"Nothing in {self.profile.name}'s inbox yet."
        )
        self.loading = False
        self._update_buttons()

    def current_item(self) -> InboxItem | None:
        """The selected notification, if any."""
        row = self.list.currentItem()
        item = row.data(ITEM_ROLE) if row is not None else None
        return item if isinstance(item, InboxItem) else None

    def _update_buttons(self) -> None:
        item = self.current_item()
        self.open_button.setEnabled(item is not None and item.user_job_id is not None)
        self.read_button.setEnabled(item is not None and not item.read)
        self.all_read_button.setEnabled(any(not i.read for i in self.items))

    def _activated(self, row: QListWidgetItem) -> None:
        self.list.setCurrentItem(row)
        self.open_current()

    def open_current(self) -> None:
        """Mark the selected notification read and show its card on the board."""
        item = self.current_item()
        if item is None:
            return
        if not item.read:
            self._mark([item])
        if item.user_job_id is None:
            self.host.report("That notification has no card to open (it may have been removed).", "info")
            return
        self.card_requested.emit(item)
        self.accept()  # out of the way of the card it opened

    def mark_current_read(self) -> None:
        """Mark the selected notification read."""
        item = self.current_item()
        if item is not None and not item.read:
            self._mark([item])

    def mark_all_read(self) -> None:
        """Mark every notification of the profile read."""
        self.host.tasks.run(self.host.ctx.notifications.mark_read, self.profile.id, on_success=self._after_mark)

    def _mark(self, items: list[InboxItem]) -> None:
        self.host.tasks.run(
            self.host.ctx.notifications.mark_read,
            self.profile.id,
            [item.id for item in items],
            on_success=self._after_mark,
        )

    def _after_mark(self, _count: int) -> None:
        self.read_changed.emit()
        self.reload()
