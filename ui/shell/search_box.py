"""The toolbar's search box: the board is filtered a moment after typing stops (at once on Enter); / and Ctrl+F put the
cursor there, Escape clears it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut

from ui.support.timers import single_shot_timer

if TYPE_CHECKING:
    from PySide6.QtWidgets import QLineEdit, QWidget

    from ui.board.board_view import BoardView
    from ui.board.controller import BoardController

SEARCH_DELAY_MS = 250


class SearchBox(QObject):
    """Filters the board by the search box's text; its shortcuts work anywhere in `window`."""

    def __init__(self, search: QLineEdit, controller: BoardController, board_view: BoardView, window: QWidget) -> None:
        super().__init__(window)
        self.search = search
        self._controller = controller
        self._board_view = board_view
        self.timer = single_shot_timer(self, SEARCH_DELAY_MS, self.apply)
        search.textChanged.connect(lambda _text: self.timer.start())
        search.returnPressed.connect(self.apply)
        for keys in ("/", "Ctrl+F"):
            QShortcut(QKeySequence(keys), window).activated.connect(self.focus)
        escape = QShortcut(QKeySequence("Escape"), search)
        escape.setContext(Qt.ShortcutContext.WidgetShortcut)
        escape.activated.connect(self.clear)

    def focus(self) -> None:
        """Put the cursor in the search box."""
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def clear(self) -> None:
        """Show every card again and go back to the board."""
        self.search.clear()
        self.apply()
        self._board_view.focus_column(self._board_view.active_status)

    def apply(self) -> None:
        """Filter the board by the search box now."""
        self.timer.stop()
        self._controller.set_search(self.search.text())
