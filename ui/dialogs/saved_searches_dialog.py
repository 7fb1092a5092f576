"""Jobs → Saved searches: the current profile's scheduled Apify searches; add, pause or resume, run now, remove.

The window runs due searches in the background (ui/shell/search_scheduler.py); this dialog only edits them and shows
each one's next run and last outcome, rereading after every ingestion.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import time
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTime, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from app.errors import JobPoolError
from app.ingestion.apify_presets import PRESETS
from app.searches.schedule import DAY_NAMES, Schedule
from app.searches.service import SavedSearchRecord
from ui.dialogs.host import require_profile
from ui.support.events import ChangeSet
from ui.support.plain_text import tooltip_text

if TYPE_CHECKING:
    from ui.dialogs.host import DialogHost

HEADERS = ("Query", "Location", "Actor", "Max", "Schedule", "Next run", "Last outcome")
COL_OUTCOME = HEADERS.index("Last outcome")
ID_ROLE = Qt.ItemDataRole.UserRole + 1
MAX_QUERY = 500


def next_run_text(search: SavedSearchRecord) -> str:
    """ "paused" or the local date and time of the next run."""
    return "paused" if search.paused else search.next_run_at.astimezone().strftime("%Y-%m-%d %H:%M")


class SavedSearchesDialog(QDialog):
    """The current profile's saved searches and a form to add one."""

    refreshed = Signal()

    def __init__(self, window: DialogHost, parent: QWidget | None = None) -> None:
        super().__init__(parent or window.widget())
        self.window_ = window
        self.profile = require_profile(window)
        self.searches: list[SavedSearchRecord] = []
        self._closed = False
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(f"Saved searches — {self.profile.name}")
        self.resize(1100, 560)
        layout = QVBoxLayout(self)
        heading = QLabel("Saved searches")
        heading.setObjectName("dialogHeading")
        layout.addWidget(heading)
        hint = QLabel(
            "Due searches run in the background while the window is open, or with “python main.py run-due” from cron "
            "or a systemd timer. "
            "Three failures in a row pause a search."
        )
        hint.setObjectName("fieldHint")
        hint.setTextFormat(Qt.TextFormat.PlainText)
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(list(HEADERS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_OUTCOME, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        self.empty_label = QLabel("No saved searches for this profile yet: add one below.")
        self.empty_label.setObjectName("fieldHint")
        layout.addWidget(self.empty_label)
        buttons = QHBoxLayout()
        self.pause_button = QPushButton("Pause")
        self.run_now_button = QPushButton("Run now")
        self.run_now_button.setToolTip("Make the search due now; the next background pass runs it")
        self.remove_button = QPushButton("Remove")
        buttons.addStretch(1)
        for button in (self.pause_button, self.run_now_button, self.remove_button):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        layout.addWidget(self._build_form())
        self.message = QLabel()
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        close_row = QHBoxLayout()
        close_row.addStretch(1)
        self.close_button = QPushButton("Close")
        close_row.addWidget(self.close_button)
        layout.addLayout(close_row)
        self.pause_button.clicked.connect(self.toggle_pause)
        self.run_now_button.clicked.connect(self.run_now)
        self.remove_button.clicked.connect(self.remove_selected)
        self.add_button.clicked.connect(self.add_search)
        self.close_button.clicked.connect(self.reject)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        window.hub.changed.connect(self._on_changes)
        self._update_buttons()
        self.refresh()

    def _build_form(self) -> QWidget:
        form_box = QWidget()
        form = QFormLayout(form_box)
        self.actor = QComboBox()
        self.actor.setEditable(True)
        for key, preset in PRESETS.items():
            self.actor.addItem(f"{preset.label} ({key})", key)
        self.query = QLineEdit()
        self.query.setMaxLength(MAX_QUERY)
        self.query.setPlaceholderText("python developer")
        self.location = QLineEdit()
        self.location.setMaxLength(MAX_QUERY)
        self.location.setPlaceholderText("Berlin (optional)")
        self.max_items = QSpinBox()
        self.max_items.setRange(1, 10_000)
        self.max_items.setValue(100)
        self.every_radio = QRadioButton("Every")
        self.every_hours = QSpinBox()
        self.every_hours.setRange(1, 24 * 30)
        self.every_hours.setValue(24)
        self.every_hours.setSuffix(" h")
        self.weekly_radio = QRadioButton("On")
        self.day_boxes = [QCheckBox(name.capitalize()) for name in DAY_NAMES]
        self.at_time = QTimeEdit(QTime(8, 0))
        self.at_time.setDisplayFormat("HH:mm")
        group = QButtonGroup(form_box)
        group.addButton(self.every_radio)
        group.addButton(self.weekly_radio)
        self.every_radio.setChecked(True)
        every_row = QHBoxLayout()
        every_row.addWidget(self.every_radio)
        every_row.addWidget(self.every_hours)
        every_row.addStretch(1)
        weekly_row = QHBoxLayout()
        weekly_row.addWidget(self.weekly_radio)
        for box in self.day_boxes:
            weekly_row.addWidget(box)
        weekly_row.addWidget(QLabel("at"))
        weekly_row.addWidget(self.at_time)
        weekly_row.addStretch(1)
        self.add_button = QPushButton("Add search")
        form.addRow("Actor", self.actor)
        form.addRow("Query", self.query)
        form.addRow("Location", self.location)
        form.addRow("Max items", self.max_items)
        form.addRow("Schedule", every_row)
        form.addRow("", weekly_row)
        form.addRow("", self.add_button)
        return form_box

    # -- reading -----------------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Reread the profile's searches in the background."""
        if self._closed:
            return
        self.window_.tasks.run(
            self.window_.ctx.searches.list,
            self.profile.id,
            report=False,
            on_success=self._loaded,
            on_failure=lambda exc: self._say(exc.message),
        )

    def _loaded(self, searches: list[SavedSearchRecord]) -> None:
        if self._closed:
            return
        selected = self.selected_id()
        self.searches = searches
        self.table.setRowCount(len(searches))
        for row, search in enumerate(searches):
            cells = (
                search.query,
                search.location or "",
                search.actor,
                str(search.max_items),
                search.schedule.text,
                next_run_text(search),
                search.outcome_text,
            )
            for column, value in enumerate(cells):
                item = QTableWidgetItem(value)  # plain text: queries and errors are shown as typed
                item.setData(ID_ROLE, search.id)
                if column == COL_OUTCOME or len(value) > 40:
                    item.setToolTip(tooltip_text(value))
                self.table.setItem(row, column, item)
            if search.id == selected:
                self.table.selectRow(row)
        self.empty_label.setVisible(not searches)
        self._update_buttons()
        self.refreshed.emit()

    def selected_id(self) -> uuid.UUID | None:
        """The id of the selected search, if any."""
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(ID_ROLE) if rows else None

    def selected(self) -> SavedSearchRecord | None:
        """The selected search, if any."""
        sid = self.selected_id()
        return next((s for s in self.searches if s.id == sid), None)

    def _update_buttons(self) -> None:
        search = self.selected()
        for button in (self.pause_button, self.run_now_button, self.remove_button):
            button.setEnabled(search is not None)
        self.pause_button.setText("Resume" if search is not None and search.paused else "Pause")
        self.run_now_button.setEnabled(search is not None and not search.paused)

    # -- changing ----------------------------------------------------------------------------------------
    def schedule(self) -> Schedule:
        """The schedule the form describes."""
        if self.every_radio.isChecked():
            return Schedule(self.every_hours.value())
        days = tuple(i for i, box in enumerate(self.day_boxes) if box.isChecked())
        at = self.at_time.time()
        return Schedule(days_of_week=days, at_time=time(at.hour(), at.minute()))

    def add_search(self) -> None:
        """Save the search the form describes for the profile (due at once)."""
        try:
            schedule = self.schedule()
        except JobPoolError as exc:
            self._say(exc.message)
            return
        self._change(
            self.window_.ctx.searches.add,
            self.profile.id,
            self.actor_key(),
            self.query.text(),
            self.location.text(),
            self.max_items.value(),
            schedule,
            done="Saved. It runs in the background when due (now), then on its schedule.",
        )

    def actor_key(self) -> str:
        """The chosen preset's key, or the actor id typed into the box."""
        index = self.actor.currentIndex()
        if index >= 0 and self.actor.currentText() == self.actor.itemText(index):
            return str(self.actor.itemData(index))
        return self.actor.currentText().strip()

    def toggle_pause(self) -> None:
        """Pause the selected search, or resume a paused one."""
        search = self.selected()
        if search is not None:
            self._change(self.window_.ctx.searches.set_paused, search.id, not search.paused, done=None)

    def run_now(self) -> None:
        """Make the selected search due now."""
        search = self.selected()
        if search is not None:
            self._change(self.window_.ctx.searches.make_due, search.id, done="Due now: it runs in the background.")

    def remove_selected(self) -> None:
        """Remove the selected search after asking (its past runs stay in the history)."""
        search = self.selected()
        if search is None:
            return
        question = f"Remove the saved search “{search.query}”? Its past runs stay in the ingestion history."
        if self.window_.prompts.confirm("Remove saved search", question, "Remove"):
            self._change(self.window_.ctx.searches.remove, search.id, done=None)

    def _change(self, fn: Callable[..., object], *args: object, done: str | None) -> None:
        def ok(_result: object) -> None:
            if done:
                self._say(done, error=False)
            self.refresh()

        self.window_.tasks.run(
            fn,
            *args,
            report=False,
            on_success=ok,
            on_failure=lambda exc: self._say(exc.message),
        )

    def _say(self, text: str, *, error: bool = True) -> None:
        if self._closed:
            return
        self.message.setText(text if not error else f"Not done: {text}")

    def _on_changes(self, changes: ChangeSet) -> None:
        if changes.ingestion:
            self.refresh()

    def done(self, result: int) -> None:
        """Close for good: drop reads still on their way."""
        self._closed = True
        super().done(result)
