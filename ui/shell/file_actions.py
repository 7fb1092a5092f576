"""The window's file actions: import a dataset, export the board as CSV, add a job from a saved page or a dropped
link."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtWidgets import QFileDialog

from app.export import export_board_csv
from app.records import JobStatus
from ui.dialogs.add_job_dialog import PAGE_FILTER, AddJobDialog
from ui.dialogs.host import NO_PROFILE
from ui.dialogs.ingest_progress import IngestProgressDialog
from ui.shell.window_core import WindowCore
from ui.support.events import ChangeSet

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from ui.board.controller import BoardController
    from ui.shell.banners import MessageBar
    from ui.support.prompts import Prompts
    from ui.support.window_state import AppSettings


class FileWindow(WindowCore, Protocol):
    """What the file actions need from the window."""

    prompts: Prompts
    settings: AppSettings
    controller: BoardController
    message_bar: MessageBar
    last_dialog: Any

    def widget(self) -> QWidget:
        """The window as a Qt parent."""
        ...

    def open_dialog(self, key: str) -> Any:
        """Open a dialog by its key."""
        ...

    def refresh_board(self) -> None:
        """Reread the board and the status bar."""
        ...


class FileActions:
    """File → Import / Export / Add job from saved page, and links dropped on a column."""

    def __init__(self, window: FileWindow) -> None:
        self.window = window

    def add_job_from_link(self, link: str, status: JobStatus | None = None) -> AddJobDialog | None:
        """A posting address dropped on a column: fetch it into the Add job form, set to go into that column."""
        dialog = self.window.open_dialog("add_job")
        if isinstance(dialog, AddJobDialog):
            if status is not None:
                dialog.set_status(status.value)
            dialog.fetch(link)
        return dialog if isinstance(dialog, AddJobDialog) else None

    def add_job_from_file(self, path: str | None = None) -> AddJobDialog | None:
        """File → Add job from saved page…: read a saved posting page into the Add job form."""
        window = self.window
        if window.current_profile is None:
            window.prompts.inform("Add job", NO_PROFILE)
            return None
        if not path:
            path, _filter = QFileDialog.getOpenFileName(
                window.widget(), "Add job from saved page", window.settings.last_directory, PAGE_FILTER
            )
        if not path:
            return None
        window.settings.last_directory = str(Path(path).parent)
        dialog = window.open_dialog("add_job")
        if isinstance(dialog, AddJobDialog):
            dialog.load_file(path)
            return dialog
        return None

    def import_dataset(self, path: str | None = None) -> IngestProgressDialog | None:
        """File → Import dataset…: ingest a dataset export for the current profile, with progress and Cancel."""
        window = self.window
        profile = window.current_profile
        if profile is None:
            return None
        path = path or window.prompts.dataset_file(window.settings.last_directory)
        if not path:
            return None
        window.settings.last_directory = str(Path(path).parent)
        dialog = IngestProgressDialog(window.widget(), window.tasks, f"Importing {Path(path).name} for {profile.name}")
        dialog.completed.connect(lambda result: window.refresh_board() if result is None else None)
        window.last_dialog = dialog
        dialog.run(
            window.ctx.ingestion.ingest_file, profile.id, path, changes=ChangeSet(board=True, pool=True, ingestion=True)
        )
        return dialog

    def export_csv(self, path: str | None = None) -> None:
        """File → Export board as CSV…: every card (or every search match) of the current profile."""
        window = self.window
        profile = window.current_profile
        if profile is None:
            return
        safe_name = "".join("-" if ch in '/\\:*?"<>|' else ch for ch in profile.name)
        suggested = str(Path(window.settings.last_directory or Path.home()) / f"{safe_name} board.csv")
        path = path or window.prompts.csv_target(suggested)
        if not path:
            return
        window.settings.last_directory = str(Path(path).parent)
        window.tasks.run(
            export_board_csv,
            window.ctx.board,
            profile.id,
            path,
            window.controller.search or None,
            on_success=lambda n: window.message_bar.show_message(f"Exported {n:,} cards to {path}.", "info"),
        )
