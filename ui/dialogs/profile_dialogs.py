"""Profiles → New / Rename / Delete: the questions asked and the service calls behind them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.records import counted
from ui.support.events import ChangeSet

if TYPE_CHECKING:
    from ui.dialogs.host import DialogHost


def new_profile(window: DialogHost, name: str | None = None) -> None:
    """Ask for a name (unless given) and create a profile, then show its board."""
    if name is None:
        name = window.prompts.text("New profile", "Name of the new profile:")
    if not name or not name.strip():
        return
    window.tasks.run(
        window.ctx.profiles.add,
        name,
        changes=ChangeSet(profiles=True),
        on_success=lambda profile: window.refresh_profiles(select=profile.id),
    )


def rename_profile(window: DialogHost) -> None:
    """Rename the current profile."""
    profile = window.current_profile
    if profile is None:
        return
    name = window.prompts.text("Rename profile", f"New name for “{profile.name}”:", profile.name)
    if not name or name.strip() == profile.name:
        return
    window.tasks.run(
        window.ctx.profiles.rename,
        profile.id,
        name,
        changes=ChangeSet(profiles=True),
        on_success=lambda renamed: window.refresh_profiles(select=renamed.id),
    )


def delete_profile(window: DialogHost) -> None:
    """Delete the current profile after a confirmation that says what goes and what stays."""
    profile = window.current_profile
    if profile is None:
        return
    cards = f"its {counted(profile.card_count, 'card')}"
    text = (
        f"Delete the profile “{profile.name}”?\n\n"
        f"Its board goes: {cards}, with their statuses, scores and notes. The jobs stay in the shared pool, and "
        "other profiles keep their own cards for them. This cannot be undone."
    )
    if not window.prompts.confirm("Delete profile", text, "Delete profile"):
        return
    window.flush_notes()
    window.tasks.run(
        window.ctx.profiles.remove,
        profile.id,
        changes=ChangeSet(profiles=True, board=True),
        on_success=lambda removed: window.after_profile_removed(profile, removed),
    )
