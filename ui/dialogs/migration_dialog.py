"""Database → Migrate to shared pool…: the preview, a backup choice, Migrate with progress, the verification
report, and Roll back. Every service call runs through the window's TaskRunner, never on the GUI thread."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
)

from app.errors import JobPoolError
from app.migration.records import (
    STATE_LEGACY,
    STATE_MIGRATED,
    MigrationPreview,
    MigrationProgress,
    MigrationReport,
    RollbackReport,
    VerificationReport,
)
from app.migration.service import MigrationService
from app.records import counted, status_label
from ui.support.events import ChangeSet
from ui.support.plain_text import plain

if TYPE_CHECKING:
    from ui.dialogs.host import DialogHost

MAX_ROWS = 500
ROLLBACK_QUESTION = (
    "Roll back to the v1 schema? Every legacy job comes back with its id and values, cards added or changed since "
    "the migration are carried back, and the shared-pool tables are removed.\n\n"
    "What the v1 schema cannot hold is lost from the database (it stays in the backup if that box is ticked): "
    "profile résumés, the ingestion history, the order of cards inside each column, and, for postings imported "
    "after the migration, their skills and their apply page address when it differs from the posting's."
)


class _ProgressRelay(QObject):
    """Lives in the GUI thread; progress emitted by the worker arrives here queued."""

    progress = Signal(object)


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _fill(table: QTableWidget, rows: list[list[Any]]) -> None:
    table.setRowCount(0)
    table.setRowCount(min(len(rows), MAX_ROWS))
    for r, row in enumerate(rows[:MAX_ROWS]):
        for c, value in enumerate(row):
            table.setItem(r, c, QTableWidgetItem("" if value is None else str(value)))


def _quoted(value: str | None) -> str:
    return "(none)" if value is None else f"“{value}”"


class MigrationDialog(QDialog):
    """Preview, back up, migrate, verify and roll back the window's database."""

    migrated = Signal(object)  # MigrationReport
    rolled_back = Signal(object)  # RollbackReport
    step = Signal(object)  # MigrationProgress, as shown

    def __init__(self, window: DialogHost) -> None:
        super().__init__(window.widget())
        self._window = window
        self._service = MigrationService(window.ctx.database)
        self.preview_result: MigrationPreview | None = None
        self.report: MigrationReport | None = None
        self.rollback_report: RollbackReport | None = None
        self.verification: VerificationReport | None = None
        self.busy = False
        self._actionable = True
        self.setWindowTitle("Migrate to shared pool")
        self.setMinimumSize(780, 580)
        self._build()
        self._relay = _ProgressRelay(self)
        self._relay.progress.connect(self._show_progress, Qt.ConnectionType.QueuedConnection)
        self.reload()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        heading = QLabel("Migrate to shared pool")
        heading.setObjectName("dialogHeading")
        self.summary = QLabel("Reading the database…")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.tabs = QTabWidget()
        self.status_table = _table(["Status in v1", "Rows", "Column", "Mapping"])
        self.merge_table = _table(["Profile", "Job", "Statuses in v1", "Card's status", "Notes kept"])
        self.profile_table = _table(["Profile", "Name in v1", "Legacy jobs", "Cards"])
        self.checks_table = _table(["Check", "Result"])
        for table, title in (
            (self.status_table, "Statuses"),
            (self.merge_table, "Merges"),
            (self.profile_table, "Profiles"),
            (self.checks_table, "Verification"),
        ):
            self.tabs.addTab(table, title)
        self.backup_box = QCheckBox("Back up the database first (pg_dump; recommended)")
        self.backup_box.setChecked(True)
        self.backup_label = QLabel(f"Backups go to {self._service.default_backup_dir}")
        self.backup_label.setObjectName("fieldHint")
        self.backup_label.setWordWrap(True)
        self.backup_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.backup_box.toggled.connect(lambda on: self.backup_label.setEnabled(on))
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.phase_label = QLabel()
        self.phase_label.setObjectName("phaseLabel")
        self.phase_label.setWordWrap(True)  # the result lines are long sentences with a backup path
        self.phase_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label = QLabel()
        self.error_label.setObjectName("formError")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        # v1 status values, profile names, paths and errors are shown as they are
        plain(self.summary, self.backup_label, self.phase_label, self.error_label)
        self.migrate_button = QPushButton("Migrate")
        self.migrate_button.setObjectName("primaryButton")
        self.verify_button = QPushButton("Verify again")
        self.rollback_button = QPushButton("Roll back…")
        self.close_button = QPushButton("Close")
        self.migrate_button.clicked.connect(self.start_migration)
        self.verify_button.clicked.connect(self.start_verification)
        self.rollback_button.clicked.connect(self.start_rollback)
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.rollback_button)
        buttons.addWidget(self.verify_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.migrate_button)
        for widget in (
            heading,
            self.summary,
            self.tabs,
            self.backup_box,
            self.backup_label,
            self.progress,
            self.phase_label,
            self.error_label,
        ):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        self._set_buttons(None)

    # -- state -----------------------------------------------------------------------------------------
    def _set_buttons(self, state: str | None) -> None:
        idle = not self.busy
        self.migrate_button.setEnabled(idle and state == STATE_LEGACY)
        self.backup_box.setEnabled(idle and state in (STATE_LEGACY, STATE_MIGRATED))
        self.rollback_button.setEnabled(idle and state == STATE_MIGRATED)
        self.verify_button.setEnabled(idle and state == STATE_MIGRATED)
        self.close_button.setEnabled(idle)

    def _begin(self, message: str) -> None:
        self.busy = True
        self.error_label.hide()
        self.progress.show()
        self.progress.setRange(0, 0)
        self.phase_label.setText(message)
        self._set_buttons(None)

    def _end(self) -> None:
        self.busy = False
        self.progress.setRange(0, 1)
        self.progress.setValue(1)

    def reload(self) -> None:
        """Read the database again: the preview of a v1 database, the verification of a migrated one."""
        self._set_buttons(None)
        self._window.tasks.run(
            self._service.preview, on_success=self._show_preview, on_failure=self._failed, report=False
        )

    def _show_preview(self, preview: MigrationPreview) -> None:
        self.preview_result = preview
        self.summary.setText(self._preview_text(preview))
        _fill(
            self.status_table,
            [
                [
                    _quoted(s.value),
                    s.rows,
                    status_label(s.maps_to),
                    "known value" if s.known else "no mapping: original text kept on the card",
                ]
                for s in preview.statuses
            ],
        )
        _fill(
            self.merge_table,
            [
                [
                    m.profile,
                    f"{m.title} · {m.company or '—'}",
                    ", ".join(_quoted(s) for s in m.statuses),
                    status_label(m.status),
                    m.notes_kept,
                ]
                for m in preview.merges
            ],
        )
        _fill(
            self.profile_table,
            [[p.name, _quoted(p.legacy_name) if p.renamed else "", p.legacy_rows, p.cards] for p in preview.profiles],
        )
        self._set_buttons(preview.state)
        self._show_parts(preview.state)
        if preview.state == STATE_MIGRATED:
            self.start_verification()

    def _show_parts(self, state: str) -> None:
        """Only what the state has: no tables, backup or actions when there is nothing to migrate or roll back."""
        actionable = self._actionable = state in (STATE_LEGACY, STATE_MIGRATED)
        for widget in (
            self.backup_box,
            self.backup_label,
            self.migrate_button,
            self.verify_button,
            self.rollback_button,
        ):
            widget.setVisible(actionable)
        self.close_button.setDefault(not actionable)
        self._show_tabs()

    def _show_tabs(self) -> None:
        """A tab is shown when its table has rows: an empty list of merges says nothing."""
        shown = None
        for index in range(self.tabs.count()):
            table = self.tabs.widget(index)
            has_rows = isinstance(table, QTableWidget) and table.rowCount() > 0
            self.tabs.setTabVisible(index, has_rows)
            if has_rows and shown is None:
                shown = index
        current = self.tabs.currentIndex()
        if shown is not None and not self.tabs.isTabVisible(current):
            self.tabs.setCurrentIndex(shown)
        self.tabs.setVisible(shown is not None and self._actionable)

    @staticmethod
    def _preview_text(preview: MigrationPreview) -> str:
        if preview.state != STATE_LEGACY:
            return preview.message
        unmapped = ", ".join(_quoted(s.value) for s in preview.unmapped) or "none"
        merge = "merges" if preview.merged_rows == 1 else "merge"
        return (
            f"{counted(preview.legacy_rows, 'legacy job')} of {counted(len(preview.profiles), 'profile')} become "
            f"{counted(preview.pool_jobs, 'pool job')} and {counted(preview.links, 'card')}. "
            f"{counted(preview.merged_rows, 'row')} {merge} into another card of the "
            "same profile (the later status in board order wins; every note is kept). "
            f"Status values with no mapping (their cards go to Recommended and show the original text): {unmapped}. "
            "Nothing has been written yet; the old table is kept as job_legacy."
        )

    def _show_progress(self, step: MigrationProgress) -> None:
        if not self.busy:
            return
        self.progress.setRange(0, step.total)
        self.progress.setValue(step.done)
        self.phase_label.setText(step.message)
        self.step.emit(step)

    def _failed(self, error: JobPoolError) -> None:
        self._end()
        self.progress.hide()
        self.phase_label.clear()
        self.error_label.setText(error.message)
        self.error_label.show()
        self._set_buttons(self.preview_result.state if self.preview_result else None)

    # -- actions ---------------------------------------------------------------------------------------
    def start_migration(self) -> None:
        """Back up (if ticked) and migrate in the background."""
        if self.busy:
            return
        self._begin("Starting the migration…")
        self._window.tasks.run(
            self._service.migrate,
            backup=self.backup_box.isChecked(),
            on_progress=self._relay.progress.emit,
            ordered=True,
            report=False,
            changes=ChangeSet(board=True, profiles=True, pool=True),
            on_success=self._migrated,
            on_failure=self._failed,
        )

    def _migrated(self, report: MigrationReport) -> None:
        self._end()
        self.report = report
        self.phase_label.setText(report.message)
        if report.already_migrated:
            self.backup_label.setText("The database was migrated already; nothing was changed.")
        elif report.backup_path is not None:
            self.backup_label.setText(f"Backup saved to {report.backup_path}")
        else:
            self.backup_label.setText("No backup was taken.")
        if report.verification is not None:
            self._show_verification(report.verification)
        self.preview_result = MigrationPreview(state=STATE_MIGRATED)
        self.summary.setText(report.message)
        self._set_buttons(STATE_MIGRATED)
        self._window.refresh_profiles()
        self._window.refresh_board()
        if not report.already_migrated:
            self._window.bring_matching_up_to_date()  # migrated jobs get their vectors, as after an import
        self.migrated.emit(report)

    def start_verification(self) -> None:
        """Check the migrated database again."""
        self._window.tasks.run(
            self._service.verify, on_success=self._show_verification, on_failure=self._failed, report=False
        )

    def _show_verification(self, verification: VerificationReport) -> None:
        self.verification = verification
        rows = [[check.name, "ok" if check.ok else f"FAILED: {check.detail}"] for check in verification.checks]
        rows.insert(
            0,
            [
                "legacy jobs accounted for",
                f"{verification.accounted_rows:,} of {verification.legacy_rows:,} "
                f"({verification.merged_rows:,} merged into another card)",
            ],
        )
        rows.append(
            [
                "cards",
                f"{verification.links:,} on {counted(verification.pool_jobs, 'pool job')} for "
                f"{counted(verification.profiles, 'profile')}; "
                f"{verification.links_since_migration:,} added since",
            ]
        )
        rows.extend(
            [["unaccounted legacy job", f"{row.legacy_job_id}: {row.reason}"] for row in verification.unaccounted]
        )
        _fill(self.checks_table, rows)
        self._show_tabs()
        self.tabs.setCurrentWidget(self.checks_table)
        if verification.state == STATE_MIGRATED:
            self.phase_label.setText(verification.message)

    def start_rollback(self) -> None:
        """Ask, then give back the v1 schema in the background."""
        if self.busy or not self._window.prompts.confirm("Roll back the migration", ROLLBACK_QUESTION, "Roll back"):
            return
        self._begin("Starting the rollback…")
        # Notes typed on the board are saved first (the writer thread keeps the order), so they are carried back;
        # then the window stops reading until it shows the v1 state. No change-set is broadcast: every reader of
        # the shared-pool tables would fail once they are gone.
        self._window.flush_notes()
        self._window.begin_schema_change()
        self._window.tasks.run(
            self._service.rollback,
            self._relay.progress.emit,
            backup=self.backup_box.isChecked(),
            ordered=True,
            report=False,
            on_success=self._rolled_back,
            on_failure=self._rollback_failed,
        )

    def _rollback_failed(self, error: JobPoolError) -> None:
        self._failed(error)
        self._window.end_schema_change()

    def _rolled_back(self, report: RollbackReport) -> None:
        if self._window.ctx.needs_migration:
            self._window.refresh_board()  # the "needs a migration" page, before anything else can read
        else:
            self._window.end_schema_change()  # nothing was rolled back here: the board stays
        self._end()
        self.rollback_report = report
        self.phase_label.setText(report.message)
        self.backup_label.setText(
            f"The shared-pool state was saved to {report.backup_path}" if report.backup_path else "No backup was taken."
        )
        _fill(self.checks_table, [])
        self.rolled_back.emit(report)
        self.reload()

    # -- closing ---------------------------------------------------------------------------------------
    def reject(self) -> None:
        """Close, except while a migration or rollback runs (it finishes or undoes itself as one transaction)."""
        if not self.busy:
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Keep the dialog open while work runs, so its result is seen."""
        if self.busy:
            event.ignore()
            return
        super().closeEvent(event)
