"""A read-only table model over a list of records: rows, column titles, and the record of a row under RECORD_ROLE.

A dialog's model subclasses it with its column titles and says in `cell` what each cell shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

RECORD_ROLE = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex
T = TypeVar("T")


class RecordTableModel(QAbstractTableModel, Generic[T]):
    """Rows of records under fixed column titles; RECORD_ROLE gives a row's record."""

    def __init__(self, headers: Sequence[str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.headers = tuple(headers)
        self.items: list[T] = []

    def set_items(self, items: Sequence[T]) -> None:
        """Replace the list."""
        self.beginResetModel()
        self.items = list(items)
        self.items_replaced()
        self.endResetModel()

    def items_replaced(self) -> None:
        """Called inside the reset that replaces the list: a subclass clears what it kept about the old rows."""

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        """Rows of the list (a table has no children)."""
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        """One column a title."""
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Column titles."""
        horizontal = orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
        return self.headers[section] if horizontal and 0 <= section < len(self.headers) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """The record under RECORD_ROLE; anything else as `cell` says."""
        if not index.isValid() or not 0 <= index.row() < len(self.items):
            return None
        item = self.items[index.row()]
        if role == RECORD_ROLE:
            return item
        return self.cell(item, index.column(), role)

    def cell(self, item: T, column: int, role: int) -> Any:
        """What a cell of `item` shows for `role` (None: nothing)."""
        raise NotImplementedError
