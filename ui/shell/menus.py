"""The main window's menu bar: File, Jobs, Profiles, Database and Help, built from the window's slots by name."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMenuBar

from app.records import STATUSES
from ui.support import theme

Shortcut = QKeySequence | QKeySequence.StandardKey | str | None
# (name, text, shortcut, icon); None is a separator. Each name is a slot the window supplies.
MENUS: tuple[tuple[str, tuple[tuple[str, str, Shortcut, str | None] | None, ...]], ...] = (
    (
        "&File",
        (
            ("import", "&Import dataset…", "Ctrl+I", "import"),
            ("add_job_file", "Add job from saved &page…", None, None),
            ("export", "&Export board as CSV…", "Ctrl+E", "export"),
            None,
            ("settings", "&Settings…", QKeySequence.StandardKey.Preferences, None),
            None,
            ("quit", "&Quit", QKeySequence.StandardKey.Quit, None),
        ),
    ),
    (
        "&Jobs",
        (
            ("add_job", "Add &job…", "Ctrl+L", "plus"),
            ("add_job_by_hand", "Add job by &hand…", None, None),
            None,
            ("apify", "Ingest from &Apify…", "Ctrl+Shift+I", "cloud"),
            ("discover", "&Discover…", None, None),
            ("history", "Ingestion &history", None, None),
            ("saved_searches", "Sa&ved searches…", None, None),
            ("upcoming", "&Upcoming interviews…", None, None),
            ("stats", "&Stats", "Ctrl+Shift+S", None),
            None,
            # the board's own move actions are inserted here
            ("open_posting", "&Open posting", "Ctrl+O", "external"),
            ("mark_seen", "Mark all as &seen", None, None),
            None,
            ("refresh", "&Refresh", QKeySequence.StandardKey.Refresh, "refresh"),
        ),
    ),
    (
        "&Profiles",
        (
            ("new_profile", "&New…", "Ctrl+N", "plus"),
            ("rename_profile", "&Rename…", None, None),
            ("delete_profile", "&Delete…", None, None),
            None,
            ("resume", "Résumé…", None, None),
        ),
    ),
    (
        "&Database",
        (
            ("migrate", "&Migrate to shared pool…", None, None),
            ("connection", "&Connection info", None, None),
        ),
    ),
    (
        "&Help",
        (
            ("shortcuts", "&Keyboard shortcuts", QKeySequence.StandardKey.HelpContents, None),
            ("about", "&About JobPool", None, None),
        ),
    ),
)
# Entries that work on the current profile: disabled while there is none (or the database needs a migration).
PROFILE_ACTIONS = (
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
)


def _action(menu: QMenu, text: str, slot: Callable[[], object], shortcut: Shortcut, icon: str | None) -> QAction:
    action = QAction(text, menu)
    if icon:
        action.setIcon(theme.icon(icon))
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    action.triggered.connect(lambda _checked=False: slot())
    menu.addAction(action)
    return action


def build_menus(
    bar: QMenuBar, slots: Mapping[str, Callable[[], object]], board_actions: Mapping[str, QAction]
) -> dict[str, QAction]:
    """Fill the menu bar; `slots` names what each entry calls, `board_actions` are the board's move actions.

    Returns every created action by name.
    """
    actions: dict[str, QAction] = {}
    for title, entries in MENUS:
        menu = bar.addMenu(title)
        for entry in entries:
            if entry is None:
                menu.addSeparator()
                continue
            name, text, shortcut, icon = entry
            if name == "open_posting":
                move_to = menu.addMenu("&Move selected to")
                for status in STATUSES:
                    move_to.addAction(board_actions[f"send_{status.value}"])
                menu.addAction(board_actions["archive"])
            actions[name] = _action(menu, text, slots[name], shortcut, icon)
    return actions
