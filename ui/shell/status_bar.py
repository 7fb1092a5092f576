"""The status bar: pool size, this profile's card count, the last ingestion's "Pool hit N · Pool insert M"."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from app.matching.records import NewRecommendations
from app.records import counted
from app.stats import LastIngestion, StatusFigures
from ui.support.plain_text import tooltip_text
from ui.support.timers import single_shot_timer


class BoardStatusBar(QStatusBar):
    """Permanent figures on the right; transient messages on the left."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizeGripEnabled(False)
        self.pool_label = QLabel()
        self.cards_label = QLabel()
        self.ingestion_label = QLabel()
        self.busy_label = QLabel()
        self.new_label = QLabel()
        self.new_label.hide()
        self.due_label = QLabel()
        self.due_label.hide()
        labels = (
            self.busy_label,
            self.due_label,
            self.new_label,
            self.ingestion_label,
            self.cards_label,
            self.pool_label,
        )
        for label in labels:
            label.setObjectName("statusFigure")
            label.setTextFormat(Qt.TextFormat.PlainText)  # profile names are shown as typed
            self.addPermanentWidget(label)
        self.busy_label.hide()
        # Only work that lasts shows "Working…": quick reads would make it flicker.
        self._busy_timer = single_shot_timer(self, 600, self.busy_label.show)

    def show_figures(self, figures: StatusFigures, profile_name: str | None) -> None:
        """Show fresh figures."""
        self.pool_label.setText(f"Pool: {figures.pool_size:,} jobs")
        self.pool_label.setToolTip("Unique postings shared by every profile")
        if profile_name:
            noun = "card" if figures.card_count == 1 else "cards"
            self.cards_label.setText(f"{profile_name}: {figures.card_count:,} {noun}")
            self.cards_label.show()
        else:
            self.cards_label.hide()
        last, later = figures.last_ingestion, figures.later_run
        if last is None and later is None:
            self.ingestion_label.setText("No ingestion yet")
            self.ingestion_label.setToolTip("")
        elif last is None and later is not None:
            self.ingestion_label.setText(f"Last ingestion: {later.outcome}, no jobs came in")
            self.ingestion_label.setToolTip(tooltip_text(f"{later.source}, {later.outcome} {_when(later)}"))
        elif last is not None:
            text = f"Last ingestion: {last.summary}"
            tip = (
                f"{last.source}, {last.status} {_when(last)}: {last.links_created:,} new cards. Pool hit = jobs "
                "already in the pool (no new storage); Pool insert = jobs new to the pool."
            )
            if later is not None:
                text += f" · latest run {later.outcome}"
                tip += f"\nLater: {later.source}, {later.outcome} {_when(later)}, no jobs came in."
            self.ingestion_label.setText(text)
            self.ingestion_label.setToolTip(tooltip_text(tip))

    def clear_figures(self) -> None:
        """Show no figures (a database that needs a migration has none to show)."""
        for label in (self.pool_label, self.ingestion_label, self.cards_label, self.new_label, self.due_label):
            label.clear()
            label.setToolTip("")
        self.cards_label.hide()
        self.new_label.hide()
        self.due_label.hide()

    def show_new(self, recommendations: Sequence[NewRecommendations], current: uuid.UUID | None) -> None:
        """ "N new for <profile>": recommended cards nobody has looked at yet, the current profile first."""
        waiting = sorted(
            (r for r in recommendations if r.count), key=lambda r: (r.profile_id != current, r.profile_name)
        )
        parts = [
            f"{r.count:,} new here" if r.profile_id == current else f"{r.count:,} new for {r.profile_name}"
            for r in waiting
        ]
        self.new_label.setText(" · ".join(parts))
        self.new_label.setToolTip(
            "Recommended cards not looked at yet (marked with a dot). A profile's count clears when you leave its "
            "board or use Jobs → Mark all as seen."
        )
        self.new_label.setVisible(bool(parts))

    def show_due(self, count: int) -> None:
        """ "3 follow-ups due": the current profile's follow-ups due today or overdue (hidden at none)."""
        self.due_label.setText(f"{counted(count, 'follow-up')} due")
        self.due_label.setToolTip("Type due: in the search box (or use the Due button) to see those cards.")
        self.due_label.setVisible(count > 0)

    def set_busy(self, busy: bool) -> None:
        """Show that something runs in the background (after a moment, so quick reads do not flicker)."""
        self.busy_label.setText("Working…")
        if busy:
            self._busy_timer.start()
        else:
            self._busy_timer.stop()
            self.busy_label.hide()


def _when(run: LastIngestion) -> str:
    return run.finished_at.astimezone().strftime("%Y-%m-%d %H:%M") if run.finished_at else ""
