"""The Stats view docked beside the board (Ctrl+Shift+S): follows the profile on screen and rereads after changes."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow

from app.insights.service import InsightsService
from app.records import Profile
from ui.support.events import Hub
from ui.support.tasks import TaskRunner
from ui.support.timers import single_shot_timer

if TYPE_CHECKING:
    from ui.stats.stats_view import StatsView

REREAD_DELAY_MS = 800  # a burst of moves rereads the figures once
# The view's modules (pyqtgraph: a third of a second) load in a thread this long after the window is made, so the
# first open of the Stats view does not hold the window while they load. Importing them off the GUI thread keeps
# it answering (numpy, which holds the GIL while it loads, is in by then: embedding and the duplicate check use it).
PRELOAD_DELAY_MS = 3000


def _load_view_modules() -> None:
    import ui.stats.stats_view  # noqa: F401


class StatsDock(QDockWidget):
    """A dock holding the Stats view; hidden until asked for, and the view made when first needed."""

    def __init__(
        self,
        window: QMainWindow,
        insights: InsightsService,
        tasks: TaskRunner,
        hub: Hub,
        current_profile: Callable[[], Profile | None],
        save_days: Callable[[int, int], None] | None = None,
    ) -> None:
        super().__init__("Stats", window)
        self.setObjectName("statsDock")
        self._window = window
        self._current_profile = current_profile
        self._insights = insights
        self._tasks = tasks
        self._save_days = save_days
        self._view: StatsView | None = None
        self.setAllowedAreas(Qt.DockWidgetArea.RightDockWidgetArea | Qt.DockWidgetArea.BottomDockWidgetArea)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self)
        self.hide()
        self._reread = single_shot_timer(self, REREAD_DELAY_MS, self._reload_if_shown)
        hub.profile_changed.connect(self._profile_changed)
        hub.changed.connect(lambda _changes: self._reread.start())
        self.visibilityChanged.connect(lambda shown: self._reload_if_shown() if shown else None)
        self._preload = single_shot_timer(self, PRELOAD_DELAY_MS, self._load_in_background)
        self._preload.start()

    def _load_in_background(self) -> None:
        if self._view is None:
            threading.Thread(target=_load_view_modules, name="jobpool-preload", daemon=True).start()

    @property
    def view(self) -> StatsView:
        """The Stats view, made on first use: its charts' library (pyqtgraph) loads then, not at start."""
        if self._view is None:
            from ui.stats.stats_view import StatsView

            self._view = StatsView(self._insights, self._tasks, self, save_days=self._save_days)
            self.setWidget(self._view)
        return self._view

    def _profile_changed(self, profile: Profile | None) -> None:
        if self._view is not None:  # a view not made yet reads the profile on screen when it is shown
            self._view.set_profile(profile)

    def _reload_if_shown(self) -> None:
        if self.isVisible():
            self.view.set_profile(self._current_profile())

    def toggle(self) -> None:
        """Show the Stats view beside the board (taking most of the width), or hide it."""
        if self.isVisible():
            self.hide()
            return
        self.view.set_profile(self._current_profile())  # the view is made before the dock shows: it opens whole
        self.show()
        self.raise_()
        self._window.resizeDocks([self], [int(self._window.width() * 0.6)], Qt.Orientation.Horizontal)
