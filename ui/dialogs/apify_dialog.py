"""Jobs → Ingest from Apify…: pick a scraper, type a search, watch it run, see what reached the pool.

The dialog tells before Start whether the same search is fresh in the shared pool (then it is free and instant).
The search runs in the background through the TaskRunner with progress and Cancel (which aborts the Apify run);
the end shows the "Pool hit / Pool insert" summary and the board refreshes through the hub.
"""

from __future__ import annotations

import json
import threading
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.errors import InvalidInput, JobPoolError, MissingToken
from app.ingestion.apify_presets import DEFAULT_TEMPLATE, PRESETS, criteria_key, parse_template, resolve_actor
from app.ingestion.apify_search import SearchProbe, probe_search, run_search
from app.ingestion.live import SearchRequest
from app.records import IngestReport
from ui.dialogs.apify_run_view import (
    RUN_VIEW_STYLE,
    RunView,
    needs_settings,
    set_kind,
)
from ui.dialogs.settings_dialog import NOTE_STYLE, SettingsDialog, data_dir_of
from ui.support.events import ChangeSet
from ui.support.plain_text import plain
from ui.support.timers import single_shot_timer

if TYPE_CHECKING:
    from ui.dialogs.host import DialogHost

CUSTOM = ""  # combo data of the "Custom actor id…" entry
MAX_ITEMS_LIMIT = 100_000
PROBE_DELAY_MS = 250
STYLE = (
    NOTE_STYLE
    + RUN_VIEW_STYLE
    + """
QLabel#poolState { padding: 6px 8px; border-radius: 6px; background: #eceef2; color: #3b4350; }
QLabel#poolState[kind="fresh"] { background: #dff2e7; color: #1c6b45; }
QLabel#poolState[kind="warning"] { background: #fdf0df; color: #7f3a10; }
QLabel#templateState { color: #1c6b45; }
QLabel#templateState[kind="error"] { color: #b8454b; }
"""
)


class ApifyDialog(QDialog):
    """Run one Apify search for the current profile (prefilled when re-running a past search)."""

    search_finished = Signal(object)  # the IngestReport, or None when the search could not start or failed
    progress = Signal(object)  # IngestProgress, emitted from the worker thread

    def __init__(self, window: DialogHost, request: SearchRequest | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent or window.widget())
        self.window_ = window
        self.data_dir = data_dir_of(window)
        self.profile = window.current_profile
        self.report: IngestReport | None = None
        self.error: str | None = None
        self.probe: SearchProbe | None = None
        self.has_token: bool | None = None  # from the last pool check; a token only changes through Settings
        self.running = False
        self._closed = False
        self._cancel = threading.Event()
        self._last_progress: tuple[Any, ...] | None = None
        self._probe_serial = 0
        self.setWindowTitle("Ingest from Apify")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setMinimumWidth(600)
        self.setStyleSheet(STYLE)
        self._build()
        self.progress.connect(self._show_progress, Qt.ConnectionType.QueuedConnection)
        self._probe_timer = single_shot_timer(self, PROBE_DELAY_MS, self._probe)
        if request is not None:
            self.set_request(request)
        self._preset_changed()

    # -- building --------------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        heading = QLabel("Ingest from Apify")
        heading.setObjectName("dialogHeading")
        name = self.profile.name if self.profile else "the current profile"
        intro = QLabel(f"New jobs go into the shared pool and onto {name}’s board.")
        intro.setObjectName("fieldHint")
        plain(intro)
        layout.addWidget(heading)
        layout.addWidget(intro)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.preset_combo = QComboBox()
        for preset in PRESETS.values():
            self.preset_combo.addItem(preset.label, preset.key)
        self.preset_combo.addItem("Custom actor id…", CUSTOM)
        self.actor_hint = QLabel()
        self.actor_hint.setObjectName("fieldHint")
        preset_row = QHBoxLayout()
        preset_row.addWidget(self.preset_combo)
        preset_row.addWidget(self.actor_hint, 1)
        form.addRow("Scraper", preset_row)
        self.actor_edit = QLineEdit()
        self.actor_edit.setPlaceholderText("username/actor-name")
        form.addRow("Actor id", self.actor_edit)
        self.template_edit = QPlainTextEdit(json.dumps(DEFAULT_TEMPLATE, indent=2))
        self.template_edit.setAccessibleName("Actor input template (JSON)")
        self.template_edit.setFixedHeight(110)
        self.template_state = QLabel()
        self.template_state.setObjectName("templateState")
        self.template_state.setWordWrap(True)
        self.template_box = QWidget()
        template_layout = QVBoxLayout(self.template_box)
        template_layout.setContentsMargins(0, 0, 0, 0)
        template_layout.setSpacing(4)
        template_layout.addWidget(self.template_edit)
        template_layout.addWidget(self.template_state)
        form.addRow("Input (JSON)", self.template_box)
        self.query_edit = QLineEdit()
        self.query_edit.setPlaceholderText("Job title or keywords, e.g. python developer")
        form.addRow("Query", self.query_edit)
        self.location_edit = QLineEdit()
        self.location_edit.setPlaceholderText("City, region or country (optional)")
        form.addRow("Location", self.location_edit)
        self.max_spin = QSpinBox()
        self.max_spin.setRange(1, MAX_ITEMS_LIMIT)
        self.max_spin.setValue(100)
        self.max_spin.setGroupSeparatorShown(True)
        self.max_spin.setMaximumWidth(140)
        form.addRow("Max items", self.max_spin)
        self.force_check = QCheckBox("Scrape again even if the pool has this search")
        form.addRow("", self.force_check)
        self._form = form
        layout.addLayout(form)
        self.pool_state = QLabel("Type a query to see whether the pool already has this search.")
        self.pool_state.setObjectName("poolState")
        self.pool_state.setWordWrap(True)
        plain(self.actor_hint, self.template_state, self.pool_state)
        layout.addWidget(self.pool_state)
        self.run_view = RunView()
        self.run_view.layout_changed.connect(self._fit)
        layout.addWidget(self.run_view)
        # The parts tests and the history look at.
        self.phase_label, self.status_line = self.run_view.phase_label, self.run_view.status_line
        self.result_label, self.rejected_button = self.run_view.result_label, self.run_view.rejected_button
        self.buttons = QDialogButtonBox()
        self.settings_button = QPushButton("Settings…")
        self.settings_button.hide()
        self.buttons.addButton(self.settings_button, QDialogButtonBox.ButtonRole.ResetRole)
        self.close_button = QPushButton("Close")
        self.buttons.addButton(self.close_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.start_button = QPushButton("Start")
        self.start_button.setObjectName("primaryButton")
        self.start_button.setDefault(True)
        self.buttons.addButton(self.start_button, QDialogButtonBox.ButtonRole.AcceptRole)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.preset_combo.currentIndexChanged.connect(self._preset_changed)
        for edit in (self.actor_edit, self.query_edit, self.location_edit):
            edit.textChanged.connect(self._inputs_changed)
        self.template_edit.textChanged.connect(self._inputs_changed)
        self.max_spin.valueChanged.connect(self._inputs_changed)
        self.force_check.toggled.connect(self._inputs_changed)
        self.start_button.clicked.connect(self.start)
        self.close_button.clicked.connect(self.reject)
        self.settings_button.clicked.connect(self.open_settings)

    # -- the form --------------------------------------------------------------------------------------
    @property
    def is_custom(self) -> bool:
        """Whether "Custom actor id…" is chosen."""
        return self.preset_combo.currentData() == CUSTOM

    def set_request(self, request: SearchRequest) -> None:
        """Fill the form from a search (a re-run from the history)."""
        key = request.actor.strip().casefold()
        index = self.preset_combo.findData(key if key in PRESETS else CUSTOM)
        self.preset_combo.setCurrentIndex(index)
        if key not in PRESETS:
            self.actor_edit.setText(request.actor)
        if request.template is not None:
            template = request.template if isinstance(request.template, str) else json.dumps(request.template, indent=2)
            self.template_edit.setPlainText(template)
        self.query_edit.setText(request.query)
        self.location_edit.setText(request.location or "")
        self.max_spin.setValue(max(1, min(MAX_ITEMS_LIMIT, request.max_items)))

    def request(self) -> SearchRequest:
        """The search the form describes; raises InvalidInput with a readable message when it cannot run."""
        template: dict[str, Any] | None = None
        if self.is_custom:
            actor = self.actor_edit.text().strip()
            if not actor:
                raise InvalidInput("enter the Apify actor id, such as username/actor-name")
            resolve_actor(actor)
            template = parse_template(self.template_edit.toPlainText())
            if template == DEFAULT_TEMPLATE:
                template = None  # the same search as the CLI's `--actor ID`, so both share the pool
        else:
            actor = self.preset_combo.currentData()
        request = SearchRequest(
            actor, self.query_edit.text(), self.location_edit.text().strip() or None, self.max_spin.value(), template
        )
        criteria_key(request.actor, request.query, request.location, request.max_items, request.template)
        return request

    def _preset_changed(self) -> None:
        custom = self.is_custom
        for widget in (self.actor_edit, self.template_box):
            self._form.setRowVisible(widget, custom)
        key = self.preset_combo.currentData()
        self.actor_hint.setText("" if custom else f"runs {PRESETS[key].actor_id}")
        self._inputs_changed()
        self._fit()

    def _inputs_changed(self) -> None:
        if self.is_custom:
            self._show_template_state()
        self.probe = None
        self._probe_serial += 1
        self._update_buttons()
        try:
            self.request()
        except InvalidInput as exc:
            template_problem = self.is_custom and self.template_state.property("kind") == "error"
            self._set_pool_state("Fix the JSON input above." if template_problem else _sentence(exc.message), "")
            return
        self._set_pool_state("Checking the pool for this search…", "")
        self._probe_timer.start()

    def _show_template_state(self) -> None:
        try:
            parse_template(self.template_edit.toPlainText())
        except InvalidInput as exc:
            text, kind = "✗ " + _sentence(exc.message), "error"
        else:
            text, kind = "✓ Valid JSON. {query}, {location} and {max_items} are filled in for each search.", ""
        if text != self.template_state.text():
            self.template_state.setText(text)
            set_kind(self.template_state, kind)
            # A wrapped label inside a form row does not ask for its second line by itself.
            width = max(self.template_edit.width(), 300)
            self.template_state.setMinimumHeight(self.template_state.heightForWidth(width))
            self._fit()

    def _set_pool_state(self, text: str, kind: str) -> None:
        self.pool_state.setText(text)
        set_kind(self.pool_state, kind)

    def _probe(self) -> None:
        try:
            request = self.request()
        except InvalidInput:
            return
        serial = self._probe_serial
        self.window_.tasks.run(
            probe_search,
            self.window_.ctx.live,
            self.data_dir,
            request,
            report=False,
            on_success=lambda probe: self._probed(serial, probe),
            on_failure=lambda exc: self._probe_failed(serial, exc),
        )

    def _probed(self, serial: int, probe: SearchProbe) -> None:
        if serial != self._probe_serial or self.running or self._closed:
            return
        self.probe = probe
        self.has_token = probe.has_token
        hours = f"{probe.freshness_hours:g} h"
        if probe.fresh and not self.force_check.isChecked():
            self._set_pool_state(
                f"Fresh in the pool: this search ran within the last {hours}, so it is served "
                "from the pool at once, with no Apify call.",
                "fresh",
            )
        elif not probe.has_token:
            self._set_pool_state("No Apify token is set: enter one in Settings to run the scraper.", "warning")
        elif probe.fresh:
            self._set_pool_state(
                "Fresh in the pool, but you asked to scrape again: the Apify actor runs "
                "(billed to your Apify account).",
                "",
            )
        else:
            self._set_pool_state(
                f"Not in the pool from the last {hours}: the Apify actor runs (billed to your Apify account).", ""
            )
        self._update_buttons()

    def _probe_failed(self, serial: int, exc: JobPoolError) -> None:
        if serial == self._probe_serial and not self._closed:
            self._set_pool_state(f"Could not check the pool: {exc.message}", "warning")

    def _update_buttons(self) -> None:
        try:
            self.request()
            valid = True
        except InvalidInput:
            valid = False
        # Without a token only a search fresh in the pool can run: Start waits for a token (or that answer), and
        # the pool line is the one place that says so.
        needs_token = self.has_token is False and (
            self.force_check.isChecked() or self.probe is None or not self.probe.fresh
        )
        self.start_button.setEnabled(valid and not self.running and not needs_token)
        self.settings_button.setVisible(needs_token or needs_settings(self.error))

    # -- running ---------------------------------------------------------------------------------------
    def start(self) -> None:
        """Run the search in the background for the profile the window showed when the dialog opened."""
        if self.running or self.profile is None:
            return
        try:
            request = self.request()
        except InvalidInput as exc:
            self._show_failure(_sentence(exc.message))
            return
        self.running = True
        self.report, self.error = None, None
        self._cancel.clear()
        self._last_progress = None
        self._probe_timer.stop()
        self._set_inputs_enabled(False)
        self.run_view.begin()
        self.close_button.setText("Cancel")
        self._update_buttons()
        self.window_.tasks.run(
            run_search,
            self.window_.ctx.live,
            self.data_dir,
            self.profile.id,
            request,
            force=self.force_check.isChecked(),
            on_progress=self._forward_progress,
            should_cancel=self._cancel.is_set,
            report=False,
            changes=ChangeSet(board=True, pool=True, ingestion=True),
            on_success=self._finished,
            on_failure=lambda exc: self._failed(exc.message),
        )

    def _forward_progress(self, progress: Any) -> None:
        """Worker thread: pass progress on only when it changed (a fast poll loop repeats itself)."""
        key = (progress.phase, progress.done, progress.total, progress.message)
        if key != self._last_progress:
            self._last_progress = key
            self.progress.emit(progress)

    def cancel(self) -> None:
        """Ask the running search to stop; the Apify run is aborted and what arrived stays."""
        if self.running and not self._cancel.is_set():
            self._cancel.set()
            self.close_button.setEnabled(False)
            self.run_view.show_cancelling()

    def reject(self) -> None:
        """Close, or cancel first while a search runs (the dialog stays until it has stopped)."""
        if self.running:
            self.cancel()
            return
        super().reject()

    def done(self, result: int) -> None:
        """Close for good: answers still on their way from a pool check are dropped."""
        self._closed = True
        self._probe_timer.stop()
        super().done(result)

    def _set_inputs_enabled(self, enabled: bool) -> None:
        for widget in (
            self.preset_combo,
            self.actor_edit,
            self.template_edit,
            self.query_edit,
            self.location_edit,
            self.max_spin,
            self.force_check,
        ):
            widget.setEnabled(enabled)

    def _show_progress(self, progress: Any) -> None:
        if self.running:
            self.run_view.show_progress(progress)

    def _stopped(self) -> None:
        self.running = False
        self.run_view.end()
        self.close_button.setText("Close")
        self.close_button.setEnabled(True)
        self._set_inputs_enabled(True)
        self._inputs_changed()  # the pool may hold this search now: check again

    def _finished(self, report: IngestReport) -> None:
        self.report = report
        self.error = report.error if report.status != "succeeded" else None
        self._stopped()
        self.run_view.show_report(report)
        self._update_buttons()
        self.search_finished.emit(report)

    def _failed(self, message: str) -> None:
        self._stopped()
        if message == MissingToken().message:
            # Started before the pool check answered: the pool line says it (once), with Settings beside it.
            self.has_token = False
            self.error = message
            self._update_buttons()
        else:
            self._show_failure(message)
        self.search_finished.emit(None)

    def _show_failure(self, message: str) -> None:
        self.error = message
        self.run_view.show_result(message, "error")
        self._update_buttons()

    def _fit(self) -> None:
        """Keep the dialog as tall as its content (wrapped labels and shown/hidden rows change it)."""
        layout = self.layout()
        if layout is None:
            return
        layout.activate()
        width = self.width()
        needed = layout.heightForWidth(width) if layout.hasHeightForWidth() else layout.sizeHint().height()
        self.resize(width, max(needed, layout.minimumSize().height()))

    def open_settings(self) -> SettingsDialog:
        """Open Settings over this dialog; the pool and token state are checked again after a save."""
        dialog = SettingsDialog(self.window_, parent=self)
        dialog.saved.connect(lambda _state: self._settings_saved())
        self.settings_dialog = dialog
        dialog.open()
        return dialog

    def _settings_saved(self) -> None:
        self.has_token = None  # checked again with the pool
        if needs_settings(self.error):
            self.error = None
            self.run_view.hide_result()
        self._inputs_changed()


def _sentence(message: str) -> str:
    """A service message ("enter a search query…") as a sentence for a label."""
    text = message[:1].upper() + message[1:]
    return text if text.endswith((".", "!", "?", ")")) else text + "."
