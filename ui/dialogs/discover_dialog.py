"""Jobs → Discover…: pool jobs closest to the current profile's résumé that are not on its board; one click adds one.

The list comes from `ctx.matching.discovery.discover` (HNSW nearest neighbours) in the background; "＋ Add" in the first
column, or Add selected, puts jobs on the Recommended column through `ctx.matching.discovery.add_from_discover`.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
)

from app.errors import JobPoolError
from app.matching.records import DiscoverItem
from ui.dialogs.host import require_profile
from ui.support.chips import ChipList
from ui.support.events import ChangeSet
from ui.support.plain_text import plain, tooltip_text
from ui.support.record_table import RECORD_ROLE, Index, RecordTableModel

if TYPE_CHECKING:
    from ui.dialogs.host import DialogHost

COL_ADD, COL_SCORE, COL_TITLE, COL_COMPANY, COL_LOCATION, COL_MISSING = range(6)
HEADERS = ("", "Score", "Title", "Company", "Location", "Missing skills")
ADD_TEXT, ADDED_TEXT = "＋ Add", "✓ Added"
DEFAULT_LIMIT = 30


class DiscoverModel(RecordTableModel[DiscoverItem]):
    """Discover results; RECORD_ROLE gives the DiscoverItem of a row, added rows show "✓ Added"."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(HEADERS, parent)
        self.added: set[uuid.UUID] = set()

    def items_replaced(self) -> None:
        """A new search: nothing of it is added yet."""
        self.added = set()

    def mark_added(self, job_ids: set[uuid.UUID]) -> None:
        """Show these jobs as added to the board."""
        self.added |= job_ids
        for row, item in enumerate(self.items):
            if item.job_pool_id in job_ids:
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))

    def cell(self, item: DiscoverItem, column: int, role: int) -> Any:
        """Text, tooltip and colours of a cell."""
        added = item.job_pool_id in self.added
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(item, column, added)
        if role == Qt.ItemDataRole.ToolTipRole:
            have = ", ".join(item.have) or "none found"
            missing = ", ".join(item.missing) or "none"
            return tooltip_text(f"{item.title}\nSimilarity {item.similarity:.2f}\nYou have: {have}\nMissing: {missing}")
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == COL_ADD:
                return QColor("#1c6b45") if added else QColor("#3563d1")
            return QColor("#8a8f98") if added else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (COL_ADD, COL_SCORE):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    @staticmethod
    def _text(item: DiscoverItem, column: int, added: bool) -> str:
        if column == COL_ADD:
            return ADDED_TEXT if added else ADD_TEXT
        if column == COL_SCORE:
            return str(item.match_score)
        if column == COL_TITLE:
            return item.title
        if column == COL_COMPANY:
            return item.company or ""
        if column == COL_LOCATION:
            return item.location or ""
        return ", ".join(item.missing[:6]) + (" …" if len(item.missing) > 6 else "")


class DiscoverDialog(QDialog):
    """Lists the nearest unlinked pool jobs for the current profile and adds the chosen ones to its board."""

    results_loaded = Signal()
    jobs_added = Signal(int)

    def __init__(self, window: DialogHost) -> None:
        super().__init__(window.widget())
        profile = require_profile(window)
        self.main_window = window
        self.profile_id: uuid.UUID = profile.id
        self.profile_name = profile.name
        self.loading = False
        self.setWindowTitle(f"Discover — {profile.name}")
        self.resize(980, 620)
        self.model = DiscoverModel(self)
        self._build()
        self.refresh()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        heading = QLabel(f"Jobs in the pool that fit {self.profile_name}'s résumé and are not on the board yet")
        heading.setObjectName("dialogHeading")
        heading.setWordWrap(True)
        plain(heading)
        self.limit = QSpinBox()
        self.limit.setRange(5, 200)
        self.limit.setValue(DEFAULT_LIMIT)
        self.limit.setPrefix("Show ")
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.clicked.connect(self.refresh)
        self.resume_button = QPushButton("Edit résumé…")
        self.resume_button.clicked.connect(self.open_resume)
        top = QHBoxLayout()
        top.addWidget(self.limit)
        top.addWidget(self.refresh_button)
        top.addStretch(1)
        top.addWidget(self.resume_button)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_MISSING, QHeaderView.ResizeMode.Stretch)
        for column in (COL_ADD, COL_SCORE):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.clicked.connect(self._clicked)
        self.table.selectionModel().currentRowChanged.connect(lambda current, _old: self._show_gaps(current))
        self.have_chips = ChipList("#dff2e7", "#1c6b45")
        self.missing_chips = ChipList("#fbe9e0", "#8a3b1c")
        self.status_label = QLabel("")
        self.status_label.setWordWrap(True)
        plain(self.status_label)
        self.add_button = QPushButton("Add selected to board")
        self.add_button.clicked.connect(self.add_selected)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status_label, 1)
        bottom.addWidget(self.add_button)
        bottom.addWidget(close)
        layout.addWidget(heading)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.have_chips)
        layout.addWidget(self.missing_chips)
        layout.addLayout(bottom)

    def refresh(self) -> None:
        """Search the pool again (in the background)."""
        if self.loading:
            return
        self.loading = True
        self.refresh_button.setEnabled(False)
        self.status_label.setText("Searching the pool…")
        self.main_window.tasks.run(
            self.main_window.ctx.matching.discovery.discover,
            self.profile_id,
            self.limit.value(),
            report=False,
            on_success=self._loaded,
            on_failure=self._failed,
        )

    def _loaded(self, items: list[DiscoverItem]) -> None:
        self.loading = False
        self.refresh_button.setEnabled(True)
        self.model.set_items(items)
        self.resume_button.setVisible(False)
        if items:
            self.status_label.setText(f"{len(items)} jobs, best match first. Click ＋ Add to put one on the board.")
            self.table.selectRow(0)
        else:
            self.status_label.setText("Nothing new: every embedded pool job is on this board already.")
            self._show_gaps(QModelIndex())
        self.results_loaded.emit()

    def _failed(self, exc: JobPoolError) -> None:
        self.loading = False
        self.refresh_button.setEnabled(True)
        self.status_label.setText(exc.message)
        self.resume_button.setVisible(True)
        self.results_loaded.emit()

    def _show_gaps(self, index: Index) -> None:
        item = self.model.data(index, RECORD_ROLE) if index.isValid() else None
        self.have_chips.set_chips(list(item.have) if item else [])
        self.missing_chips.set_chips(list(item.missing) if item else [])

    def _clicked(self, index: QModelIndex) -> None:
        if index.column() == COL_ADD:
            self.add_rows([index.row()])

    def add_selected(self) -> None:
        """Add every selected job to the board."""
        self.add_rows(sorted({index.row() for index in self.table.selectionModel().selectedRows()}))

    def add_rows(self, rows: list[int]) -> None:
        """Add the jobs of these rows (those not added yet) to the Recommended column."""
        ids = [self.model.items[row].job_pool_id for row in rows if 0 <= row < len(self.model.items)]
        ids = [job_id for job_id in ids if job_id not in self.model.added]
        if not ids:
            return
        self.model.mark_added(set(ids))  # at once; undone below if the write fails
        self.main_window.tasks.run(
            self.main_window.ctx.matching.discovery.add_from_discover,
            self.profile_id,
            ids,
            ordered=True,
            changes=ChangeSet(board=True),
            report=False,
            on_success=lambda count: self._added(count),
            on_failure=lambda exc: self._add_failed(exc, set(ids)),
        )

    def _added(self, count: int) -> None:
        self.status_label.setText(f"Added {count} job{'s' if count != 1 else ''} to {self.profile_name}'s board.")
        self.jobs_added.emit(count)

    def _add_failed(self, exc: JobPoolError, ids: set[uuid.UUID]) -> None:
        self.model.added -= ids
        self.model.dataChanged.emit(self.model.index(0, 0), self.model.index(max(0, len(self.model.items) - 1), 0))
        self.status_label.setText(f"Could not add: {exc.message}")

    def open_resume(self) -> None:
        """Open the résumé editor; Discover searches again once it is saved."""
        dialog = self.main_window.open_dialog("resume")
        if dialog is not None and hasattr(dialog, "saved"):
            dialog.saved.connect(lambda _update: self.refresh())
