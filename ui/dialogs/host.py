"""What a dialog needs from the window that opens it: a small protocol, so no dialog depends on the main window."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Protocol

from app.errors import JobPoolError

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from app.context import AppContext
    from app.records import Profile
    from ui.support.events import Hub
    from ui.support.prompts import Prompts
    from ui.support.tasks import TaskRunner
    from ui.support.window_state import AppSettings

NO_PROFILE = "Create a profile first: Profiles → New…."


class DialogHost(Protocol):
    """The window as a dialog sees it: services, the task runner, the event hub, questions, the current profile."""

    ctx: AppContext
    tasks: TaskRunner
    hub: Hub
    prompts: Prompts
    settings: AppSettings

    @property
    def current_profile(self) -> Profile | None:
        """The profile shown (None before the first profile exists)."""
        ...

    def widget(self) -> QWidget:
        """The window as a Qt parent for the dialog."""
        ...

    def report(self, message: str, kind: str = "error") -> None:
        """Show a short message in the window's message bar ("error", "warning" or "info")."""
        ...

    def flush_notes(self) -> None:
        """Store notes typed but not saved yet, before an operation that replaces cards."""
        ...

    def refresh_board(self) -> None:
        """Reread the board and the status bar."""
        ...

    def refresh_profiles(self, select: uuid.UUID | None = None) -> None:
        """Reread the profile list, optionally selecting one."""
        ...

    def after_profile_removed(self, profile: Profile, links: int) -> None:
        """Show what became of a deleted profile's cards and switch to another profile."""
        ...

    def bring_matching_up_to_date(self) -> None:
        """Embed and score, in the background, pool jobs that lack a vector of the current model."""
        ...

    def begin_schema_change(self) -> None:
        """Stop reading the database until end_schema_change or a switch to the "needs a migration" page."""
        ...

    def end_schema_change(self) -> None:
        """The schema change failed or changed nothing: read the board and figures again."""
        ...

    def open_dialog(self, key: str) -> object | None:
        """Open another dialog by its key ("resume", "apify", …); None when it could not open."""
        ...


def require_profile(host: DialogHost) -> Profile:
    """The profile the window shows, for a dialog that works on it; a JobPoolError when there is none yet."""
    if host.current_profile is None:
        raise JobPoolError(NO_PROFILE)
    return host.current_profile
