"""The main window's menu bar and toolbar, in one place so the window class stays about behaviour."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QLineEdit, QMenu, QSizePolicy, QToolBar, QWidget

from app.records import STATUSES
from ui.dialogs import profile_dialogs
from ui.dialogs.profile_dialogs import ProfileSwitcher
from ui.support import theme

if TYPE_CHECKING:
    from collections.abc import Callable

    from ui.shell.main_window import MainWindow


def _add(menu: QMenu, actions: dict[str, QAction], name: str, text: str, slot: Callable[[], object],
         shortcut: QKeySequence | str | None = None, icon: str | None = None) -> QAction:
    action = QAction(text, menu)
    if icon:
        action.setIcon(theme.icon(icon))
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    action.triggered.connect(lambda _checked=False: slot())
    menu.addAction(action)
    actions[name] = action
    return action


def build_menus(window: MainWindow) -> dict[str, QAction]:
    """Create File, Jobs, Profiles, Database and Help; returns every action by name."""
    actions: dict[str, QAction] = {}
    bar = window.menuBar()

    file_menu = bar.addMenu("&File")
    _add(file_menu, actions, "import", "&Import dataset…", window.import_dataset, "Ctrl+I", "import")
    _add(file_menu, actions, "export", "&Export board as CSV…", window.export_csv, "Ctrl+E", "export")
    file_menu.addSeparator()
    _add(file_menu, actions, "settings", "&Settings…", lambda: window.open_optional_dialog("settings"),
         QKeySequence.StandardKey.Preferences)
    file_menu.addSeparator()
    _add(file_menu, actions, "quit", "&Quit", window.close, QKeySequence.StandardKey.Quit)

    jobs = bar.addMenu("&Jobs")
    _add(jobs, actions, "apify", "Ingest from &Apify…", lambda: window.open_optional_dialog("apify"),
         "Ctrl+Shift+I", "cloud")
    _add(jobs, actions, "discover", "&Discover…", lambda: window.open_optional_dialog("discover"))
    _add(jobs, actions, "history", "Ingestion &history", lambda: window.open_optional_dialog("history"))
    jobs.addSeparator()
    move_to = jobs.addMenu("&Move selected to")
    for status in STATUSES:
        move_to.addAction(window.board_view.actions_by_name[f"send_{status.value}"])
    jobs.addAction(window.board_view.actions_by_name["archive"])
    _add(jobs, actions, "open_posting", "&Open posting", window.detail.open_posting, "Ctrl+O", "external")
    _add(jobs, actions, "mark_seen", "Mark all as &seen", window.mark_all_seen)
    jobs.addSeparator()
    _add(jobs, actions, "refresh", "&Refresh", window.refresh_board, QKeySequence.StandardKey.Refresh, "refresh")

    profiles = bar.addMenu("&Profiles")
    _add(profiles, actions, "new_profile", "&New…", lambda: profile_dialogs.new_profile(window), "Ctrl+N", "plus")
    _add(profiles, actions, "rename_profile", "&Rename…", lambda: profile_dialogs.rename_profile(window))
    _add(profiles, actions, "delete_profile", "&Delete…", lambda: profile_dialogs.delete_profile(window))
    profiles.addSeparator()
    _add(profiles, actions, "resume", "Résumé…", lambda: window.open_optional_dialog("resume"))

    database = bar.addMenu("&Database")
    _add(database, actions, "migrate", "&Migrate to shared pool…", lambda: window.open_optional_dialog("migration"))
    _add(database, actions, "connection", "&Connection info", window.show_connection_info)

    help_menu = bar.addMenu("&Help")
    _add(help_menu, actions, "shortcuts", "&Keyboard shortcuts", window.show_shortcuts,
         QKeySequence.StandardKey.HelpContents)
    _add(help_menu, actions, "about", "&About JobPool", window.show_about)
    return actions


def build_toolbar(window: MainWindow) -> None:
    """Profile switcher, search box (/ and Ctrl+F focus it, Escape clears it), Import and Refresh."""
    bar = QToolBar("Board")
    bar.setObjectName("mainToolbar")
    bar.setMovable(False)
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    profile_label = QLabel("Profile")
    profile_label.setObjectName("toolbarLabel")
    window.switcher = ProfileSwitcher()
    search = window.search = QLineEdit()
    search.setObjectName("searchBox")
    search.setPlaceholderText("Search jobs   /")
    search.setAccessibleName("Search title, company and description")
    search.setClearButtonEnabled(True)
    search.addAction(theme.icon("search"), QLineEdit.ActionPosition.LeadingPosition)
    search.setFixedWidth(300)
    search.textChanged.connect(lambda _text: window.search_timer.start())
    search.returnPressed.connect(window.apply_search)
    bar.addWidget(profile_label)
    bar.addWidget(window.switcher)
    bar.addSeparator()
    bar.addWidget(search)
    spacer = QWidget()
    spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    bar.addWidget(spacer)
    window.toolbar_import = bar.addAction(theme.icon("import"), "Import", lambda *_: window.import_dataset())
    window.toolbar_refresh = bar.addAction(theme.icon("refresh"), "Refresh", lambda *_: window.refresh_board())
    window.addToolBar(bar)
    for keys in ("/", "Ctrl+F"):
        QShortcut(QKeySequence(keys), window, activated=window.focus_search)
    QShortcut(QKeySequence("Escape"), search, activated=window.clear_search, context=Qt.ShortcutContext.WidgetShortcut)
