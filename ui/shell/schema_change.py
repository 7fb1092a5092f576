"""A schema change (a rollback from the Migration dialog) as the window lives through it: while it runs, nothing
reads tables that may be gone when it ends; afterwards the window reads everything again, or shows the
"needs a migration" page."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from ui.shell.inbox import InboxBell
    from ui.shell.search_box import SearchBox
    from ui.shell.status_figures import FigureReader


class SchemaWindow(Protocol):
    """What the coordination needs from the window: its scheduled reads and how to read everything again."""

    figures: FigureReader
    search_box: SearchBox
    inbox: InboxBell

    def refresh_profiles(self, select: uuid.UUID | None = None) -> None:
        """Reread the profile list."""
        ...

    def refresh_board(self) -> None:
        """Reread the board and the status bar."""
        ...


class SchemaChange:
    """Whether a schema change runs, and what the window stops and restarts around one."""

    def __init__(self, window: SchemaWindow) -> None:
        self.window = window
        self.changing = False

    def stop_reads(self) -> None:
        """Forget the reads scheduled and not started: figures, search, inbox."""
        self.window.figures.stop()
        self.window.search_box.timer.stop()
        self.window.inbox.cancel_pending()

    def begin(self) -> None:
        """A rollback is about to run: stop scheduled reads and background refreshes until it ends."""
        self.changing = True
        self.stop_reads()

    def end(self) -> None:
        """The change failed or ended without a switch: read the board and figures again."""
        self.changing = False
        self.window.refresh_profiles()
        self.window.refresh_board()
        self.window.inbox.check_soon()  # rows heard of meanwhile were not looked at

    def settle(self) -> None:
        """The database needs a migration now: stop every read first (the pool tables are gone); whatever change
        ran is over."""
        self.stop_reads()
        self.changing = False
