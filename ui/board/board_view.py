"""The board widget: six columns side by side, one selection across them, keyboard moves and the context menu."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QMenu, QScrollArea, QWidget

from app.board import ORDER_POSITION, ORDER_SCORE
from app.cards import VIA_KEYBOARD, VIA_MENU
from app.records import STATUSES, BoardCard, JobStatus, status_label
from ui.board.column_model import CARD_ROLE
from ui.board.column_view import ColumnView, ColumnWidget
from ui.board.controller import MAX_RELOAD_ROWS, BoardController
from ui.support.links import open_external

COLUMN_MIN_WIDTH = 136  # six of them and the detail pane fit in 1280 pixels


class BoardView(QScrollArea):
    """Columns in board order; Ctrl+1..6 sends the selection to a column, Delete archives, Ctrl+Up/Down reorders."""

    current_card_changed = Signal(object)  # BoardCard | None
    open_card_requested = Signal(object)  # BoardCard: Enter on a card
    link_dropped = Signal(str, object)  # (posting address, JobStatus of the column it was dropped on)

    def __init__(self, controller: BoardController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setObjectName("board")
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        inner = QWidget()
        inner.setObjectName("boardInner")
        layout = QHBoxLayout(inner)
        layout.setContentsMargins(8, 10, 8, 10)
        layout.setSpacing(6)
        self.columns: dict[JobStatus, ColumnWidget] = {}
        for status in STATUSES:
            column = ColumnWidget(controller.models[status], inner)
            column.min_width = COLUMN_MIN_WIDTH
            layout.addWidget(column, 1)
            self.columns[status] = column
            self._wire(column.view)
            if column.sort_button is not None:
                column.sort_button.toggled.connect(
                    lambda on, status=status: self.controller.set_order(status, ORDER_SCORE if on else ORDER_POSITION)
                )
        self.setWidget(inner)
        self.active_status = STATUSES[0]
        self._clearing = False
        self._moving_by_key = False
        self._current: BoardCard | None = None
        self._seeking: BoardCard | None = None  # the current card, in a page of its column not read yet
        self._to_top = False
        self.actions_by_name: dict[str, QAction] = {}
        self._make_actions()
        controller.loaded.connect(self._after_load)
        for model in controller.models.values():
            # Queued: rows arrive inside the model's insert signals, before it takes another fetch.
            model.rowsInserted.connect(lambda *_: QTimer.singleShot(0, self._page_arrived))
        controller.cards_moved.connect(self._after_move)

    # -- wiring ----------------------------------------------------------------------------------------
    def _wire(self, view: ColumnView) -> None:
        status = view.column_model.status
        view.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed(status))
        view.selectionModel().currentChanged.connect(lambda current, _previous: self._current_changed(status, current))
        view.focused.connect(lambda: self._set_active(status))
        view.blank_clicked.connect(self.clear_current)
        view.link_dropped.connect(lambda link: self.link_dropped.emit(link, status))
        view.neighbour_requested.connect(lambda step: self._step_column(status, step))
        view.context_menu_requested.connect(self.show_context_menu)
        view.doubleClicked.connect(lambda index: self._open(index))
        view.activated.connect(lambda index: self._open(index))

    def _action(
        self, name: str, text: str, shortcut: QKeySequence | QKeySequence.StandardKey | str, slot: Callable[[], object]
    ) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        self.actions_by_name[name] = action
        return action

    def _make_actions(self) -> None:
        for number, status in enumerate(STATUSES, start=1):
            self._action(
                f"send_{status.value}",
                f"Move to {status_label(status)}",
                f"Ctrl+{number}",
                functools.partial(self.send_selection_to, status),
            )
            self._action(
                f"focus_{status.value}",
                f"Go to {status_label(status)}",
                f"Alt+{number}",
                functools.partial(self.focus_column, status),
            )
        self._action("archive", "Archive", QKeySequence.StandardKey.Delete, self.archive_selection)
        self._action("move_up", "Move up in column", "Ctrl+Up", lambda: self.shift_selection(-1))
        self._action("move_down", "Move down in column", "Ctrl+Down", lambda: self.shift_selection(1))

    # -- selection -------------------------------------------------------------------------------------
    def view(self, status: JobStatus) -> ColumnView:
        """The list view of a column."""
        return self.columns[JobStatus(status)].view

    def _set_active(self, status: JobStatus) -> None:
        self.active_status = status

    def _selection_changed(self, status: JobStatus) -> None:
        if self._clearing:
            return
        view = self.view(status)
        if not view.selectionModel().hasSelection():
            return
        self.active_status = status
        self._forget_others(status)

    def _forget_others(self, status: JobStatus | None) -> None:
        """Clear the selection and current index of every column but `status`: the board has one current card.

        A column that kept its own current index would not report a click on that same card again (Qt only signals
        a change of current), so the detail pane would stay on another column's card.
        """
        self._clearing = True
        try:
            for other, column in self.columns.items():
                if other != status:
                    selection = column.view.selectionModel()
                    selection.clearSelection()
                    selection.clearCurrentIndex()
        finally:
            self._clearing = False

    def _current_changed(self, status: JobStatus, current: QModelIndex) -> None:
        if self._clearing or not current.isValid():
            return
        card = current.data(CARD_ROLE)
        if isinstance(card, BoardCard):
            self.active_status = status
            self._forget_others(status)
            self._current = card
            self.current_card_changed.emit(card)

    def clear_current(self) -> None:
        """Nothing selected anywhere (a click on the empty part of a column): the detail pane shows no card."""
        self._forget_others(None)
        if self._current is not None:
            self._current = None
            self.current_card_changed.emit(None)

    @property
    def current_card(self) -> BoardCard | None:
        """The card the detail pane shows."""
        return self._current

    def current_status(self) -> JobStatus | None:
        """The column that holds the current card (None when no card is current)."""
        card = self._current
        if card is None:
            return None
        return next(
            (status for status, column in self.columns.items() if column.model.row_of(card.user_job_id) >= 0), None
        )

    def selected_cards(self) -> list[BoardCard]:
        """Selected cards of the current card's column, top to bottom (the current card alone if none is selected).

        Every action works on these, so it never reaches a card other than the one the detail pane shows.
        """
        current, status = self._current, self.current_status()
        if current is None or status is None:
            return []
        view = self.view(status)
        rows = sorted(index.row() for index in view.selectionModel().selectedIndexes())
        cards = [view.column_model.card_at(row) for row in rows]
        chosen = [card for card in cards if card is not None]
        if not chosen:
            card = view.column_model.card_at(view.column_model.row_of(current.user_job_id))
            chosen = [card] if card else []
        self.active_status = status
        return chosen

    def select_cards(self, status: JobStatus, ids: list[uuid.UUID]) -> None:
        """Select these cards in a column and make the first one current."""
        view = self.view(status)
        model = view.column_model
        rows = [row for row in (model.row_of(i) for i in ids) if row >= 0]
        if not rows:
            return
        selection = view.selectionModel()
        first = model.index(rows[0], 0)
        selection.setCurrentIndex(first, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        for row in rows[1:]:
            selection.select(model.index(row, 0), QItemSelectionModel.SelectionFlag.Select)
        view.scrollTo(first)
        self.active_status = JobStatus(status)

    def focus_column(self, status: JobStatus) -> None:
        """Put the keyboard in a column, on its current card or its first one."""
        view = self.view(status)
        view.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.active_status = JobStatus(status)
        if not view.currentIndex().isValid() and view.column_model.rowCount() > 0:
            view.setCurrentIndex(view.column_model.index(0, 0))
        self.ensureWidgetVisible(self.columns[JobStatus(status)])

    def _step_column(self, status: JobStatus, step: int) -> None:
        index = STATUSES.index(status) + step
        if 0 <= index < len(STATUSES):
            self.focus_column(STATUSES[index])

    # -- moves -----------------------------------------------------------------------------------------
    def send_selection_to(self, status: JobStatus, via: str = VIA_KEYBOARD) -> bool:
        """Move the selected cards to the top of a column; the next card of the source column becomes current."""
        cards = self.selected_cards()
        if not cards:
            return False
        source = self.active_status
        view = self.view(source)
        row = min(view.column_model.row_of(card.user_job_id) for card in cards)
        self._moving_by_key = True
        try:
            moved = self.controller.move([card.user_job_id for card in cards], status, via=via)
        finally:
            self._moving_by_key = False
        if moved and JobStatus(status) == source:
            self.select_cards(source, [card.user_job_id for card in cards])
        elif moved:
            follow = view.column_model.card_at(min(row, view.column_model.rowCount() - 1))
            if follow is not None:
                self.select_cards(source, [follow.user_job_id])
            view.setFocus()
        return moved

    def archive_selection(self) -> bool:
        """Delete key: archive the selected cards."""
        return self.send_selection_to(JobStatus.ARCHIVED)

    def shift_selection(self, step: int) -> bool:
        """Move the selected cards one place up (-1) or down (+1) inside their column."""
        cards = self.selected_cards()
        if not cards:
            return False
        model = self.view(self.active_status).column_model
        rows = sorted(model.row_of(card.user_job_id) for card in cards)
        target = rows[0] - 1 if step < 0 else rows[-1] + 2
        if target < 0 or (target > model.rowCount() and not model.fully_loaded):
            return False
        moved = self.controller.move([card.user_job_id for card in cards], model.status, row=target, via=VIA_KEYBOARD)
        if moved:
            self.select_cards(model.status, [card.user_job_id for card in cards])
        return moved

    def _after_move(self, ids: list[uuid.UUID], status: JobStatus) -> None:
        # A dragged card stays selected where it landed; a keyboard move hands the selection to the next card.
        if not self._moving_by_key:
            self.select_cards(status, ids)

    def start_over(self) -> None:
        """Another board is coming (a profile switch): no current card, and every column starts at its top."""
        self._seeking = None
        self._to_top = True
        if self._current is not None:
            self._current = None
            self.current_card_changed.emit(None)

    def reveal(self, card: BoardCard) -> None:
        """Make a card the current one (the detail pane shows it) and select it, now or once its column has it."""
        self._forget_others(card.status)
        self._current = card
        self.current_card_changed.emit(card)
        if not self._reselect(card):
            self._seek(card)

    def _after_load(self) -> None:
        if self._to_top:
            self._to_top = False
            for column in self.columns.values():
                column.view.scrollToTop()
        self._seeking = None
        current = self._current
        if current is None:
            return
        if not self._reselect(current) and not self._seek(current):
            self._current = None
            self.current_card_changed.emit(None)

    def _reselect(self, current: BoardCard) -> bool:
        """Select the current card again after its column was reread; False when it is not among the loaded rows."""
        card = self.controller.find(current.user_job_id)
        if card is None:
            return False
        self._clearing = True
        try:
            self.select_cards(card.status, [card.user_job_id])
        finally:
            self._clearing = False
        self._current = card
        return True

    def _seek(self, current: BoardCard) -> bool:
        """Read further pages of the card's column until it shows up (a search cleared, say, below the first page)."""
        model = self.controller.models[current.status]
        if model.rowCount() >= MAX_RELOAD_ROWS or model.fully_loaded:
            return False
        self._seeking = current
        if not model.loading:
            model.fetchMore(QModelIndex())
        return True

    def _page_arrived(self) -> None:
        current, self._seeking = self._seeking, None
        if current is None or self._current is None or current.user_job_id != self._current.user_job_id:
            return  # not seeking, or the user chose another card meanwhile
        if not self._reselect(current) and not self._seek(current):
            self._current = None
            self.current_card_changed.emit(None)

    # -- menus -----------------------------------------------------------------------------------------
    def context_menu(self) -> QMenu:
        """Move to, Open posting, Copy link, Archive — for the selected cards."""
        cards = self.selected_cards()
        menu = QMenu(self)
        move_to = menu.addMenu("Move to")
        for number, status in enumerate(STATUSES, start=1):
            action = move_to.addAction(status_label(status))
            action.triggered.connect(lambda _checked=False, s=status: self.send_selection_to(s, VIA_MENU))
            action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.setEnabled(bool(cards) and any(card.status != status for card in cards))
        move_to.setEnabled(bool(cards))
        url = cards[0].url if len(cards) == 1 else None
        menu.addAction("Open posting", lambda *_: open_external(url, self)).setEnabled(bool(url))
        menu.addAction("Copy link", lambda *_: QGuiApplication.clipboard().setText(url or "")).setEnabled(bool(url))
        menu.addSeparator()
        archive = menu.addAction("Archive", lambda *_: self.archive_selection())
        archive.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        archive.setEnabled(bool(cards) and any(card.status != JobStatus.ARCHIVED for card in cards))
        return menu

    def show_context_menu(self, global_pos: QPoint) -> None:
        """Pop the card menu up at a screen position."""
        self.context_menu().popup(global_pos)

    def _open(self, index: QModelIndex) -> None:
        card = index.data(CARD_ROLE)
        if isinstance(card, BoardCard):
            self.open_card_requested.emit(card)
