"""The main window's toolbar: the profile switcher, the search box, the inbox bell, Import and Refresh."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QSizePolicy, QToolBar, QWidget

from app.records import Profile
from ui.support import theme


class ProfileSwitcher(QComboBox):
    """Lists the profiles; choosing one emits profile_chosen."""

    profile_chosen = Signal(object)  # Profile

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("profileSwitcher")
        self.setAccessibleName("Profile")
        self.setMinimumContentsLength(12)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self._profiles: list[Profile] = []
        self.activated.connect(self._chosen)

    def set_profiles(self, profiles: list[Profile], current: uuid.UUID | None) -> None:
        """Show these profiles, with `current` selected, without emitting profile_chosen."""
        self._profiles = list(profiles)
        self.blockSignals(True)
        try:
            self.clear()
            for profile in profiles:
                self.addItem(profile.name, profile.id)
            index = next((i for i, p in enumerate(profiles) if p.id == current), -1)
            self.setCurrentIndex(index)
        finally:
            self.blockSignals(False)
        self.setEnabled(bool(profiles))

    def _chosen(self, index: int) -> None:
        if 0 <= index < len(self._profiles):
            self.profile_chosen.emit(self._profiles[index])


@dataclass(frozen=True, slots=True)
class Toolbar:
    """The toolbar's widgets; the window connects them."""

    bar: QToolBar
    switcher: ProfileSwitcher
    search: QLineEdit
    import_action: QAction
    refresh_action: QAction
    due_action: QAction
    inbox_action: QAction


def build_toolbar() -> Toolbar:
    """Profile switcher, search box, a spacer, then the inbox bell, Import and Refresh."""
    bar = QToolBar("Board")
    bar.setObjectName("mainToolbar")
    bar.setMovable(False)
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    profile_label = QLabel("Profile")
    profile_label.setObjectName("toolbarLabel")
    switcher = ProfileSwitcher()
    search = QLineEdit()
    search.setObjectName("searchBox")
    search.setPlaceholderText("Search jobs   /")
    search.setAccessibleName("Search title, company and description")
    search.setToolTip("Search title, company and description; filter with tag:remote, priority:high, salary:90k")
    search.setClearButtonEnabled(True)
    search.addAction(theme.icon("search"), QLineEdit.ActionPosition.LeadingPosition)
    search.setFixedWidth(300)
    bar.addWidget(profile_label)
    bar.addWidget(switcher)
    bar.addSeparator()
    bar.addWidget(search)
    due_action = bar.addAction("Due")
    due_action.setCheckable(True)
    due_action.setToolTip("Only cards whose follow-up is due today or overdue (the search word due:)")
    spacer = QWidget()
    spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    bar.addWidget(spacer)
    inbox_action = bar.addAction(theme.icon("bell"), "Inbox")
    inbox_action.setObjectName("inboxAction")
    import_action = bar.addAction(theme.icon("import"), "Import")
    refresh_action = bar.addAction(theme.icon("refresh"), "Refresh")
    return Toolbar(bar, switcher, search, import_action, refresh_action, due_action, inbox_action)
