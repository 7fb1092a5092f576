"""Desktop notifications of due follow-ups while the window is open (QSystemTrayIcon; nothing when no tray)."""

from __future__ import annotations

import uuid
from datetime import date

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QSystemTrayIcon

from ui.support import theme


def due_text(count: int) -> str:
    """ "3 follow-ups due" ("1 follow-up due")."""
    return f"{count:,} follow-up{'s' if count != 1 else ''} due"


class FollowUpNotifier(QObject):
    """Tells the desktop once a day per profile that follow-ups are due, and again when more fall due."""

    def __init__(self, parent: QObject | None = None, *, tray_available: bool | None = None) -> None:
        super().__init__(parent)
        available = QSystemTrayIcon.isSystemTrayAvailable() if tray_available is None else tray_available
        self.tray: QSystemTrayIcon | None = None
        if available:
            self.tray = QSystemTrayIcon(theme.icon("jobpool"), self)
            self.tray.setToolTip("JobPool")
        self._told: dict[tuple[uuid.UUID, date], int] = {}
        self.last_message: str | None = None

    def due(self, profile_id: uuid.UUID, profile_name: str, count: int, today: date | None = None) -> bool:
        """Report a profile's due count; returns whether a notification went out."""
        key = (profile_id, today or date.today())
        if count <= self._told.get(key, 0):
            return False
        self._told[key] = count
        self.last_message = f"{due_text(count)} for {profile_name}"
        if self.tray is None:
            return False
        self.tray.show()
        self.tray.showMessage("JobPool", self.last_message, QSystemTrayIcon.MessageIcon.Information, 10_000)
        return True
