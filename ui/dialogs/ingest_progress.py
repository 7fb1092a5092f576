"""A progress dialog for long work (imports, ingestions): determinate when the count is known, with Cancel.

The work runs through the TaskRunner in a worker thread; it receives `on_progress` (called with an object that has
phase, done, total, message — IngestProgress) and `should_cancel` keyword arguments. The window stays responsive.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import JobPoolError
from app.ingestion.report_text import headline, rejection_lines
from app.records import IngestReport
from ui.support.dialog_fit import grow_to_content
from ui.support.events import ChangeSet
from ui.support.plain_text import plain
from ui.support.tasks import TaskRunner

DETAILS_MIN_HEIGHT = 140  # about eight rejected items before the list scrolls


class _ProgressRelay(QObject):
    """Lives in the GUI thread; a signal emitted from the worker arrives here queued."""

    progress = Signal(object)


class IngestProgressDialog(QDialog):
    """Runs one long call, shows its progress and ends with a summary (or the reason it failed)."""

    completed = Signal(object)  # the call's result, or None when it failed (done() is QDialog's own)

    def __init__(self, parent: QWidget | None, tasks: TaskRunner, title: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(480)
        self._tasks = tasks
        self._cancel = threading.Event()
        self.result_value: Any = None
        self.error: str | None = None
        self.finished_running = False
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        self.heading = QLabel(title)
        self.heading.setObjectName("dialogHeading")
        self.message = QLabel("Starting…")
        self.message.setWordWrap(True)
        plain(self.heading, self.message)  # the profile's and the file's names
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.bar.setTextVisible(False)
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setMinimumHeight(DETAILS_MIN_HEIGHT)
        self.details.hide()
        self.buttons = QDialogButtonBox()
        self.cancel_button = QPushButton("Cancel")
        self.buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.cancel_button.clicked.connect(self._cancel_or_close)
        for widget in (self.heading, self.message, self.bar, self.details, self.buttons):
            layout.addWidget(widget)
        self._relay = _ProgressRelay(self)
        self._relay.progress.connect(self._show_progress, Qt.ConnectionType.QueuedConnection)

    def run(self, fn: Callable[..., Any], /, *args: Any, changes: ChangeSet | None = None, **kwargs: Any) -> None:
        """Show the dialog (not modal: the board stays usable) and start fn(..., on_progress, should_cancel)."""
        self.setModal(False)
        self.show()
        self._tasks.run(
            fn,
            *args,
            on_progress=self._relay.progress.emit,
            should_cancel=self._cancel.is_set,
            changes=changes,
            report=False,
            on_success=self._succeeded,
            on_failure=self._failed,
            **kwargs,
        )

    def _show_progress(self, progress: Any) -> None:
        if self.finished_running:
            return
        self.message.setText(progress.message)
        if progress.total:
            self.bar.setRange(0, int(progress.total))
            self.bar.setValue(min(int(progress.done), int(progress.total)))
        else:
            self.bar.setRange(0, 0)

    def cancel(self) -> None:
        """Ask the running work to stop after its current batch (what is stored stays)."""
        if not self.finished_running:
            self._cancel.set()

    def _cancel_or_close(self) -> None:
        if self.finished_running:
            self.accept()
            return
        self._cancel.set()
        self.cancel_button.setEnabled(False)
        self.message.setText("Cancelling after the current batch… what is stored already stays.")

    def _finish(self) -> None:
        self.finished_running = True
        self.bar.setRange(0, 1)
        self.bar.setValue(1)
        self.cancel_button.setText("Close")
        self.cancel_button.setEnabled(True)
        self.cancel_button.setDefault(True)

    def _succeeded(self, result: Any) -> None:
        self.result_value = result
        self._finish()
        if isinstance(result, IngestReport):
            self._show_report(result)
        else:
            self.message.setText("Done.")
        self.completed.emit(result)

    def _show_report(self, report: IngestReport) -> None:
        self.message.setText(headline(report))
        if report.rejected:
            lines = "\n".join(rejection_lines(report))
            self.details.setPlainText(f"Rejected items (the rest went in):\n{lines}")
            self.details.show()
        grow_to_content(self)

    def _failed(self, exc: JobPoolError) -> None:
        self.error = exc.message
        self._finish()
        self.heading.setText("Could not finish")
        self.message.setText(exc.message)
        grow_to_content(self)
        self.completed.emit(None)
