"""Profiles in the window: the toolbar switcher and the New / Rename / Delete flows."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QWidget

from app.records import Profile
from ui.support.events import ChangeSet

if TYPE_CHECKING:
    from ui.shell.main_window import MainWindow


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


def new_profile(window: MainWindow, name: str | None = None) -> None:
    """Ask for a name (unless given) and create a profile, then show its board."""
    if name is None:
        name = window.prompts.text("New profile", "Name of the new profile:")
    if not name or not name.strip():
        return
    window.tasks.run(
        window.ctx.profiles.add, name, changes=ChangeSet(profiles=True),
        on_success=lambda profile: window.refresh_profiles(select=profile.id),
    )


def rename_profile(window: MainWindow) -> None:
    """Rename the current profile."""
    profile = window.current_profile
    if profile is None:
        return
    name = window.prompts.text("Rename profile", f"New name for “{profile.name}”:", profile.name)
    if not name or name.strip() == profile.name:
        return
    window.tasks.run(
        window.ctx.profiles.rename, profile.id, name, changes=ChangeSet(profiles=True),
        on_success=lambda renamed: window.refresh_profiles(select=renamed.id),
    )


def delete_profile(window: MainWindow) -> None:
    """Delete the current profile after a confirmation that says what goes and what stays."""
    profile = window.current_profile
    if profile is None:
        return
    cards = f"its {profile.card_count:,} card{'s' if profile.card_count != 1 else ''}"
    text = (
        f"Delete the profile “{profile.name}”?\n\n"
        f"Its board goes: {cards}, with their statuses, scores and notes. The jobs stay in the shared pool, and "
        "other profiles keep their own cards for them. This cannot be undone."
    )
    if not window.prompts.confirm("Delete profile", text, "Delete profile"):
        return
    window.notes.flush()
    window.tasks.run(
        window.ctx.profiles.remove, profile.id, changes=ChangeSet(profiles=True, board=True),
        on_success=lambda removed: window.after_profile_removed(profile, removed),
    )
