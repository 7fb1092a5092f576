"""The main window: toolbar, board and detail pane, menus, status bar, banners and the first-run page.

Dialogs reach the window only through the DialogHost protocol (ui/dialogs/host.py), which it implements.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QMainWindow, QPlainTextEdit, QWidget

from app.cards import VIA_MENU
from app.context import AppContext
from app.insights.service import InsightsService
from app.records import JobStatus, Profile
from app.settings import save_stats_days
from app.stats import BoardStats
from ui.board.board_view import BoardView
from ui.board.controller import BoardController
from ui.board.detail_pane import DetailPane
from ui.board.notes_keeper import NotesKeeper
from ui.dialogs import profile_dialogs
from ui.dialogs.add_job_dialog import AddJobDialog
from ui.dialogs.ingest_progress import IngestProgressDialog
from ui.shell.central import PAGE_BOARD, PAGE_EMPTY, PAGE_MIGRATE, PAGE_WELCOME, CentralArea
from ui.shell.database_health import DatabaseHealth
from ui.shell.dialog_launcher import DialogLauncher
from ui.shell.file_actions import FileActions
from ui.shell.follow_ups import FollowUps
from ui.shell.inbox import InboxBell
from ui.shell.inbox_notifier import InboxNotifier
from ui.shell.matching_refresh import bring_matching_up_to_date
from ui.shell.menus import PROFILE_ACTIONS, build_menus
from ui.shell.schema_change import SchemaChange
from ui.shell.search_box import SearchBox
from ui.shell.search_scheduler import install_scheduler
from ui.shell.stats_dock import StatsDock
from ui.shell.status_bar import BoardStatusBar
from ui.shell.status_figures import FigureReader
from ui.shell.toolbar import build_toolbar
from ui.support import theme
from ui.support.events import ChangeSet, Hub
from ui.support.live_changes import LiveChanges
from ui.support.prompts import Prompts
from ui.support.tasks import TaskRunner
from ui.support.window_state import AppSettings

log = logging.getLogger(__name__)

DEFAULT_SIZE = (1440, 900)


class MainWindow(QMainWindow):
    """The JobPool window over one AppContext (see the module docstring for what dialogs may use)."""

    closed = Signal()

    def __init__(self, ctx: AppContext, settings: AppSettings | None = None, prompts: Prompts | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.settings = settings or AppSettings.in_data_dir(ctx.database.location.data_dir)
        self.prompts = prompts or Prompts(self)
        self.hub = Hub(self)
        self.tasks = TaskRunner(self.hub, self)
        self.current_profile: Profile | None = None
        self.profiles: list[Profile] = []
        self.stats = getattr(ctx, "stats", None) or BoardStats(ctx.database.sessions)
        self.notes = NotesKeeper(ctx.cards, self.tasks, self.settings, self)
        self.controller = BoardController(ctx.board, ctx.cards, self.tasks, self.hub, self)
        self.board_view = BoardView(self.controller)
        matching = getattr(ctx, "matching", None)
        self.detail = DetailPane(
            ctx.board,
            self.tasks,
            self.hub,
            self.notes,
            details=getattr(ctx, "details", None),
            history=ctx.status_history,
            reminders=ctx.reminders,
            duplicates=ctx.duplicates,
            resume_gaps=matching.resumes.card_gaps if matching is not None else None,
        )
        # Other desktops and windows: their moves, notes and ingestions reach this board within a second.
        self.live_changes = LiveChanges(self.hub, ctx.database.url, self)
        self.live_changes.start()
        self.last_dialog: Any = None
        self.dialogs = DialogLauncher(self)
        self.files = FileActions(self)
        self._closing = False
        self.schema = SchemaChange(self)  # a rollback runs: nothing reads tables that may be gone when it ends
        self.setWindowTitle("JobPool")
        self.setWindowIcon(theme.icon("jobpool"))
        self._build_central()
        self.stats_dock = StatsDock(
            self,
            getattr(ctx, "insights", None) or InsightsService(ctx.database.sessions),
            self.tasks,
            self.hub,
            lambda: self.current_profile,
            lambda response, stale: save_stats_days(response, stale, ctx.database.location.data_dir),
        )
        self._install_toolbar()
        self.menu_actions = build_menus(self.menuBar(), self._menu_slots(), self.board_view.actions_by_name)
        self.status = BoardStatusBar(self)
        self.setStatusBar(self.status)
        # Due follow-ups reach the desktop through the inbox, with new jobs and failed runs: one notifier.
        self.notifier = InboxNotifier(self)
        self.inbox = InboxBell(self, self._inbox_action, self.notifier, self)
        self.follow_ups = FollowUps(self, self.follow_up_bar, self.due_action, self)
        self.figures = FigureReader(self, self.follow_ups.show_due, self)
        self.search_scheduler, self.search_label = install_scheduler(
            ctx, self.tasks, self.status, lambda text: self.message_bar.show_message(text, "warning"), self
        )
        self._connect()
        self._restore_layout()
        self._update_actions()
        if ctx.needs_migration:
            self._show_migration_needed()
        else:
            self.refresh_profiles(select=self.settings.last_profile_id)
            self.bring_matching_up_to_date()
            restored = self.notes.restore()
            if restored:
                self.message_bar.show_message(f"Saving {restored} note(s) kept from the last session.", "info")

    # -- building --------------------------------------------------------------------------------------
    def _build_central(self) -> None:
        central = CentralArea(self.board_view, self.detail, self.ctx.database)
        self.read_only_banner = central.read_only_banner
        self.db_banner = central.db_banner
        self.message_bar = central.message_bar
        self.follow_up_bar = central.follow_up_bar
        self.stack = central.stack
        self.splitter = central.splitter
        self.welcome_page = central.welcome_page
        self.migration_page = central.migration_page
        self.empty_page = central.empty_page
        self.setCentralWidget(central)

    def _install_toolbar(self) -> None:
        toolbar = build_toolbar()
        self.switcher, self.search = toolbar.switcher, toolbar.search
        self.toolbar_import, self.toolbar_refresh = toolbar.import_action, toolbar.refresh_action
        self.due_action = toolbar.due_action
        self._inbox_action = toolbar.inbox_action
        self.search_box = SearchBox(self.search, self.controller, self.board_view, self)
        self.toolbar_import.triggered.connect(lambda _checked=False: self.import_dataset())
        self.toolbar_refresh.triggered.connect(lambda _checked=False: self.refresh_board())
        self.addToolBar(toolbar.bar)

    def _menu_slots(self) -> dict[str, Callable[[], object]]:
        return {
            **self.dialogs.menu_slots(),
            "import": self.files.import_dataset,
            "export": self.files.export_csv,
            "add_job_file": self.files.add_job_from_file,
            "quit": self.close,
            "stats": self.stats_dock.toggle,
            "open_posting": self.detail.open_posting,
            "mark_seen": self.mark_all_seen,
            "refresh": self.refresh_board,
        }

    def _connect(self) -> None:
        self.switcher.profile_chosen.connect(self.switch_profile)
        self.welcome_page.create_requested.connect(lambda name: profile_dialogs.new_profile(self, name))
        self.empty_page.import_requested.connect(self.files.import_dataset)
        self.empty_page.apify_requested.connect(lambda: self.open_dialog("apify"))
        self.migration_page.migrate_requested.connect(lambda: self.open_dialog("migration"))
        self.board_view.current_card_changed.connect(self.detail.show_card)
        self.board_view.open_card_requested.connect(lambda _card: self.detail.focus_notes())
        self.board_view.link_dropped.connect(self.files.add_job_from_link)
        self.detail.status_requested.connect(
            lambda card_id, status: self.controller.move([card_id], status, via=VIA_MENU)
        )
        self.controller.loaded.connect(self._board_loaded)
        self.controller.cards_arrived.connect(self.follow_ups.offer)
        self.controller.move_failed.connect(self.message_bar.show_message)
        self.controller.load_failed.connect(self._load_failed)
        self.notes.failed.connect(self.message_bar.show_message)
        if self.detail.tracking_section is not None:
            self.detail.tracking_section.message.connect(lambda text: self.message_bar.show_message(text, "info"))
            self.detail.tracking_section.ask_ics_path = lambda suggested: self.prompts.ics_target(suggested)
        self.tasks.failed.connect(self.message_bar.show_message)
        self.tasks.busy_changed.connect(self.status.set_busy)
        self.hub.changed.connect(self._changes_arrived)
        self.hub.inbox_changed.connect(self._inbox_heard)
        self.health = DatabaseHealth(
            self.ctx.database,
            self.tasks,
            self.hub,
            self.db_banner,
            self.message_bar,
            reread=self._reread_all,
            closing=lambda: self._closing,
            parent=self,
        )

    def _restore_layout(self) -> None:
        geometry = self.settings.geometry()
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(*DEFAULT_SIZE)
        splitter = self.settings.splitter_state()
        if splitter is None or not self.splitter.restoreState(splitter):
            width = self.width()
            self.splitter.setSizes([width - width // 4, width // 4])
        sort_button = self.board_view.columns[JobStatus.RECOMMENDED].sort_button
        if sort_button is not None:
            sort_button.setChecked(self.settings.recommended_by_score)
            sort_button.toggled.connect(lambda on: setattr(self.settings, "recommended_by_score", on))

    def _update_actions(self) -> None:
        has_profile = self.current_profile is not None
        for name in PROFILE_ACTIONS:
            if name in self.menu_actions:
                self.menu_actions[name].setEnabled(has_profile and not self.ctx.needs_migration)
        self.toolbar_import.setEnabled(has_profile)
        self.search.setEnabled(has_profile)

    # -- profiles --------------------------------------------------------------------------------------
    def refresh_profiles(self, select: uuid.UUID | None = None) -> None:
        """Reread the profile list, then show `select` (or the current, or the first profile)."""
        if self.ctx.needs_migration:
            self._show_migration_needed()
            return
        self.tasks.run(self.ctx.profiles.list, on_success=lambda profiles: self._apply_profiles(profiles, select))

    def _show_migration_needed(self) -> None:
        """A v1 database (or one rolled back to v1): no board until it is migrated."""
        # Stop every read first (the pool tables are gone), then switch: reads already under way are ignored.
        self.schema.settle()
        self.status.clear_figures()
        self.current_profile = None
        self.profiles = []
        self.switcher.set_profiles([], None)
        self.detail.show_card(None)
        self.controller.set_profile(None)
        self._show_profile_name()
        self._update_actions()
        self.stack.setCurrentIndex(PAGE_MIGRATE)

    def _apply_profiles(self, profiles: list[Profile], select: uuid.UUID | None) -> None:
        if self.ctx.needs_migration:
            self._show_migration_needed()
            return
        self.profiles = profiles
        wanted = select or (self.current_profile.id if self.current_profile else None)
        chosen = next((p for p in profiles if p.id == wanted), profiles[0] if profiles else None)
        self.switcher.set_profiles(profiles, chosen.id if chosen else None)
        if chosen is not None and self.current_profile is not None and chosen.id == self.current_profile.id:
            self.current_profile = chosen
            self._show_profile_name()
            return
        self.switch_profile(chosen)

    def switch_profile(self, profile: Profile | None) -> None:
        """Show another profile's board (notes of the one left are saved first, its new cards marked seen)."""
        if profile is not None and self.current_profile is not None and profile.id == self.current_profile.id:
            return
        self.notes.flush()
        leaving = self.current_profile
        if leaving is not None:
            self.tasks.run(
                self.ctx.cards.mark_seen,
                leaving.id,
                ordered=True,
                report=False,
                on_success=lambda _count: self.refresh_status(),
            )
        self.current_profile = profile
        self.settings.last_profile_id = profile.id if profile else None
        self.switcher.set_profiles(self.profiles, profile.id if profile else None)
        self.board_view.start_over()
        self.detail.show_card(None)
        self.controller.set_profile(profile.id if profile else None)
        self._show_profile_name()
        self._update_actions()
        if profile is None:
            self.stack.setCurrentIndex(PAGE_WELCOME)
            self.welcome_page.name_edit.setFocus()
        self.hub.profile_changed.emit(profile)
        self.refresh_status()
        self.inbox.check()

    def _show_profile_name(self) -> None:
        profile = self.current_profile
        # Ending with the application's display name, the title is shown as it is (Qt appends that name otherwise).
        self.setWindowTitle(f"{profile.name} — JobPool" if profile else "JobPool")
        if profile:
            self.empty_page.set_profile_name(profile.name)

    def after_profile_removed(self, profile: Profile, links: int) -> None:
        """A profile was deleted: say what went and show another board."""
        self.message_bar.show_message(
            f"Deleted “{profile.name}” and its {links:,} cards. The jobs stay in the pool.", "info"
        )
        self.current_profile = None
        self.refresh_profiles()

    # -- board -----------------------------------------------------------------------------------------
    def refresh_board(self) -> None:
        """Reread the board and the status bar."""
        if self.ctx.needs_migration:
            self._show_migration_needed()
        elif self.current_profile is not None:
            self.controller.reload()
        self.refresh_status()

    def _board_loaded(self) -> None:
        if self.current_profile is None or self.ctx.needs_migration:
            return
        empty = self.controller.total == 0 and not self.controller.search
        self.stack.setCurrentIndex(PAGE_EMPTY if empty else PAGE_BOARD)
        focus = QApplication.focusWidget()
        if not empty and self.board_view.current_card is None and not isinstance(focus, QLineEdit | QPlainTextEdit):
            first = next((s for s, m in self.controller.models.items() if m.rowCount()), None)
            if first is not None:
                self.board_view.focus_column(first)  # the keyboard works at once, the detail pane shows a card
        for column in self.board_view.columns.values():
            column.view.empty_text = "No matches" if self.controller.search else "No cards"
            column.view.viewport().update()

    def _load_failed(self, message: str) -> None:
        if self.ctx.needs_migration or self.schema.changing:
            return  # a read that met the schema as it changed: the window shows the new state instead
        if self.db_banner.isHidden():
            self.message_bar.show_message(f"Could not read the board: {message}")

    def focus_search(self) -> None:
        """Put the cursor in the search box."""
        self.search_box.focus()

    def clear_search(self) -> None:
        """Escape in the search box: show every card again and go back to the board."""
        self.search_box.clear()

    def apply_search(self) -> None:
        """Filter the board by the search box now."""
        self.search_box.apply()

    def mark_all_seen(self) -> None:
        """Clear every "new" dot of the current profile."""
        if self.current_profile is not None:
            self.tasks.run(
                self.ctx.cards.mark_seen, self.current_profile.id, ordered=True, changes=ChangeSet(board=True)
            )

    def _changes_arrived(self, changes: ChangeSet) -> None:
        self.refresh_status()
        if changes.ingestion:
            # The run's grouped new-job rows are written by the time its change-set is broadcast.
            self.inbox.check_soon()

    def _inbox_heard(self, profile_id: uuid.UUID | None) -> None:
        """An inbox got rows or had some marked read (here, on another desktop, by `run-due`): the bell recounts now."""
        if profile_id is None or any(p.id == profile_id for p in self.profiles):
            self.inbox.check_soon()

    # -- status bar and schema changes ----------------------------------------------------------------
    def refresh_status(self) -> None:
        """Reread the status bar figures soon (several changes in a row cost one query)."""
        self.figures.refresh()

    @property
    def status_read_pending(self) -> bool:
        """Whether a reread of the status bar figures is scheduled."""
        return self.figures.pending

    def begin_schema_change(self) -> None:
        """A rollback is about to run: stop scheduled reads and background refreshes until it ends."""
        self.schema.begin()

    def end_schema_change(self) -> None:
        """The schema change failed or ended without a switch: read the board and figures again."""
        self.schema.end()

    @property
    def schema_changing(self) -> bool:
        """Whether a rollback runs: nothing reads or writes the tables until it ends."""
        return self.schema.changing

    def _reread_all(self) -> None:
        self.refresh_profiles()
        self.refresh_board()

    def bring_matching_up_to_date(self) -> None:
        """Embed pool jobs that lack a vector of the current model (a new model, an interrupted import, a migration)
        and rescore, in the background; the board rereads when the scores are in."""
        bring_matching_up_to_date(
            self.ctx, self.tasks, lambda: self._closing or self.schema.changing, self.refresh_board
        )

    # -- files (FileActions) ---------------------------------------------------------------------------
    def add_job_from_file(self, path: str | None = None) -> AddJobDialog | None:
        """File → Add job from saved page…: read a saved posting page into the Add job form."""
        return self.files.add_job_from_file(path)

    def import_dataset(self, path: str | None = None) -> IngestProgressDialog | None:
        """File → Import dataset…: ingest a dataset export for the current profile, with progress and Cancel."""
        return self.files.import_dataset(path)

    # -- dialogs ---------------------------------------------------------------------------------------
    def open_dialog(self, key: str) -> Any:
        """Open a dialog by its key (see dialog_launcher.py) without blocking; None when it needs a profile or could
        not open."""
        return self.dialogs.open(key)

    # -- what dialogs use (DialogHost) -------------------------------------------------------------------
    def widget(self) -> QWidget:
        """The window as a dialog's Qt parent."""
        return self

    def report(self, message: str, kind: str = "error") -> None:
        """A short message in the message bar ("error", "warning" or "info")."""
        self.message_bar.show_message(message, kind)

    def flush_notes(self) -> None:
        """Store notes typed but not saved yet."""
        self.notes.flush()

    def keep_dialog(self, dialog: Any) -> None:
        """Show a dialog without blocking and hold a reference until it closes."""
        self.dialogs.keep(dialog)

    def show_shortcuts(self) -> None:
        """Help → Keyboard shortcuts."""
        self.dialogs.show_shortcuts()

    # -- closing ---------------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        """Save every pending note (kept in the settings if the database cannot take it), remember the layout."""
        self._closing = True
        self.live_changes.stop()
        self.search_scheduler.stop()
        for dialog in self.findChildren(IngestProgressDialog):
            dialog.cancel()  # a running import stops after its current batch instead of outliving the window
        self.schema.stop_reads()
        unsaved = self.notes.flush_blocking()
        if unsaved:
            log.warning("%d note(s) kept in the settings for the next start", len(unsaved))
        if self.current_profile is not None and not unsaved:
            try:
                self.tasks.call_blocking(self.ctx.cards.mark_seen, self.current_profile.id, timeout=2)
            except Exception:  # the "new" dots are cosmetic; closing must not fail on them
                log.info("could not mark cards seen while closing", exc_info=True)
        self.settings.set_geometry(self.saveGeometry())
        self.settings.set_splitter_state(self.splitter.saveState())
        self.settings.last_profile_id = self.current_profile.id if self.current_profile else None
        self.settings.sync()
        self.tasks.shutdown()
        super().closeEvent(event)
        self.closed.emit()
