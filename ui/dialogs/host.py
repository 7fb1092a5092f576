"""Dialogs that other modules provide, opened lazily from the menus (the contract is in ui/shell/main_window.py)."""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

from app.errors import JobPoolError

if TYPE_CHECKING:
    from app.records import Profile
    from ui.shell.main_window import MainWindow

log = logging.getLogger(__name__)

NO_PROFILE = "Create a profile first: Profiles → New…."

OPTIONAL_DIALOGS: dict[str, tuple[str, str, str, bool]] = {
    # key: (module, class, title, needs a profile)
    "apify": ("ui.dialogs.apify_dialog", "ApifyDialog", "Ingest from Apify", True),
    "history": ("ui.dialogs.history_dialog", "HistoryDialog", "Ingestion history", False),
    "migration": ("ui.dialogs.migration_dialog", "MigrationDialog", "Migrate to shared pool", False),
    "resume": ("ui.dialogs.resume_dialog", "ResumeDialog", "Résumé", True),
    "discover": ("ui.dialogs.discover_dialog", "DiscoverDialog", "Discover", True),
    "settings": ("ui.dialogs.settings_dialog", "SettingsDialog", "Settings", False),
}


def open_optional_dialog(window: MainWindow, key: str) -> Any:
    """Import the dialog's module, build it as Dialog(window) and show it; None (with a note) when unavailable."""
    module_name, class_name, title, needs_profile = OPTIONAL_DIALOGS[key]
    if needs_profile and window.current_profile is None:
        window.prompts.inform(title, NO_PROFILE)
        return None
    try:
        dialog_class = getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError):
        log.info("%s is not available", module_name, exc_info=True)
        window.prompts.inform(title, f"{title} is not available in this build.")
        return None
    try:
        dialog = dialog_class(window)
    except JobPoolError as exc:
        window.message_bar.show_message(exc.message)
        return None
    window.keep_dialog(dialog)
    return dialog


def require_profile(window: MainWindow) -> Profile:
    """The profile the window shows, for a dialog that works on it; a JobPoolError when there is none yet."""
    if window.current_profile is None:
        raise JobPoolError(NO_PROFILE)
    return window.current_profile
