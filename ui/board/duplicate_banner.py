"""The detail pane's "possible duplicate of …" banner, with Merge and Not a duplicate."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.dedup.possible import DuplicateService, PossibleDuplicate
from ui.support.events import ChangeSet, Hub
from ui.support.tasks import TaskRunner


def describe(dup: PossibleDuplicate) -> str:
    """ "Possible duplicate of “Senior QA Analyst” at Initech, Berlin (title spelling)" as plain text."""
    where = ", ".join(part for part in (dup.duplicate_of_company, dup.duplicate_of_location) if part)
    at = f" at {where}" if where else ""
    score = f", {dup.score:.0%} alike" if dup.reason == "similar posting" else ""
    return f"Possible duplicate of “{dup.duplicate_of_title}”{at} ({dup.reason}{score})"


class DuplicateBanner(QFrame):
    """Lists a card's possible duplicates; each answer goes to the service in the background."""

    answered = Signal()

    def __init__(
        self, duplicates: DuplicateService, tasks: TaskRunner, hub: Hub, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("duplicateBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)  # set apart from the posting's own fields
        self._duplicates = duplicates
        self._tasks = tasks
        self._hub = hub
        self._card: uuid.UUID | None = None
        self._generation = 0
        self.items: list[PossibleDuplicate] = []
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(10, 8, 10, 8)
        self._layout.setSpacing(6)
        self.hide()

    def show_card(self, user_job_id: uuid.UUID | None) -> None:
        """Load the possible duplicates of a card (None: hide)."""
        self._card = user_job_id
        self._generation += 1
        generation = self._generation
        if user_job_id is None:
            self._fill([])
            return
        self._tasks.run(
            self._duplicates.for_card,
            user_job_id,
            report=False,
            on_success=lambda items: self._loaded(generation, items),
        )

    def _loaded(self, generation: int, items: list[PossibleDuplicate]) -> None:
        if generation == self._generation:
            self._fill(items)

    def _fill(self, items: list[PossibleDuplicate]) -> None:
        while self._layout.count():
            item = self._layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.items = list(items)
        for dup in self.items:
            row = QWidget()
            row_layout = QVBoxLayout(row)  # the text gets the pane's width; the buttons go under it
            row_layout.setContentsMargins(0, 0, 0, 0)
            row_layout.setSpacing(4)
            buttons = QHBoxLayout()
            text = QLabel(describe(dup))
            text.setObjectName("duplicateText")
            text.setTextFormat(Qt.TextFormat.PlainText)  # titles and companies are scraped data
            text.setWordWrap(True)
            merge = QPushButton("Merge")
            merge.setObjectName("mergeDuplicate")
            merge.setToolTip("One job from now on: the cards are combined, notes and the furthest status kept")
            merge.clicked.connect(lambda _=False, other=dup.duplicate_of: self.merge(other))
            dismiss = QPushButton("Not a duplicate")
            dismiss.setObjectName("notDuplicate")
            dismiss.clicked.connect(lambda _=False, other=dup.duplicate_of: self.not_duplicate(other))
            row_layout.addWidget(text)
            buttons.addWidget(merge)
            buttons.addWidget(dismiss)
            buttons.addStretch(1)
            row_layout.addLayout(buttons)
            self._layout.addWidget(row)
        self.setVisible(bool(self.items))

    def merge(self, other: uuid.UUID) -> None:
        """Merge the shown card's job with `other`; the board is read again."""
        if self._card is not None:
            self._tasks.run(
                self._duplicates.merge_for_card,
                self._card,
                other,
                changes=ChangeSet(board=True, pool=True),
                on_success=lambda _report: self._done(),
            )

    def not_duplicate(self, other: uuid.UUID) -> None:
        """Remember that the shown card's job and `other` are different postings."""
        if self._card is not None:
            card = self._card
            self._tasks.run(
                self._duplicates.not_duplicate_for_card,
                card,
                other,
                on_success=lambda _none: self._done(),
            )

    def _done(self) -> None:
        self.answered.emit()
        if self._card is not None:
            self.show_card(self._card)
