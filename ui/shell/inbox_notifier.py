"""Desktop notifications of new inbox rows while the window is open (QSystemTrayIcon; nothing when no tray)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, time

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QSystemTrayIcon

from app.notifications import InboxItem, desktop_lines
from app.settings import NotificationSettings
from ui.support import theme


class InboxNotifier(QObject):
    """Tells the desktop about new inbox rows, a few grouped lines at a time, unless switched off or quiet."""

    clicked = Signal(object)  # the list of InboxItem last told

    def __init__(self, parent: QObject | None = None, *, tray_available: bool | None = None) -> None:
        super().__init__(parent)
        available = QSystemTrayIcon.isSystemTrayAvailable() if tray_available is None else tray_available
        self.tray: QSystemTrayIcon | None = None
        if available:
            self.tray = QSystemTrayIcon(theme.icon("jobpool"), self)
            self.tray.setToolTip("JobPool")
            self.tray.messageClicked.connect(lambda: self.clicked.emit(list(self.last_items)))
        self.last_message: str | None = None
        self.last_items: list[InboxItem] = []
        self.suppressed = 0  # rows kept from the desktop (switched off or quiet hours); the inbox still has them

    def deliver(
        self,
        items: Sequence[InboxItem],
        profile_names: dict[uuid.UUID, str],
        settings: NotificationSettings,
        now: time | None = None,
    ) -> bool:
        """Tell the desktop about new rows when the settings allow it now; returns whether a message went out."""
        # Some notification servers render markup in the body: a posting's title must not become markup there.
        lines = [line.replace("<", "‹").replace(">", "›") for line in desktop_lines(items, profile_names)]
        if not lines:
            return False
        if not settings.desktop_allowed(now or datetime.now().time()):
            self.suppressed += len(items)
            return False
        self.last_items = list(items)
        self.last_message = "\n".join(lines)
        if self.tray is None:
            return False
        self.tray.show()
        self.tray.showMessage("JobPool", self.last_message, QSystemTrayIcon.MessageIcon.Information, 10_000)
        return True
