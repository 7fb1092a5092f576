"""Runs due saved searches in the background while the window is open, with progress in the status bar.

A pass runs `SavedSearchRunner.run_due` on a worker thread every minute (and soon after start). Leases keep it from
running a search that another window or `run-due` process is running. Never modal: the status bar shows which search
runs, the message bar says when one was paused.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QStatusBar

from app.context import AppContext
from app.searches.runner import DueProgress, DueReport
from ui.support.events import ChangeSet
from ui.support.plain_text import tooltip_text
from ui.support.tasks import TaskRunner

PASS_INTERVAL_MS = 60_000
FIRST_PASS_MS = 8_000


class SearchScheduler(QObject):
    """The window's runner of due saved searches."""

    progress = Signal(str)  # what runs now; "" when idle
    paused = Signal(str)  # a search was paused after failing: why
    pass_finished = Signal(object)  # DueReport

    def __init__(
        self,
        ctx: AppContext,
        tasks: TaskRunner,
        data_dir: str | Path,
        parent: QObject | None = None,
        interval_ms: int = PASS_INTERVAL_MS,
        first_ms: int = FIRST_PASS_MS,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._tasks = tasks
        self._data_dir = data_dir
        self._running = False
        self._stopped = False
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.run_pass)
        self._first_ms = first_ms

    def start(self) -> None:
        """Run a first pass soon, then one every interval."""
        self._stopped = False
        QTimer.singleShot(self._first_ms, self, self.run_pass)
        self.timer.start()

    def stop(self) -> None:
        """No more passes; a run in progress stops after its current batch."""
        self._stopped = True
        self.timer.stop()

    @property
    def running(self) -> bool:
        """Whether a pass is under way."""
        return self._running

    def run_pass(self) -> None:
        """Run the due searches now (nothing if a pass is already running)."""
        if self._running or self._stopped:
            return
        self._running = True
        self._tasks.run(
            self._ctx.search_runner.run_due,
            self._data_dir,
            on_progress=self._report_progress,
            should_cancel=lambda: self._stopped,
            changes=lambda report: ChangeSet(board=True, ingestion=True) if report and report.ran else None,
            report=False,
            on_success=self._finished,
            on_failure=lambda _exc: self._idle(),
        )

    def _report_progress(self, step: DueProgress) -> None:
        # Called on the worker thread: the signal is queued to the window's thread.
        self.progress.emit(f"Saved search {step.index}/{step.total} · {step.profile}: {step.query} · {step.message}")

    def _finished(self, report: DueReport) -> None:
        self._idle()
        for outcome in report.ran:
            if outcome.paused_now:
                self.paused.emit(f"Saved search for {outcome.profile} paused after 3 failures: {outcome.error}")
        self.pass_finished.emit(report)

    def _idle(self) -> None:
        self._running = False
        self.progress.emit("")


class SearchProgressLabel(QLabel):
    """The status bar's place for the saved-search progress (plain text, hidden while idle)."""

    def __init__(self) -> None:
        super().__init__()
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setObjectName("searchProgress")
        self.hide()

    def show_progress(self, text: str) -> None:
        """Show what runs now (shortened; whole in the tooltip); hide at ""."""
        self.setText(text if len(text) <= 100 else text[:99] + "…")
        self.setToolTip(tooltip_text(text))
        self.setVisible(bool(text))


def install_scheduler(
    ctx: AppContext, tasks: TaskRunner, status_bar: QStatusBar, warn: Callable[[str], None], parent: QObject
) -> tuple[SearchScheduler, SearchProgressLabel]:
    """The window's scheduler with its progress in the status bar, started unless there is no runner or the
    database needs a migration."""
    label = SearchProgressLabel()
    status_bar.addPermanentWidget(label)
    scheduler = SearchScheduler(ctx, tasks, ctx.database.location.data_dir, parent)
    # The label's own slot: progress is emitted on a worker thread and must reach the label on the window's thread.
    scheduler.progress.connect(label.show_progress)
    scheduler.paused.connect(warn)
    if getattr(ctx, "search_runner", None) is not None and not ctx.needs_migration:
        scheduler.start()
    return scheduler, label
