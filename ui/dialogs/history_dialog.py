"""Jobs → Ingestion history: every ingestion run, newest first, and Re-run for a past search.

The table reads `ctx.history.runs()` in the background and rereads after every ingestion (a hub change-set with
`ingestion=True`), and every few seconds while a run is still running (another window or instance may own it).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.ingestion.apify_presets import PRESETS
from app.ingestion.history import RunRecord
from app.ingestion.live import SearchRequest
from ui.support.events import ChangeSet
from ui.support.plain_text import tooltip_text
from ui.support.timers import single_shot_timer

if TYPE_CHECKING:
    from ui.dialogs.apify_dialog import ApifyDialog
    from ui.dialogs.host import DialogHost

HISTORY_LIMIT = 500
RUNNING_REFRESH_MS = 3000
RECORD_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
Index = QModelIndex | QPersistentModelIndex
STATUS_COLORS = {"failed": "#b8454b", "cancelled": "#7f5410", "running": "#3563d1"}
POOL_TOOLTIP = "Served from the pool: the same search ran recently, so Apify was not called."

(
    COL_STARTED,
    COL_PROFILE,
    COL_SOURCE,
    COL_CRITERIA,
    COL_STATUS,
    COL_FETCHED,
    COL_POOL_HITS,
    COL_POOL_INSERTS,
    COL_LINKS,
    COL_DURATION,
    COL_FROM_POOL,
) = range(11)
HEADERS = (
    "Started",
    "Profile",
    "Source",
    "Criteria",
    "Status",
    "Fetched",
    "Pool hits",
    "Pool inserts",
    "Links created",
    "Duration",
    "From pool",
)
NUMERIC = frozenset({COL_FETCHED, COL_POOL_HITS, COL_POOL_INSERTS, COL_LINKS, COL_DURATION})


def source_text(record: RunRecord) -> str:
    """ "Apify · LinkedIn", "Pool ← LinkedIn", "File · jobspy-csv"."""
    kind, _, detail = record.source.partition(":")
    preset_key = str(record.criteria.get("preset") or detail or record.criteria.get("actor") or "")
    actor = PRESETS[preset_key].label if preset_key in PRESETS else preset_key
    if kind == "apify":
        return f"Apify · {actor}" if actor else "Apify"
    if kind == "pool":
        return f"Pool ← {actor}" if actor else "Pool"
    if kind == "file":
        return f"File · {detail}" if detail else "File"
    return record.source


def duration_text(seconds: float | None) -> str:
    """ "0.4 s", "12 s", "3 min 05 s"; empty while running."""
    if seconds is None:
        return ""
    if seconds < 10:
        return f"{seconds:.1f} s"
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s"


def started_text(moment: datetime) -> str:
    """Local date and time to the minute."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


class HistoryModel(QAbstractTableModel):
    """Ingestion runs, newest first; RECORD_ROLE gives the RunRecord, SORT_ROLE a sortable value."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.records: list[RunRecord] = []

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        """Rows: one per run (a table has no children)."""
        return 0 if parent.isValid() else len(self.records)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        """The fixed columns of HEADERS."""
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Column titles."""
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(HEADERS):
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Text, alignment, colour, tooltips and the backing record of a cell."""
        if not index.isValid() or not 0 <= index.row() < len(self.records):
            return None
        record, column = self.records[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(record, column)
        if role == RECORD_ROLE:
            return record
        if role == SORT_ROLE:
            return self._sort_value(record, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(record, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and (column in NUMERIC or column == COL_FROM_POOL):
            horizontal = Qt.AlignmentFlag.AlignCenter if column == COL_FROM_POOL else Qt.AlignmentFlag.AlignRight
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and column == COL_STATUS and record.status in STATUS_COLORS:
            return QColor(STATUS_COLORS[record.status])
        return None

    @staticmethod
    def _text(record: RunRecord, column: int) -> str:
        texts = {
            COL_STARTED: lambda: started_text(record.started_at),
            COL_PROFILE: lambda: record.profile or "—",
            COL_SOURCE: lambda: source_text(record),
            COL_CRITERIA: lambda: record.criteria_text,
            COL_STATUS: lambda: record.status.capitalize(),
            COL_FETCHED: lambda: f"{record.fetched:,}",
            COL_POOL_HITS: lambda: f"{record.pool_hits:,}",
            COL_POOL_INSERTS: lambda: f"{record.pool_inserts:,}",
            COL_LINKS: lambda: f"{record.links_created:,}",
            COL_DURATION: lambda: duration_text(record.seconds),
            COL_FROM_POOL: lambda: "✓" if record.served_from_pool else "",
        }
        return texts[column]()

    @staticmethod
    def _sort_value(record: RunRecord, column: int) -> Any:
        values = {
            COL_STARTED: record.started_at.timestamp(),
            COL_FETCHED: record.fetched,
            COL_POOL_HITS: record.pool_hits,
            COL_POOL_INSERTS: record.pool_inserts,
            COL_LINKS: record.links_created,
            COL_DURATION: record.seconds if record.seconds is not None else -1.0,
            COL_FROM_POOL: int(record.served_from_pool),
        }
        return values.get(column, HistoryModel._text(record, column).casefold())

    @staticmethod
    def _tooltip(record: RunRecord, column: int) -> str | None:
        if record.error:
            return tooltip_text(record.error)  # errors and searches quote what the user or a scraper typed
        if column == COL_CRITERIA:
            return tooltip_text(record.criteria_text) or None
        if column == COL_FROM_POOL and record.served_from_pool:
            return POOL_TOOLTIP
        if column == COL_FETCHED and record.rejected:
            return f"{record.rejected:,} items were rejected (no title or company, or malformed)"
        if column == COL_LINKS and record.links_existing:
            return f"{record.links_existing:,} were already on the board"
        return None

    def record(self, row: int) -> RunRecord:
        """The run shown in a row."""
        return self.records[row]

    def set_records(self, records: list[RunRecord]) -> None:
        """Show fresh runs: new ones are inserted at the top and changed rows updated, without a reset."""
        old_ids = [r.id for r in self.records]
        new_ids = [r.id for r in records]
        added = len(new_ids) - len(old_ids)
        if added < 0 or new_ids[added:] != old_ids:
            self.beginResetModel()
            self.records = list(records)
            self.endResetModel()
            return
        if added:
            self.beginInsertRows(QModelIndex(), 0, added - 1)
            self.records[:0] = records[:added]
            self.endInsertRows()
        for row in range(added, len(records)):
            if records[row] != self.records[row]:
                self.records[row] = records[row]
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))

    @property
    def has_running(self) -> bool:
        """Whether a run is still in progress (the table then rereads itself now and then)."""
        return any(r.status == "running" for r in self.records)


class HistoryDialog(QDialog):
    """The ingestion log with Re-run."""

    refreshed = Signal()

    def __init__(self, window: DialogHost, parent: QWidget | None = None) -> None:
        super().__init__(parent or window.widget())
        self.window_ = window
        self.setWindowTitle("Ingestion history")
        self.resize(1320, 520)
        self.rerun_dialog: ApifyDialog | None = None
        self._loading = False
        self._again = False
        self._closed = False
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        layout = QVBoxLayout(self)
        heading = QLabel("Ingestion history")
        heading.setObjectName("dialogHeading")
        layout.addWidget(heading)
        self.model = HistoryModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COL_STARTED, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_CRITERIA, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        self.empty_label = QLabel(
            "No ingestion yet: import a dataset file or run a search from Jobs → Ingest from Apify…."
        )
        self.empty_label.setObjectName("fieldHint")
        layout.addWidget(self.empty_label)
        row = QHBoxLayout()
        self.only_profile = QCheckBox("Only the current profile")
        self.only_profile.setEnabled(window.current_profile is not None)
        self.rerun_button = QPushButton("Re-run…")
        self.rerun_button.setToolTip("Open the search in Ingest from Apify for the current profile")
        self.refresh_button = QPushButton("Refresh")
        self.close_button = QPushButton("Close")
        row.addWidget(self.only_profile)
        row.addStretch(1)
        for button in (self.refresh_button, self.rerun_button, self.close_button):
            row.addWidget(button)
        layout.addLayout(row)
        self.only_profile.toggled.connect(lambda _on: self.refresh())
        self.rerun_button.clicked.connect(self.rerun_selected)
        self.refresh_button.clicked.connect(self.refresh)
        self.close_button.clicked.connect(self.reject)
        self.table.doubleClicked.connect(lambda _index: self.rerun_selected())
        self.table.selectionModel().selectionChanged.connect(lambda *_args: self._update_buttons())
        window.hub.changed.connect(self._on_changes)
        window.hub.profile_changed.connect(self._profile_changed)
        self._running_timer = single_shot_timer(self, RUNNING_REFRESH_MS, self.refresh)
        self._update_buttons()
        self.refresh()

    def refresh(self) -> None:
        """Reread the runs in the background (one read at a time; a request during a read rereads after it)."""
        if self._closed:
            return
        if self._loading:
            self._again = True
            return
        self._loading = True
        profile = self.window_.current_profile
        profile_id: uuid.UUID | None = profile.id if profile and self.only_profile.isChecked() else None
        self.window_.tasks.run(
            self.window_.ctx.history.runs,
            HISTORY_LIMIT,
            profile_id,
            report=False,
            on_success=self._loaded,
            on_failure=lambda exc: self._load_failed(exc.message),
        )

    def done(self, result: int) -> None:
        """Close for good: stop rereading, and drop a read still on its way."""
        self._closed = True
        self._running_timer.stop()
        super().done(result)

    def _loaded(self, records: list[RunRecord]) -> None:
        self._loading = False
        if self._closed:
            return
        self.model.set_records(records)
        self.empty_label.setVisible(not records)
        self._update_buttons()
        if self._again:
            self._again = False
            self.refresh()
            return
        if self.model.has_running:
            self._running_timer.start()
        self.refreshed.emit()

    def _load_failed(self, message: str) -> None:
        self._loading = False
        if self._closed:
            return
        self.empty_label.setText(f"Could not read the history: {message}")
        self.empty_label.show()

    def _on_changes(self, changes: ChangeSet) -> None:
        if changes.ingestion:
            self.refresh()

    def _profile_changed(self, _profile: object) -> None:
        self.only_profile.setEnabled(self.window_.current_profile is not None)
        if self.only_profile.isChecked():
            self.refresh()

    def selected_record(self) -> RunRecord | None:
        """The run of the selected row, if any."""
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(RECORD_ROLE) if rows else None

    def select_row(self, row: int) -> None:
        """Select a row of the table (as sorted on screen)."""
        self.table.selectRow(row)

    def _update_buttons(self) -> None:
        record = self.selected_record()
        can_rerun = record is not None and record.is_search and self.window_.current_profile is not None
        self.rerun_button.setEnabled(can_rerun)
        if record is not None and not record.is_search:
            self.rerun_button.setToolTip("Only scraper searches can be run again; import the file again instead")
        else:
            self.rerun_button.setToolTip("Open the search in Ingest from Apify for the current profile")

    def rerun_selected(self) -> ApifyDialog | None:
        """Open Ingest from Apify prefilled with the selected search, for the current profile."""
        record = self.selected_record()
        if record is None or not record.is_search or self.window_.current_profile is None:
            return None
        from ui.dialogs.apify_dialog import ApifyDialog

        dialog = ApifyDialog(self.window_, SearchRequest.from_criteria(record.criteria), parent=self)
        self.rerun_dialog = dialog
        dialog.open()
        return dialog
