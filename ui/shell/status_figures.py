"""The status bar's figures: pool size, card count, last ingestion, new recommendations and due follow-ups, read in
the background a moment after something changed (several changes in a row cost one read)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject

from app.matching.records import NewRecommendations
from app.records import Profile
from app.stats import StatusFigures
from ui.shell.window_core import WindowCore
from ui.support.timers import single_shot_timer

if TYPE_CHECKING:
    from app.stats import BoardStats
    from ui.shell.status_bar import BoardStatusBar

READ_DELAY_MS = 300


class FiguresWindow(WindowCore, Protocol):
    """What the figures need from the window."""

    stats: BoardStats
    status: BoardStatusBar

    @property
    def schema_changing(self) -> bool:
        """Whether a rollback runs (nothing may read the tables until it ends)."""
        ...


class FigureReader(QObject):
    """Reads the status bar's figures soon after being asked; `due_read` gets the current profile's due count."""

    def __init__(self, window: FiguresWindow, due_read: Callable[[int, Profile], None], parent: QObject) -> None:
        super().__init__(parent)
        self.window = window
        self._due_read = due_read
        self._timer = single_shot_timer(self, READ_DELAY_MS, self._read)

    def refresh(self) -> None:
        """Reread the figures soon (not while the database needs a migration or a rollback runs)."""
        if self.window.ctx.needs_migration or self.window.schema_changing:
            return
        self._timer.start()

    def stop(self) -> None:
        """Forget a reread asked for and not started."""
        self._timer.stop()

    @property
    def pending(self) -> bool:
        """Whether a reread is scheduled."""
        return self._timer.isActive()

    def _read(self) -> None:
        window = self.window
        if window.ctx.needs_migration or window.schema_changing:
            return
        profile = window.current_profile
        window.tasks.run(
            window.stats.figures,
            profile.id if profile else None,
            report=False,
            on_success=lambda figures: self._show_figures(figures, profile),
        )
        window.tasks.run(
            window.ctx.matching.recommendations.new_recommendations, report=False, on_success=self._show_new
        )
        if profile is not None:
            window.tasks.run(
                window.ctx.reminders.due_count,
                profile.id,
                report=False,
                on_success=lambda n: self._due_read(n, profile),
            )

    def _show_figures(self, figures: StatusFigures, profile: Profile | None) -> None:
        if profile is self.window.current_profile and not self.window.ctx.needs_migration:
            self.window.status.show_figures(figures, profile.name if profile else None)

    def _show_new(self, recommendations: Sequence[NewRecommendations]) -> None:
        if self.window.ctx.needs_migration:
            return
        current = self.window.current_profile
        self.window.status.show_new(recommendations, current.id if current else None)
