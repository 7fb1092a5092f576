"""The main window: toolbar, board and detail pane, menus, status bar, banners and the first-run page.

Dialogs reach the window only through the DialogHost protocol (ui/dialogs/host.py), which it implements.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPlainTextEdit,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.board import DUE_TOKEN, wants_due
from app.cards import VIA_MENU
from app.context import AppContext
from app.errors import JobPoolError
from app.export import export_board_csv
from app.health import check_connection
from app.insights.service import InsightsService
from app.records import BoardCard, JobStatus, Profile
from app.settings import load_follow_up_days, save_stats_days
from app.stats import BoardStats, StatusFigures
from ui.board.board_view import BoardView
from ui.board.controller import BoardController
from ui.board.detail_pane import DetailPane
from ui.board.notes_keeper import NotesKeeper
from ui.dialogs import profile_dialogs
from ui.dialogs.add_job_dialog import PAGE_FILTER, AddJobByHandDialog, AddJobDialog
from ui.dialogs.apify_dialog import ApifyDialog
from ui.dialogs.discover_dialog import DiscoverDialog
from ui.dialogs.help_dialogs import ABOUT_TEXT, ShortcutsDialog, connection_text
from ui.dialogs.history_dialog import HistoryDialog
from ui.dialogs.host import NO_PROFILE
from ui.dialogs.inbox_dialog import InboxDialog
from ui.dialogs.ingest_progress import IngestProgressDialog
from ui.dialogs.migration_dialog import MigrationDialog
from ui.dialogs.resume_dialog import ResumeDialog
from ui.dialogs.saved_searches_dialog import SavedSearchesDialog
from ui.dialogs.settings_dialog import SettingsDialog
from ui.dialogs.upcoming_dialog import UpcomingDialog
from ui.shell.banners import DatabaseBanner, MessageBar
from ui.shell.empty_states import EmptyBoardPage, MigrationPage, WelcomePage
from ui.shell.follow_up_bar import FollowUpBar
from ui.shell.inbox import InboxBell
from ui.shell.inbox_notifier import InboxNotifier
from ui.shell.menus import build_menus
from ui.shell.search_scheduler import SearchScheduler, search_status_label
from ui.shell.stats_dock import StatsDock
from ui.shell.status_bar import BoardStatusBar
from ui.shell.toolbar import build_toolbar
from ui.support import theme
from ui.support.events import ChangeSet, Hub
from ui.support.live_changes import LiveChanges
from ui.support.plain_text import tooltip_text
from ui.support.prompts import Prompts
from ui.support.tasks import TaskRunner
from ui.support.timers import single_shot_timer
from ui.support.window_state import AppSettings

log = logging.getLogger(__name__)

PAGE_WELCOME, PAGE_MIGRATE, PAGE_EMPTY, PAGE_BOARD = range(4)
SEARCH_DELAY_MS = 250
DUE_CHECK_MS = 15 * 60 * 1000  # how often the window looks for follow-ups that fell due meanwhile
DEFAULT_SIZE = (1440, 900)
DETAIL_MIN_WIDTH = 300

# key: (dialog class, title, needs a profile); each is built as Dialog(window) and shown without blocking.
DIALOGS: dict[str, tuple[type[QWidget], str, bool]] = {
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
        self._dialogs: set[Any] = set()
        self._closing = False
        self._schema_changing = False  # a rollback runs: nothing reads tables that may be gone when it ends
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
        self.search_timer = single_shot_timer(self, SEARCH_DELAY_MS, self.apply_search)
        self._install_toolbar()
        self.menu_actions = build_menus(self.menuBar(), self._menu_slots(), self.board_view.actions_by_name)
        self.status = BoardStatusBar(self)
        self.setStatusBar(self.status)
        self._status_timer = single_shot_timer(self, 300, self._read_figures)
        # Due follow-ups reach the desktop through the inbox, with new jobs and failed runs: one notifier.
        self.notifier = InboxNotifier(self)
        self.inbox = InboxBell(self, self._inbox_action, self.notifier, self)
        self._due_seen = 0
        # Follow-ups fall due as days pass, not only when something changes: look again now and then.
        self._due_timer = QTimer(self)
        self._due_timer.setInterval(DUE_CHECK_MS)
        self._due_timer.timeout.connect(self.refresh_status)
        self._due_timer.timeout.connect(self.inbox.check)
        self._due_timer.start()
        self._install_search_scheduler()
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
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.db_banner = DatabaseBanner()
        self.message_bar = MessageBar()
        self.stack = QStackedWidget()
        self.welcome_page = WelcomePage()
        self.migration_page = MigrationPage()
        self.empty_page = EmptyBoardPage()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.board_view)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        # 300 px still holds the pane's two buttons side by side; the board takes the rest and its columns shrink
        # to their headers before a sideways scroll bar appears (six fit beside the pane from 1280 px wide).
        self.detail.setMinimumWidth(DETAIL_MIN_WIDTH)
        for page in (self.welcome_page, self.migration_page, self.empty_page, self.splitter):
            self.stack.addWidget(page)
        # Disk full or data folder not writable: the board is shown read-only, and says so until restart.
        self.read_only_banner = QLabel(getattr(self.ctx.database, "read_only_message", ""))
        self.read_only_banner.setObjectName("readOnlyBanner")
        self.read_only_banner.setWordWrap(True)
        self.read_only_banner.setVisible(bool(getattr(self.ctx.database, "read_only", False)))
        layout.addWidget(self.read_only_banner)
        layout.addWidget(self.db_banner)
        layout.addWidget(self.message_bar)
        self.follow_up_bar = FollowUpBar()
        layout.addWidget(self.follow_up_bar)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

    def _install_toolbar(self) -> None:
        toolbar = build_toolbar()
        self.switcher, self.search = toolbar.switcher, toolbar.search
        self.toolbar_import, self.toolbar_refresh = toolbar.import_action, toolbar.refresh_action
        self.due_action = toolbar.due_action
        self._inbox_action = toolbar.inbox_action
        self.due_action.toggled.connect(self.show_due_only)
        self.search.textChanged.connect(lambda _text: self.search_timer.start())
        self.search.textChanged.connect(lambda text: self._sync_due_toggle(wants_due(text)))
        self.search.returnPressed.connect(self.apply_search)
        self.toolbar_import.triggered.connect(lambda _checked=False: self.import_dataset())
        self.toolbar_refresh.triggered.connect(lambda _checked=False: self.refresh_board())
        self.addToolBar(toolbar.bar)
        for keys in ("/", "Ctrl+F"):
            QShortcut(QKeySequence(keys), self).activated.connect(self.focus_search)
        escape = QShortcut(QKeySequence("Escape"), self.search)
        escape.setContext(Qt.ShortcutContext.WidgetShortcut)
        escape.activated.connect(self.clear_search)

    def _menu_slots(self) -> dict[str, Callable[[], object]]:
        dialog = self.open_dialog
        return {
            "import": self.import_dataset,
            "export": self.export_csv,
            "settings": lambda: dialog("settings"),
            "quit": self.close,
            "apify": lambda: dialog("apify"),
            "add_job": lambda: dialog("add_job"),
            "add_job_by_hand": lambda: dialog("add_job_by_hand"),
            "add_job_file": self.add_job_from_file,
            "discover": lambda: dialog("discover"),
            "history": lambda: dialog("history"),
            "upcoming": lambda: dialog("upcoming"),
            "saved_searches": lambda: dialog("saved_searches"),
            "stats": self.stats_dock.toggle,
            "open_posting": self.detail.open_posting,
            "mark_seen": self.mark_all_seen,
            "refresh": self.refresh_board,
            "new_profile": lambda: profile_dialogs.new_profile(self),
            "rename_profile": lambda: profile_dialogs.rename_profile(self),
            "delete_profile": lambda: profile_dialogs.delete_profile(self),
            "resume": lambda: dialog("resume"),
            "migrate": lambda: dialog("migration"),
            "connection": self.show_connection_info,
            "shortcuts": self.show_shortcuts,
            "about": self.show_about,
        }

    def _connect(self) -> None:
        self.switcher.profile_chosen.connect(self.switch_profile)
        self.welcome_page.create_requested.connect(lambda name: profile_dialogs.new_profile(self, name))
        self.empty_page.import_requested.connect(self.import_dataset)
        self.empty_page.apify_requested.connect(lambda: self.open_dialog("apify"))
        self.migration_page.migrate_requested.connect(lambda: self.open_dialog("migration"))
        self.board_view.current_card_changed.connect(self.detail.show_card)
        self.board_view.open_card_requested.connect(lambda _card: self.detail.focus_notes())
        self.board_view.link_dropped.connect(self.add_job_from_link)
        self.detail.status_requested.connect(
            lambda card_id, status: self.controller.move([card_id], status, via=VIA_MENU)
        )
        self.controller.loaded.connect(self._board_loaded)
        self.controller.cards_arrived.connect(self._offer_follow_up)
        self.follow_up_bar.accepted.connect(self._set_follow_ups)
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
        self.hub.database_lost.connect(self._database_lost)
        self.db_banner.retry_requested.connect(self._retry_database)

    def _install_search_scheduler(self) -> None:
        self.search_label = search_status_label()
        self.status.addPermanentWidget(self.search_label)
        self.search_scheduler = SearchScheduler(self.ctx, self.tasks, self.ctx.database.location.data_dir, self)
        self.search_scheduler.progress.connect(self._show_search_progress)
        self.search_scheduler.paused.connect(lambda text: self.message_bar.show_message(text, "warning"))
        if getattr(self.ctx, "search_runner", None) is not None and not self.ctx.needs_migration:
            self.search_scheduler.start()

    def _show_search_progress(self, text: str) -> None:
        self.search_label.setText(text if len(text) <= 100 else text[:99] + "…")
        self.search_label.setToolTip(tooltip_text(text))
        self.search_label.setVisible(bool(text))

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
        for name in (
            "import",
            "export",
            "rename_profile",
            "delete_profile",
            "mark_seen",
            "resume",
            "discover",
            "apify",
            "upcoming",
            "saved_searches",
        ):
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
        self._status_timer.stop()
        self.search_timer.stop()
        self.inbox.cancel_pending()
        self._schema_changing = False
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
        if self.ctx.needs_migration or self._schema_changing:
            return  # a read that met the schema as it changed: the window shows the new state instead
        if self.db_banner.isHidden():
            self.message_bar.show_message(f"Could not read the board: {message}")

    def focus_search(self) -> None:
        """Put the cursor in the search box."""
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def clear_search(self) -> None:
        """Escape in the search box: show every card again and go back to the board."""
        self.search.clear()
        self.apply_search()
        self.board_view.focus_column(self.board_view.active_status)

    def apply_search(self) -> None:
        """Filter the board by the search box now."""
        self.search_timer.stop()
        self.controller.set_search(self.search.text())

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

    # -- status bar and database health ----------------------------------------------------------------
    def refresh_status(self) -> None:
        """Reread the status bar figures soon (several changes in a row cost one query)."""
        if self.ctx.needs_migration or self._schema_changing:
            return
        self._status_timer.start()

    def begin_schema_change(self) -> None:
        """A rollback is about to run: stop scheduled reads and background refreshes until it ends."""
        self._schema_changing = True
        self._status_timer.stop()
        self.search_timer.stop()
        self.inbox.cancel_pending()

    def end_schema_change(self) -> None:
        """The schema change failed or ended without a switch: read the board and figures again."""
        self._schema_changing = False
        self.refresh_profiles()
        self.refresh_board()
        self.inbox.check_soon()  # rows heard of meanwhile were not looked at

    @property
    def schema_changing(self) -> bool:
        """Whether a rollback runs: nothing reads or writes the tables until it ends."""
        return self._schema_changing

    @property
    def status_read_pending(self) -> bool:
        """Whether a reread of the status bar figures is scheduled."""
        return self._status_timer.isActive()

    def _read_figures(self) -> None:
        if self.ctx.needs_migration or self._schema_changing:
            return
        profile = self.current_profile
        self.tasks.run(
            self.stats.figures,
            profile.id if profile else None,
            report=False,
            on_success=lambda figures: self._show_figures(figures, profile),
        )
        self.tasks.run(self.ctx.matching.recommendations.new_recommendations, report=False, on_success=self._show_new)
        if profile is not None:
            self.tasks.run(
                self.ctx.reminders.due_count, profile.id, report=False, on_success=lambda n: self._show_due(n, profile)
            )

    def _show_due(self, count: int, profile: Profile) -> None:
        if profile is self.current_profile and not self.ctx.needs_migration:
            if count > self._due_seen:
                self.inbox.check()  # a follow-up fell due: it reaches the inbox and the desktop now
            self._due_seen = count
            self.status.show_due(count)

    # -- follow-ups ------------------------------------------------------------------------------------
    def show_due_only(self, on: bool) -> None:
        """The toolbar's Due toggle: add or remove the search word `due:`."""
        words = [w for w in self.search.text().split() if w.lower() != DUE_TOKEN]
        self.search.setText(" ".join([*words, DUE_TOKEN] if on else words))
        self.apply_search()

    def _sync_due_toggle(self, on: bool) -> None:
        if self.due_action.isChecked() != on:
            self.due_action.blockSignals(True)
            self.due_action.setChecked(on)
            self.due_action.blockSignals(False)

    def _offer_follow_up(self, cards: list[BoardCard], status: JobStatus) -> None:
        days = load_follow_up_days(self.ctx.database.location.data_dir)
        if status is JobStatus.APPLIED and days > 0:
            what = f"“{cards[0].title}”" if len(cards) == 1 else f"{len(cards)} jobs"
            self.follow_up_bar.offer([card.user_job_id for card in cards], what, days)

    def _set_follow_ups(self, ids: list[uuid.UUID], due_on: date) -> None:
        def set_all() -> None:
            for user_job_id in ids:
                self.ctx.reminders.set(user_job_id, due_on)

        self.tasks.run(set_all, changes=ChangeSet.for_cards(ids))

    def _show_new(self, recommendations: list) -> None:
        if self.ctx.needs_migration:
            return
        current = self.current_profile
        self.status.show_new(recommendations, current.id if current else None)

    def bring_matching_up_to_date(self) -> None:
        """Embed pool jobs that lack a vector of the current model (a new model, an interrupted import, a migration)
        and rescore, in the background; the board rereads when the scores are in."""

        def refresh() -> bool:
            matching = self.ctx.matching
            if not matching.refresh.stale_jobs():
                return False
            report = matching.refresh.refresh_model(
                should_cancel=lambda: self._closing or self._schema_changing or self.ctx.needs_migration
            )
            log.info("matching brought up to date: %s", report)
            return True

        def done(changed: bool) -> None:
            if changed and not self._closing and not self._schema_changing:
                self.refresh_board()

        self.tasks.run(refresh, report=False, on_success=done)

    def _show_figures(self, figures: StatusFigures, profile: Profile | None) -> None:
        if profile is self.current_profile and not self.ctx.needs_migration:
            self.status.show_figures(figures, profile.name if profile else None)

    def _database_lost(self, reason: str) -> None:
        if not self._closing:
            self.db_banner.show_lost(reason)

    def _retry_database(self) -> None:
        self.db_banner.retrying()
        self.tasks.run(
            check_connection,
            self.ctx.database,
            report=False,
            on_success=lambda _ok: self._database_back(),
            on_failure=lambda exc: self.db_banner.show_lost(exc.message),
        )

    def _database_back(self) -> None:
        self.db_banner.restored()
        self.hub.database_restored.emit()
        self.message_bar.show_message("The database answers again.", "info", seconds=5)
        self.refresh_profiles()
        self.refresh_board()

    # -- files -----------------------------------------------------------------------------------------
    def add_job_from_link(self, link: str, status: JobStatus | None = None) -> AddJobDialog | None:
        """A posting address dropped on a column: fetch it into the Add job form, set to go into that column."""
        dialog = self.open_dialog("add_job")
        if isinstance(dialog, AddJobDialog):
            if status is not None:
                dialog.set_status(status.value)
            dialog.fetch(link)
        return dialog if isinstance(dialog, AddJobDialog) else None

    def add_job_from_file(self, path: str | None = None) -> AddJobDialog | None:
        """File → Add job from saved page…: read a saved posting page into the Add job form."""
        if self.current_profile is None:
            self.prompts.inform("Add job", NO_PROFILE)
            return None
        if not path:
            path, _filter = QFileDialog.getOpenFileName(
                self, "Add job from saved page", self.settings.last_directory, PAGE_FILTER
            )
        if not path:
            return None
        self.settings.last_directory = str(Path(path).parent)
        dialog = self.open_dialog("add_job")
        if isinstance(dialog, AddJobDialog):
            dialog.load_file(path)
            return dialog
        return None

    def import_dataset(self, path: str | None = None) -> IngestProgressDialog | None:
        """File → Import dataset…: ingest a dataset export for the current profile, with progress and Cancel."""
        profile = self.current_profile
        if profile is None:
            return None
        path = path or self.prompts.dataset_file(self.settings.last_directory)
        if not path:
            return None
        self.settings.last_directory = str(Path(path).parent)
        dialog = IngestProgressDialog(self, self.tasks, f"Importing {Path(path).name} for {profile.name}")
        dialog.completed.connect(lambda result: self.refresh_board() if result is None else None)
        self.last_dialog = dialog
        dialog.run(
            self.ctx.ingestion.ingest_file, profile.id, path, changes=ChangeSet(board=True, pool=True, ingestion=True)
        )
        return dialog

    def export_csv(self, path: str | None = None) -> None:
        """File → Export board as CSV…: every card (or every search match) of the current profile."""
        profile = self.current_profile
        if profile is None:
            return
        safe_name = "".join("-" if ch in '/\\:*?"<>|' else ch for ch in profile.name)
        suggested = str(Path(self.settings.last_directory or Path.home()) / f"{safe_name} board.csv")
        path = path or self.prompts.csv_target(suggested)
        if not path:
            return
        self.settings.last_directory = str(Path(path).parent)
        self.tasks.run(
            export_board_csv,
            self.ctx.board,
            profile.id,
            path,
            self.controller.search or None,
            on_success=lambda n: self.message_bar.show_message(f"Exported {n:,} cards to {path}.", "info"),
        )

    # -- dialogs ---------------------------------------------------------------------------------------
    def open_dialog(self, key: str) -> Any:
        """Open a dialog by its key (DIALOGS) without blocking; None when it needs a profile or could not open."""
        dialog_class, title, needs_profile = DIALOGS[key]
        if needs_profile and self.current_profile is None:
            self.prompts.inform(title, NO_PROFILE)
            return None
        try:
            dialog = dialog_class(self)
        except JobPoolError as exc:
            self.report(exc.message)
            return None
        self.keep_dialog(dialog)
        return dialog

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
        self.last_dialog = dialog
        self._dialogs.add(dialog)
        if isinstance(dialog, QDialog):
            dialog.finished.connect(lambda _result: self._dialogs.discard(dialog))
            dialog.open()
        else:
            dialog.show()

    def show_shortcuts(self) -> None:
        """Help → Keyboard shortcuts."""
        self.keep_dialog(ShortcutsDialog(self))

    def show_about(self) -> None:
        """Help → About."""
        self.prompts.inform("About JobPool", ABOUT_TEXT)

    def show_connection_info(self) -> None:
        """Database → Connection info: embedded or external, and where the data lives."""
        self.prompts.inform("Connection info", connection_text(self.ctx.database))

    # -- closing ---------------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        """Save every pending note (kept in the settings if the database cannot take it), remember the layout."""
        self._closing = True
        self.live_changes.stop()
        self.search_scheduler.stop()
        for dialog in self.findChildren(IngestProgressDialog):
            dialog.cancel()  # a running import stops after its current batch instead of outliving the window
        self._status_timer.stop()
        self.search_timer.stop()
        self.inbox.cancel_pending()
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
