"""Jobs → Upcoming interviews…: the current profile's interviews from now on, soonest first, and .ics export.

The list comes from `ctx.details.upcoming_interviews` in the background and is read again when a card changes
(a change-set from the detail pane's interview section, for instance). Export writes all of them, or the selected
ones, as one iCalendar file (`app/calendar_export.py`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from app.calendar_export import write_interviews_calendar
from app.card_details import InterviewRecord
from ui.dialogs.host import require_profile
from ui.support.events import ChangeSet
from ui.support.plain_text import plain, tooltip_text
from ui.support.record_table import RecordTableModel

if TYPE_CHECKING:
    from ui.dialogs.host import DialogHost

COL_WHEN, COL_KIND, COL_WITH, COL_TITLE, COL_COMPANY = range(5)
HEADERS = ("When", "Kind", "With", "Job", "Company")


def when_text(interview: InterviewRecord) -> str:
    """The interview's moment in this machine's local time."""
    local = interview.at.astimezone()
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M}"


class UpcomingModel(RecordTableModel[InterviewRecord]):
    """Upcoming interviews; RECORD_ROLE gives the InterviewRecord of a row."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(HEADERS, parent)

    def cell(self, item: InterviewRecord, column: int, role: int) -> Any:
        """Cell text (plain: the view shows it as typed), notes as a tooltip."""
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip_text(item.notes) or None
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if column == COL_WHEN:
            return when_text(item)
        if column == COL_KIND:
            return item.kind or ""
        if column == COL_WITH:
            return item.with_whom or ""
        if column == COL_TITLE:
            return item.title
        if column == COL_COMPANY:
            return item.company or ""
        return None


class UpcomingDialog(QDialog):
    """The profile's upcoming interviews, with export of all or the selected ones to an .ics file."""

    def __init__(self, host: DialogHost) -> None:
        super().__init__(host.widget())
        self.host = host
        self.profile = require_profile(host)
        self.setWindowTitle("Upcoming interviews")
        self.resize(760, 420)
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        plain(self.summary)
        layout.addWidget(self.summary)
        self.model = UpcomingModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)
        self.view.horizontalHeader().setSectionResizeMode(COL_WHEN, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.view, 1)
        buttons = QHBoxLayout()
        self.export_selected_button = QPushButton("Export selected…")
        self.export_selected_button.clicked.connect(self.export_selected)
        self.export_all_button = QPushButton("Export all to calendar…")
        self.export_all_button.clicked.connect(self.export_all)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        buttons.addWidget(self.export_selected_button)
        buttons.addWidget(self.export_all_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        host.hub.changed.connect(self._on_changes)
        self.loading = True
        self.reload()

    def reload(self) -> None:
        """Read the profile's upcoming interviews again."""
        self.host.tasks.run(self.host.ctx.details.upcoming_interviews, self.profile.id, on_success=self._apply)

    def _apply(self, items: list[InterviewRecord]) -> None:
        self.model.set_items(items)
        self.summary.setText(
            f"{len(items)} upcoming interview{'s' if len(items) != 1 else ''} for {self.profile.name}"
            if items
            else f"No upcoming interviews for {self.profile.name}. Add one in a card's detail pane."
        )
        self.export_all_button.setEnabled(bool(items))
        self.export_selected_button.setEnabled(bool(items))
        self.loading = False

    def _on_changes(self, changes: ChangeSet) -> None:
        if changes.cards or changes.board or changes.profiles:
            self.reload()

    def selected(self) -> list[InterviewRecord]:
        """The interviews of the selected rows, in list order."""
        rows = sorted({index.row() for index in self.view.selectionModel().selectedRows()})
        return [self.model.items[row] for row in rows]

    def export_selected(self) -> None:
        """Write the selected interviews to an .ics file."""
        self._export(self.selected())

    def export_all(self) -> None:
        """Write every upcoming interview to an .ics file."""
        self._export(list(self.model.items))

    def _export(self, items: list[InterviewRecord]) -> None:
        if not items:
            self.host.report("Select an interview first.", "info")
            return
        path = self.host.prompts.ics_target("interviews.ics")
        if not path:
            return
        self.host.tasks.run(
            write_interviews_calendar,
            items,
            path,
            on_success=lambda n: self.host.report(f"Exported {n} interview(s) to {path}.", "info"),
        )
