"""What every controller of the window reads from it: the services, the task runner and the profile shown.

Each controller's own Protocol adds what else it needs; none of them sees the whole window.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from app.context import AppContext
    from app.records import Profile
    from ui.support.tasks import TaskRunner


class WindowCore(Protocol):
    """The services, the task runner and the current profile."""

    ctx: AppContext
    tasks: TaskRunner

    @property
    def current_profile(self) -> Profile | None:
        """The profile shown (None before the first profile exists)."""
        ...
