"""Running an Apify search from the window: the worker-thread calls, and the view of its progress and outcome.

Progress shows the phase, items so far out of the maximum and the Apify run's status line; the outcome shows the
"Pool hit / Pool insert" summary, whether the pool served it, and the rejected items with their reasons.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QProgressBar, QPushButton, QVBoxLayout, QWidget

from app import settings as secrets
from app.errors import ApifyAuthError, MissingToken
from app.ingestion.apify_presets import criteria_key
from app.ingestion.live import SearchRequest
from app.records import IngestReport
from ui.support.plain_text import plain

MAX_REJECTIONS_SHOWN = 500
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


@dataclass(frozen=True, slots=True)
class SearchProbe:
    """Before Start: is the search fresh in the pool, and is there a token to run it otherwise."""

    fresh: bool
    has_token: bool
    freshness_hours: float


def probe_search(ctx: Any, data_dir: Path, request: SearchRequest) -> SearchProbe:
    """Worker thread: apply the saved settings, then look for a fresh run of the same criteria."""
    secrets.apply_apify_settings(ctx.live, data_dir)
    window = ctx.live.freshness
    key = criteria_key(request.actor, request.query, request.location, request.max_items, request.template)
    fresh = window.total_seconds() > 0 and ctx.live.fresh_run(key, window) is not None
    return SearchProbe(fresh, bool(ctx.live.config.token), window.total_seconds() / 3600)


def run_search(ctx: Any, data_dir: Path, profile_id: Any, request: SearchRequest, force: bool,
               on_progress: Any = None, should_cancel: Any = None) -> IngestReport:
    """Worker thread: the search with the saved settings; without a token it stops before any request."""
    probe = probe_search(ctx, data_dir, request)
    if not probe.has_token and (force or not probe.fresh):
        raise MissingToken()
    return ctx.live.search(profile_id, request, force=force, on_progress=on_progress, should_cancel=should_cancel)


def needs_settings(message: str | None) -> bool:
    """Whether a failure is about the token, so the Settings button helps."""
    return message in _TOKEN_MESSAGES


def set_kind(label: QWidget, kind: str) -> None:
    """Set the "kind" property the stylesheet colours by, and restyle."""
    label.setProperty("kind", kind)
    label.style().unpolish(label)
    label.style().polish(label)


def report_text(report: IngestReport) -> tuple[str, str]:
    """The result lines for a report and their kind ("success", "error" or "")."""
    if report.served_from_pool:
        head = f"Served from the pool — no Apify call. {report.fetched:,} jobs."
    elif report.status == "succeeded":
        head = f"Done: {report.fetched:,} items read from Apify."
    elif report.status == "cancelled" and report.fetched:
        head = f"Cancelled: the Apify run was aborted; the {report.fetched:,} items received before were kept."
    elif report.status == "cancelled":
        head = "Cancelled: the Apify run was aborted before any items arrived."
    else:
        head = f"Stopped: {report.error}"
    kind = {"succeeded": "success", "failed": "error"}.get(report.status, "")
    return f"{head}\n{report.summary}.", kind


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
        self._progress_widgets = (self.phase_label, self.bar, self.count_label, self.status_line)
        self._rejected_count = 0
        for widget in (*self._progress_widgets, self.result_label, self.rejected_button, self.rejected_view):
            widget.hide()

    def begin(self) -> None:
        """A search starts: clear the last outcome and show an indeterminate bar."""
        for widget in (self.result_label, self.rejected_button, self.rejected_view):
            widget.hide()
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
        text, kind = report_text(report)
        self.show_result(text, kind)
        if report.rejected:
            shown = report.rejected[:MAX_REJECTIONS_SHOWN]
            lines = [f"Item {r.get('index', '?')}: {r.get('reason', '')}" for r in shown]
            if len(report.rejected) > len(shown):
                lines.append(f"… and {len(report.rejected) - len(shown):,} more")
            self.rejected_view.setPlainText("\n".join(lines))
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
