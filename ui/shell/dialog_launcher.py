"""Opens the window's dialogs by key, never blocking, and holds each one until it closes; the Help sheets and the
profile questions the menus ask."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtWidgets import QDialog, QWidget

from app.errors import JobPoolError
from ui.dialogs import profile_dialogs
from ui.dialogs.add_job_dialog import AddJobByHandDialog, AddJobDialog
from ui.dialogs.apify_dialog import ApifyDialog
from ui.dialogs.discover_dialog import DiscoverDialog
from ui.dialogs.help_dialogs import ABOUT_TEXT, ShortcutsDialog, connection_text
from ui.dialogs.history_dialog import HistoryDialog
from ui.dialogs.host import NO_PROFILE, DialogHost
from ui.dialogs.inbox_dialog import InboxDialog
from ui.dialogs.migration_dialog import MigrationDialog
from ui.dialogs.resume_dialog import ResumeDialog
from ui.dialogs.saved_searches_dialog import SavedSearchesDialog
from ui.dialogs.settings_dialog import SettingsDialog
from ui.dialogs.upcoming_dialog import UpcomingDialog

# key: (dialog class, title, needs a profile); each is built as Dialog(window) and shown without blocking.
DIALOGS: dict[str, tuple[Callable[[DialogHost], QWidget], str, bool]] = {
    "apify": (ApifyDialog, "Ingest from Apify", True),
    "add_job": (AddJobDialog, "Add job", True),
    "add_job_by_hand": (AddJobByHandDialog, "Add job by hand", True),
    "history": (HistoryDialog, "Ingestion history", False),
    "migration": (MigrationDialog, "Migrate to shared pool", False),
    "resume": (ResumeDialog, "Résumé", True),
    "discover": (DiscoverDialog, "Discover", True),
    "settings": (SettingsDialog, "Settings", False),
    "upcoming": (UpcomingDialog, "Upcoming interviews", True),
    "saved_searches": (SavedSearchesDialog, "Saved searches", True),
    "inbox": (InboxDialog, "Inbox", True),
}
# menu entry name -> dialog key, for the entries that only open a dialog
MENU_DIALOGS = {
    "settings": "settings",
    "apify": "apify",
    "add_job": "add_job",
    "add_job_by_hand": "add_job_by_hand",
    "discover": "discover",
    "history": "history",
    "upcoming": "upcoming",
    "saved_searches": "saved_searches",
    "resume": "resume",
    "migrate": "migration",
}


class LauncherWindow(DialogHost, Protocol):
    """The window as the launcher sees it: a dialog host that remembers the last dialog it showed."""

    last_dialog: Any


class DialogLauncher:
    """Builds dialogs over the window (their DialogHost) and keeps a reference to each until it is finished."""

    def __init__(self, window: LauncherWindow) -> None:
        self.window = window
        self._open: set[Any] = set()

    def open(self, key: str) -> Any:
        """Open a dialog by its key (DIALOGS) without blocking; None when it needs a profile or could not open."""
        dialog_class, title, needs_profile = DIALOGS[key]
        if needs_profile and self.window.current_profile is None:
            self.window.prompts.inform(title, NO_PROFILE)
            return None
        try:
            dialog = dialog_class(self.window)
        except JobPoolError as exc:
            self.window.report(exc.message)
            return None
        self.keep(dialog)
        return dialog

    def keep(self, dialog: Any) -> None:
        """Show a dialog without blocking and hold a reference until it closes."""
        self.window.last_dialog = dialog
        self._open.add(dialog)
        if isinstance(dialog, QDialog):
            dialog.finished.connect(lambda _result: self._open.discard(dialog))
            dialog.open()
        else:
            dialog.show()

    def show_shortcuts(self) -> None:
        """Help → Keyboard shortcuts."""
        self.keep(ShortcutsDialog(self.window.widget()))

    def show_about(self) -> None:
        """Help → About."""
        self.window.prompts.inform("About JobPool", ABOUT_TEXT)

    def show_connection_info(self) -> None:
        """Database → Connection info: embedded or external, and where the data lives."""
        self.window.prompts.inform("Connection info", connection_text(self.window.ctx.database))

    def _opener(self, key: str) -> Callable[[], object]:
        return lambda: self.open(key)

    def menu_slots(self) -> dict[str, Callable[[], object]]:
        """What the menu entries that open a dialog or ask a question call, by entry name (see menus.py)."""
        window = self.window
        slots = {name: self._opener(key) for name, key in MENU_DIALOGS.items()}
        slots.update(
            {
                "new_profile": lambda: profile_dialogs.new_profile(window),
                "rename_profile": lambda: profile_dialogs.rename_profile(window),
                "delete_profile": lambda: profile_dialogs.delete_profile(window),
                "connection": self.show_connection_info,
                "shortcuts": self.show_shortcuts,
                "about": self.show_about,
            }
        )
        return slots
