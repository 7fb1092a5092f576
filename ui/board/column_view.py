"""A Kanban column: a header with the exact count over a QListView of painted cards that takes drops."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPoint, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QFocusEvent,
    QIcon,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.records import JobStatus
from ui.board.card_delegate import GAP_X, GAP_Y, CardDelegate
from ui.board.column_model import ColumnModel, decode_card_ids
from ui.board.dropped_links import dropped_link
from ui.support import theme

EMPTY_HINTS = {
    JobStatus.RECOMMENDED: "New jobs land here",
    JobStatus.APPLIED: "Drag a card here once you apply",
    JobStatus.INTERVIEWING: "Cards move here when you talk",
    JobStatus.OFFER: "Offers show up here",
    JobStatus.REJECTED: "Nothing here",
    JobStatus.ARCHIVED: "Delete archives a card",
}


EMPTY_PADDING = 8  # inside the dashed box around an empty column's text
WHOLE_COLUMN = -1  # the drop target of a column sorted by match score
SORTABLE_BY_SCORE = (JobStatus.RECOMMENDED,)  # where sorting by match helps choose what to look at next


class ColumnView(QListView):
    """The cards of one column; draws its own drop indicator and empty state, and reports focus and keys."""

    focused = Signal()
    neighbour_requested = Signal(int)  # -1 left, +1 right
    context_menu_requested = Signal(QPoint)  # global position
    blank_clicked = Signal()  # a press on no card: the selection is cleared
    link_dropped = Signal(str)  # a posting address dropped from a browser: add that job to this column

    def __init__(self, model: ColumnModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.column_model = model
        self.setModel(model)
        self.setItemDelegate(CardDelegate(self))
        self.setUniformItemSizes(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setDropIndicatorShown(False)
        self.setMouseTracking(True)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalScrollBar().setSingleStep(24)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setObjectName("columnView")
        self.setAccessibleName(f"{model.title} column")
        self.empty_text = "Loading…"
        self.empty_hint = ""
        self._drop_row: int | None = None
        model.modelReset.connect(self.viewport().update)

    # -- drop position ---------------------------------------------------------------------------------
    def drop_row_at(self, pos: QPoint) -> int:
        """The row a drop at this viewport position inserts at (the loaded row count means after the last)."""
        count = self.model().rowCount()
        if count == 0:
            return 0
        index = self.indexAt(pos)
        if not index.isValid():
            for dy in (-GAP_Y * 2, GAP_Y * 2):
                index = self.indexAt(pos + QPoint(0, dy))
                if index.isValid():
                    break
        if index.isValid():
            rect = self.visualRect(index)
            return index.row() + (1 if pos.y() > rect.center().y() else 0)
        first = self.visualRect(self.model().index(0, 0))
        return 0 if pos.y() < first.top() else count

    def _indicator_y(self, row: int) -> float:
        count = self.model().rowCount()
        if count == 0:
            return 6.0
        if row < count:
            return self.visualRect(self.model().index(row, 0)).top() + GAP_Y / 2
        return self.visualRect(self.model().index(count - 1, 0)).bottom() - GAP_Y / 2 + 1

    # -- drag and drop ---------------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        """Take our cards; show where they would land."""
        self._track_drop(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        """Follow the pointer with the indicator (Qt's handler keeps auto-scrolling near the edges)."""
        super().dragMoveEvent(event)
        self._track_drop(event)

    def _track_drop(self, event: QDragEnterEvent | QDragMoveEvent) -> None:
        ids = decode_card_ids(event.mimeData())
        model = self.column_model
        if not ids and dropped_link(event.mimeData()) is not None:
            # A link from a browser: the whole column takes it (the new card goes on top), so no line is drawn.
            self._drop_row = WHOLE_COLUMN
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
            self.viewport().update()
            return
        if not ids or (model.sorted_by_score and all(model.row_of(i) >= 0 for i in ids)):
            # Nothing of ours, or a reorder inside a column sorted by match: there is no place to drop it.
            event.ignore()
            self._drop_row = None
            self.viewport().update()
            return
        # A column sorted by match takes the cards as a whole (they land by score): no line, just the tint.
        self._drop_row = WHOLE_COLUMN if model.sorted_by_score else self.drop_row_at(event.position().toPoint())
        event.setDropAction(Qt.DropAction.MoveAction)
        event.accept()
        self.viewport().update()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        """Hide the indicator."""
        super().dragLeaveEvent(event)
        self._drop_row = None
        self.viewport().update()

    def dropEvent(self, event: QDropEvent) -> None:
        """Hand the drop to the model, which asks the board to move the cards; Qt itself moves nothing."""
        self._drop_row = None
        self.viewport().update()
        mime = event.mimeData()
        if not decode_card_ids(mime):
            link = dropped_link(mime)
            if link is None:
                event.ignore()
                return
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
            self.link_dropped.emit(link)
            return
        row = self.drop_row_at(event.position().toPoint())
        self.model().dropMimeData(mime, Qt.DropAction.MoveAction, row, 0, QModelIndex())
        event.setDropAction(Qt.DropAction.MoveAction)
        event.accept()

    # -- painting --------------------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        """Cards, then the drop indicator or the empty-column text."""
        if self._drop_row is not None:
            tint = QPainter(self.viewport())
            tint.fillRect(self.viewport().rect(), QColor(theme.COLUMN_DROP))
            tint.end()
        super().paintEvent(event)
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self.model().rowCount() == 0:
            self._paint_empty(painter)
        if self._drop_row is not None and self._drop_row != WHOLE_COLUMN:
            y = self._indicator_y(self._drop_row)
            painter.setPen(QPen(QColor(theme.ACCENT), 2.5, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            painter.drawLine(QPointF(GAP_X + 4, y), QPointF(self.viewport().width() - GAP_X - 4, y))
            painter.setBrush(QColor(theme.ACCENT))
            painter.drawEllipse(QPointF(GAP_X + 4, y), 3.5, 3.5)
        painter.end()

    def empty_state(self) -> tuple[QRectF, str, Qt.AlignmentFlag]:
        """Where the empty-column text goes, the text and its flags: wrapped, in a box as tall as it needs."""
        text = self.empty_text + (f"\n{self.empty_hint}" if self.empty_hint else "")
        flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
        area = QRectF(self.viewport().rect()).adjusted(GAP_X, 10, -GAP_X, 0)
        inner = area.adjusted(EMPTY_PADDING, 0, -EMPTY_PADDING, 0).toRect()
        needed = self.fontMetrics().boundingRect(inner, int(flags), text).height()
        area.setHeight(max(64, needed + 2 * EMPTY_PADDING))
        return area, text, flags

    def _paint_empty(self, painter: QPainter) -> None:
        area, text, flags = self.empty_state()
        painter.setPen(QPen(QColor(theme.CARD_HOVER_BORDER), 1.2, Qt.PenStyle.DashLine))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(area, 8, 8)
        painter.setPen(QColor(theme.TEXT_MUTED))
        painter.drawText(area.adjusted(EMPTY_PADDING, 0, -EMPTY_PADDING, 0), int(flags), text)

    # -- keys and focus --------------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Left / Right step to the neighbouring column; the rest is the list's own navigation."""
        plain = event.modifiers() in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
        if plain and event.key() in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            self.neighbour_requested.emit(-1 if event.key() == Qt.Key.Key_Left else 1)
            event.accept()
            return
        super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """A press below the cards clears the selection and tells the board that no card is current."""
        super().mousePressEvent(event)
        if not self.indexAt(event.position().toPoint()).isValid():
            self.selectionModel().clearSelection()
            self.blank_clicked.emit()

    def focusInEvent(self, event: QFocusEvent) -> None:
        """Tell the board this column is the active one."""
        super().focusInEvent(event)
        self.focused.emit()

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        """Select the card under the pointer (unless it is part of the selection), then ask for the menu."""
        index = self.indexAt(event.pos())
        if index.isValid() and not self.selectionModel().isSelected(index):
            self.setCurrentIndex(index)
        self.context_menu_requested.emit(event.globalPos())


class ColumnWidget(QFrame):
    """Header (status colour, title, exact count) above the column's card list."""

    def __init__(self, model: ColumnModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("column")
        self.model = model
        self.min_width = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 10, 0, 0)
        layout.setSpacing(6)
        header = QHBoxLayout()
        header.setContentsMargins(GAP_X + 2, 0, GAP_X + 2, 0)
        header.setSpacing(4)
        dot = QLabel()
        dot.setFixedSize(9, 9)
        dot.setStyleSheet(f"background: {theme.STATUS_COLORS[model.status]}; border-radius: 4px;")
        self.title_label = QLabel(model.title)
        self.title_label.setObjectName("columnTitle")
        self.count_label = QLabel("0")
        self.count_label.setObjectName("columnCount")
        header.addWidget(dot)
        header.addWidget(self.title_label)
        header.addStretch(1)
        self.sort_button: QToolButton | None = None
        if model.status in SORTABLE_BY_SCORE:
            self.sort_button = QToolButton()
            self.sort_button.setObjectName("columnSort")
            self.sort_button.setText("Best match first")
            sort_icon = theme.icon("sort-score")
            sort_icon.addFile(
                str(theme.RESOURCES / "icons" / "sort-score-light.svg"), QSize(), QIcon.Mode.Normal, QIcon.State.On
            )
            self.sort_button.setIcon(sort_icon)
            self.sort_button.setIconSize(QSize(14, 14))
            self.sort_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
            self.sort_button.setCheckable(True)
            self.sort_button.setCursor(Qt.CursorShape.PointingHandCursor)
            self.sort_button.setToolTip(
                "Show this column best match first (unscored cards last). Off: your own order, set by dragging."
            )
            self.sort_button.setAccessibleName(f"Sort {model.title} by match score")
            header.addWidget(self.sort_button)
        header.addWidget(self.count_label)
        layout.addLayout(header)
        self.view = ColumnView(model, self)
        self.view.empty_hint = EMPTY_HINTS[model.status]
        layout.addWidget(self.view, 1)
        model.total_changed.connect(self._show_count)
        self._show_count(model.total)

    def minimumSizeHint(self) -> QSize:
        """At least min_width, and never narrower than the header (title, sort button, count) so none of it is cut."""
        hint = super().minimumSizeHint()
        return QSize(max(hint.width(), self.min_width), hint.height())

    def sizeHint(self) -> QSize:
        """As wide as the minimum: the board shares the rest out evenly (a list's own wide hint would skew it)."""
        hint = super().sizeHint()
        return QSize(self.minimumSizeHint().width(), hint.height())

    def _show_count(self, total: int) -> None:
        self.count_label.setText(f"{total:,}")
        self.setAccessibleName(f"{self.model.title}, {total} cards")
