"""The detail pane's résumé switcher: a card's skill gaps are those of its best résumé; the others' on demand.

The card carries the gaps of the résumé that gave its score. The score and gaps against the profile's other
résumés are computed when the card is shown (one card, a few résumés, in a worker thread); the switcher appears
only when the profile has more than one résumé.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from app.matching.records import ResumeGap
from app.records import BoardCard
from ui.support.plain_text import tooltip_text
from ui.support.tasks import TaskRunner

CardGaps = Callable[[uuid.UUID], Sequence[ResumeGap]]


def gap_choice_text(gap: ResumeGap, best: bool) -> str:
    """ "Backend · 86 % (best)" """
    return f"{gap.label} · {gap.score} %" + (" (best)" if best else "")


class ResumeGapSwitcher(QWidget):
    """A "Skills against" selector of the profile's résumés; choosing one emits that résumé's have / missing."""

    gaps_chosen = Signal(object, list, list)  # (résumé label or None, have, missing)
    gaps_loaded = Signal(object)  # user_job_id

    def __init__(self, card_gaps: CardGaps, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._card_gaps = card_gaps
        self._tasks = tasks
        self._card: BoardCard | None = None
        self.gaps: list[ResumeGap] = []
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        caption = QLabel("Skills against")
        caption.setObjectName("sectionLabel")
        self.box = QComboBox()
        self.box.setAccessibleName("Résumé for the skill gaps")
        self.box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.box.activated.connect(self._chosen)
        layout.addWidget(caption)
        layout.addWidget(self.box)
        layout.addStretch(1)
        self.hide()

    def show_card(self, card: BoardCard | None) -> None:
        """Follow the card shown; the other résumés' gaps are read again when the card or its score changed."""
        previous, self._card = self._card, card
        if card is None or card.best_resume is None:
            self.gaps = []
            self.box.clear()
            self.hide()
            return
        if (
            previous is not None
            and previous.user_job_id == card.user_job_id
            and (previous.match_score, previous.gap_analysis) == (card.match_score, card.gap_analysis)
        ):
            self._chosen(self.box.currentIndex())  # the pane refilled the card's own gaps: keep the choice shown
            return
        card_id = card.user_job_id
        self._tasks.run(
            self._card_gaps,
            card_id,
            report=False,
            on_success=lambda gaps: self._loaded(card_id, list(gaps)),
            on_failure=lambda _exc: self.hide(),
        )

    def _loaded(self, card_id: uuid.UUID, gaps: list[ResumeGap]) -> None:
        card = self._card
        if card is None or card.user_job_id != card_id:
            return
        best = card.best_resume
        # The card's own résumé first (it gave the score), then the others, best score first.
        gaps.sort(key=lambda g: (g.label != best, -g.score, g.label.casefold()))
        self.gaps = gaps
        self.box.clear()
        for index, gap in enumerate(gaps):
            self.box.addItem(gap_choice_text(gap, index == 0 and gap.label == best))
            self.box.setItemData(
                index, tooltip_text(f"{gap.label}: {len(gap.missing)} skills missing"), Qt.ItemDataRole.ToolTipRole
            )
        self.setVisible(len(gaps) > 1)
        self.gaps_loaded.emit(card_id)

    def choose(self, index: int) -> None:
        """Show the gaps against the résumé at this index (0: the card's own)."""
        self.box.setCurrentIndex(index)
        self._chosen(index)

    def _chosen(self, index: int) -> None:
        card = self._card
        if card is None or not 0 <= index < len(self.gaps):
            return
        if index == 0:
            gap = card.gap_analysis or {}
            self.gaps_chosen.emit(card.best_resume, list(gap.get("have") or []), list(gap.get("missing") or []))
            return
        other = self.gaps[index]
        self.gaps_chosen.emit(other.label, list(other.have), list(other.missing))
