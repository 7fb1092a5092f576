"""Running an Apify search from the window: the worker-thread calls, and the view of its progress and outcome.

Progress shows the phase, items so far out of the maximum and the Apify run's status line; the outcome shows the
"Pool hit / Pool insert" summary, whether the pool served it, and the rejected items with their reasons.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QProgressBar, QPushButton, QVBoxLayout, QWidget

from app.errors import ApifyAuthError, MissingToken
from app.ingestion.report_text import headline, outcome_kind, rejection_lines
from app.records import IngestReport
from ui.support.plain_text import plain

PHASES = {
    "waiting": "Waiting for the same search running elsewhere",
    "scraping": "Scraping on Apify",
    "ingesting": "Adding jobs to the pool",
    "embedding": "Embedding new jobs",
}
RUN_VIEW_STYLE = """
QLabel#phaseLabel { font-weight: 600; }
QLabel#resultLabel { padding: 6px 8px; border-radius: 6px; background: #eceef2; color: #1d2330; }
QLabel#resultLabel[kind="success"] { background: #dff2e7; color: #1c6b45; }
QLabel#resultLabel[kind="error"] { background: #fdf0ef; color: #9b3338; border: 1px solid #f1c9c6; }
QPushButton#linkButton { border: none; background: transparent; color: #3563d1; padding: 2px 0; text-align: left; }
QPushButton#linkButton:hover { text-decoration: underline; }
"""

_TOKEN_MESSAGES = frozenset({MissingToken().message, ApifyAuthError().message})


def needs_settings(message: str | None) -> bool:
    """Whether a failure is about the token, so the Settings button helps."""
    return message in _TOKEN_MESSAGES


def set_kind(label: QWidget, kind: str) -> None:
    """Set the "kind" property the stylesheet colours by, and restyle."""
    label.setProperty("kind", kind)
    label.style().unpolish(label)
    label.style().polish(label)


class RunView(QWidget):
    """Progress, then the outcome, of one search; `layout_changed` asks the dialog to fit its content again."""

    layout_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        self.phase_label = QLabel()
        self.phase_label.setObjectName("phaseLabel")
        self.bar = QProgressBar()
        self.bar.setTextVisible(False)
        self.count_label = QLabel()
        self.count_label.setObjectName("fieldHint")
        self.status_line = QLabel()
        self.status_line.setWordWrap(True)
        self.result_label = QLabel()
        self.result_label.setObjectName("resultLabel")
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        plain(self.phase_label, self.count_label, self.status_line, self.result_label)  # the scraper's own words
        self.rejected_button = QPushButton()
        self.rejected_button.setObjectName("linkButton")
        self.rejected_button.setCheckable(True)
        self.rejected_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.rejected_view = QPlainTextEdit()
        self.rejected_view.setReadOnly(True)
        self.rejected_view.setFixedHeight(120)
        self.rejected_button.toggled.connect(self._toggle_rejections)
        bar_row = QHBoxLayout()
        bar_row.addWidget(self.bar, 1)
        bar_row.addWidget(self.count_label)
        layout.addWidget(self.phase_label)
        layout.addLayout(bar_row)
        layout.addWidget(self.status_line)
        layout.addWidget(self.result_label)
        layout.addWidget(self.rejected_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.rejected_view)
        self._progress_widgets: tuple[QWidget, ...] = (self.phase_label, self.bar, self.count_label, self.status_line)
        self._rejected_count = 0
        for widget in (*self._progress_widgets, self.result_label, self.rejected_button, self.rejected_view):
            widget.hide()

    def begin(self) -> None:
        """A search starts: clear the last outcome and show an indeterminate bar."""
        for outcome in (self.result_label, self.rejected_button, self.rejected_view):
            outcome.hide()
        self.rejected_button.setChecked(False)
        self.phase_label.setText("Starting…")
        self.bar.setRange(0, 0)
        self.count_label.setText("")
        self.status_line.setText("")
        for widget in self._progress_widgets:
            widget.show()
        self.layout_changed.emit()

    def show_progress(self, progress: Any) -> None:
        """Phase, items so far out of the total when known, and the service's status line."""
        self.phase_label.setText(PHASES.get(progress.phase, progress.phase.capitalize()))
        self.status_line.setText(progress.message)
        if progress.total:
            self.bar.setRange(0, int(progress.total))
            self.bar.setValue(min(int(progress.done), int(progress.total)))
            noun = "jobs" if progress.phase == "embedding" else "items"
            self.count_label.setText(f"{progress.done:,} / {progress.total:,} {noun}")
        else:
            self.bar.setRange(0, 0)
            self.count_label.setText(f"{progress.done:,} items" if progress.done else "")

    def show_cancelling(self) -> None:
        """Say that Cancel was heard while the run winds down."""
        self.status_line.setText("Cancelling: aborting the Apify run… jobs already received stay.")

    def end(self) -> None:
        """The search stopped: hide the progress."""
        for widget in self._progress_widgets:
            widget.hide()
        self.layout_changed.emit()

    def show_report(self, report: IngestReport) -> None:
        """The outcome of a search that ran (succeeded, served from the pool, cancelled or failed)."""
        self.show_result(headline(report), outcome_kind(report))
        if report.rejected:
            self.rejected_view.setPlainText("\n".join(rejection_lines(report)))
            self._rejected_count = len(report.rejected)
            self._toggle_rejections(False)
            self.rejected_button.show()
            self.layout_changed.emit()

    def show_result(self, text: str, kind: str) -> None:
        """One message in the result box ("error" for failures)."""
        self.result_label.setText(text)
        set_kind(self.result_label, kind)
        self.result_label.show()
        self.layout_changed.emit()

    def hide_result(self) -> None:
        """Remove the last message."""
        self.result_label.hide()
        self.layout_changed.emit()

    def _toggle_rejections(self, shown: bool) -> None:
        count = self._rejected_count
        noun = "item was" if count == 1 else "items were"
        action = "hide the reasons" if shown else "show why"
        self.rejected_button.setText(f"{count:,} {noun} rejected, the rest went in: {action}")
        self.rejected_view.setVisible(shown)
        self.layout_changed.emit()
