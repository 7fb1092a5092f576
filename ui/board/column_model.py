"""One Kanban column as a list model over plain BoardCard records, paged with canFetchMore / fetchMore."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractListModel, QByteArray, QMimeData, QModelIndex, QPersistentModelIndex, Qt, Signal

from app.records import BoardCard, ColumnPage, JobStatus, status_label
from ui.support.plain_text import tooltip_text

MIME_TYPE = "application/x-jobpool-card"
CARD_ROLE = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex


def encode_card_ids(ids: Sequence[uuid.UUID], source: JobStatus | None = None) -> QMimeData:
    """Mime data carrying card (user_job) ids, never row numbers."""
    mime = QMimeData()
    payload = {"user_job_ids": [str(i) for i in ids], "source_status": source.value if source else None}
    mime.setData(MIME_TYPE, QByteArray(json.dumps(payload).encode("utf-8")))
    return mime


def decode_card_ids(mime: QMimeData | None) -> list[uuid.UUID]:
    """The card ids in a drag, or [] when the data is not ours or is damaged."""
    if mime is None or not mime.hasFormat(MIME_TYPE):
        return []
    try:
        payload = json.loads(bytes(mime.data(MIME_TYPE).data()).decode("utf-8"))
        return [uuid.UUID(value) for value in payload["user_job_ids"]]
    except (ValueError, KeyError, TypeError):
        return []


class ColumnModel(QAbstractListModel):
    """Cards of one status in board order; asks for the next page when the view scrolls near the end.

    The model never reorders itself on a drop: dropMimeData emits move_requested and the board applies the move
    (optimistically, then through the service), so Qt's own row moving and removing stay out of the way.
    """

    fetch_requested = Signal(object, int)  # (status, offset of the page wanted)
    move_requested = Signal(list, object, int)  # (card ids, target status, row to insert at; -1 = the end)
    total_changed = Signal(int)

    def __init__(self, status: JobStatus, parent: Any = None) -> None:
        super().__init__(parent)
        self.status = JobStatus(status)
        self._cards: list[BoardCard] = []
        self._rows: dict[uuid.UUID, int] | None = {}
        self._total = 0
        self._loading = False
        self._stale_pages = 0
        self.sorted_by_score = False  # best match first: drops land by score, not where they were let go

    # -- reading -------------------------------------------------------------------------------------------
    @property
    def title(self) -> str:
        """The column title."""
        return status_label(self.status)

    @property
    def total(self) -> int:
        """Exact number of cards in the column (loaded or not)."""
        return self._total

    @property
    def cards(self) -> list[BoardCard]:
        """The loaded cards, in order (a copy)."""
        return list(self._cards)

    @property
    def fully_loaded(self) -> bool:
        """Whether every card of the column is loaded."""
        return len(self._cards) >= self._total

    @property
    def loading(self) -> bool:
        """Whether a page has been asked for and not yet delivered."""
        return self._loading

    def card_at(self, row: int) -> BoardCard | None:
        """The card in a row, or None outside the loaded rows."""
        return self._cards[row] if 0 <= row < len(self._cards) else None

    def row_of(self, user_job_id: uuid.UUID) -> int:
        """The row of a card, or -1 when it is not loaded here."""
        if self._rows is None:
            self._rows = {card.user_job_id: row for row, card in enumerate(self._cards)}
        return self._rows.get(user_job_id, -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        """Loaded rows (a list model has no children)."""
        return 0 if parent.isValid() else len(self._cards)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Title for display and accessibility, a tooltip, and the BoardCard itself under CARD_ROLE."""
        if not index.isValid() or index.row() >= len(self._cards):
            return None
        card = self._cards[index.row()]
        if role == CARD_ROLE:
            return card
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return card.title
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [card.title, " · ".join(x for x in (card.company, card.location) if x)]
            if card.match_score is not None:
                best = f" with the résumé “{card.best_resume}”" if card.best_resume else ""
                lines.append(f"Match score {card.match_score}{best}")
            return tooltip_text("\n".join(line for line in lines if line))
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        """Cards drag; the column (not a card) takes drops, so a drop lands between cards."""
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled

    # -- paging --------------------------------------------------------------------------------------------
    def canFetchMore(self, parent: Index) -> bool:
        """More rows exist in the database and no page is on its way."""
        return not parent.isValid() and not self._loading and len(self._cards) < self._total

    def fetchMore(self, parent: Index) -> None:
        """Ask (through fetch_requested) for the page after the loaded rows; rows arrive in append_page."""
        if not self.canFetchMore(parent):
            return
        self._loading = True
        self.fetch_requested.emit(self.status, len(self._cards))

    def append_page(self, page: ColumnPage) -> None:
        """Add a fetched page, skipping cards already here (a move may have shifted the offsets)."""
        fresh = [card for card in page.cards if self.row_of(card.user_job_id) < 0]
        if fresh:
            first = len(self._cards)
            self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
            self._cards.extend(fresh)
            self._rows = None
            self.endInsertRows()
            self._stale_pages = 0
        elif page.cards:
            self._stale_pages += 1
        if self._stale_pages >= 2:
            # Pages keep repeating what we have: the order changed under us. Stop here; a reload fixes it.
            self._set_total(len(self._cards))
        else:
            self._set_total(max(page.total, len(self._cards)))
        self._loading = False  # only now: views may ask for the next page from inside the insert signals

    def fetch_failed(self) -> None:
        """A page could not be read; allow a later fetch."""
        self._loading = False

    def set_cards(self, cards: Sequence[BoardCard], total: int) -> None:
        """Replace the whole content (a reload, a search, a profile switch)."""
        self.beginResetModel()
        self._cards = list(cards)
        self._rows = None
        self._loading = False
        self._stale_pages = 0
        self.endResetModel()
        self._set_total(max(total, len(self._cards)))

    def _set_total(self, total: int) -> None:
        if total != self._total:
            self._total = total
            self.total_changed.emit(total)

    # -- editing, for the board's optimistic moves ---------------------------------------------------------
    def take(self, ids: Iterable[uuid.UUID]) -> list[tuple[int, BoardCard]]:
        """Remove these cards where loaded; returns (row, card) pairs in ascending row order for a later undo."""
        rows = sorted(r for r in (self.row_of(i) for i in ids) if r >= 0)
        taken = [(row, self._cards[row]) for row in rows]
        for row in reversed(rows):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._cards[row]
            self._rows = None
            self.endRemoveRows()
        return taken

    def put(self, row: int, cards: Sequence[BoardCard]) -> None:
        """Insert cards at a row (clamped to the loaded rows)."""
        if not cards:
            return
        row = max(0, min(row, len(self._cards)))
        self.beginInsertRows(QModelIndex(), row, row + len(cards) - 1)
        self._cards[row:row] = list(cards)
        self._rows = None
        self.endInsertRows()

    def put_back(self, taken: Sequence[tuple[int, BoardCard]]) -> None:
        """Undo take(): every card back in its old row."""
        for row, card in taken:
            self.put(row, [card])

    def adjust_total(self, delta: int) -> None:
        """Cards arrived or left without being loaded here."""
        self._set_total(max(len(self._cards), self._total + delta))

    def replace(self, card: BoardCard) -> bool:
        """Swap in a newer version of a loaded card; False when it is not here."""
        row = self.row_of(card.user_job_id)
        if row < 0:
            return False
        self._cards[row] = card
        index = self.index(row)
        self.dataChanged.emit(index, index)
        return True

    def removeRows(self, row: int, count: int, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        """Refuse: after a drag the board, not Qt, decides what leaves a column."""
        return False

    # -- drag and drop -------------------------------------------------------------------------------------
    def supportedDropActions(self) -> Qt.DropAction:
        """Cards move; they are never copied."""
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        """Cards move; they are never copied."""
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        """The one type a column accepts."""
        return [MIME_TYPE]

    def mimeData(self, indexes: Sequence[Index]) -> QMimeData:
        """The dragged cards' ids, in row order."""
        rows = sorted({i.row() for i in indexes if i.isValid() and i.row() < len(self._cards)})
        return encode_card_ids([self._cards[r].user_job_id for r in rows], self.status)

    def canDropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index) -> bool:
        """Accept our card ids dropped between cards of this column."""
        return action == Qt.DropAction.MoveAction and bool(decode_card_ids(data)) and column <= 0

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index) -> bool:
        """Ask the board to move the cards to `row` of this column; return False so Qt removes nothing itself."""
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        if parent.isValid():
            row = parent.row()
        if row < 0 or row > len(self._cards):
            row = -1
        self.move_requested.emit(decode_card_ids(data), self.status, row)
        return False
