"""The database's health as the window shows it: a banner when the connection is lost, Retry, and a reread when the
database answers again."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from app.health import check_connection

if TYPE_CHECKING:
    from app.database import Database
    from ui.shell.banners import DatabaseBanner, MessageBar
    from ui.support.events import Hub
    from ui.support.tasks import TaskRunner


class DatabaseHealth(QObject):
    """Shows a lost connection in the banner, checks it again on Retry, and calls `reread` once it is back."""

    def __init__(
        self,
        database: Database,
        tasks: TaskRunner,
        hub: Hub,
        banner: DatabaseBanner,
        message_bar: MessageBar,
        *,
        reread: Callable[[], None],
        closing: Callable[[], bool],
        parent: QObject,
    ) -> None:
        super().__init__(parent)
        self._database = database
        self._tasks = tasks
        self._hub = hub
        self._banner = banner
        self._message_bar = message_bar
        self._reread = reread
        self._closing = closing
        hub.database_lost.connect(self._database_lost)
        banner.retry_requested.connect(self.retry)

    def _database_lost(self, reason: str) -> None:
        if not self._closing():
            self._banner.show_lost(reason)

    def retry(self) -> None:
        """The banner's Retry: check the connection in the background."""
        self._banner.retrying()
        self._tasks.run(
            check_connection,
            self._database,
            report=False,
            on_success=lambda _ok: self._database_back(),
            on_failure=lambda exc: self._banner.show_lost(exc.message),
        )

    def _database_back(self) -> None:
        self._banner.restored()
        self._hub.database_restored.emit()
        self._message_bar.show_message("The database answers again.", "info", seconds=5)
        self._reread()
