"""The offer shown after cards move to Applied: "Follow up in 7 days?", a bar above the board, never a dialog."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

from ui.support.timers import single_shot_timer

OFFER_SECONDS = 30  # long enough to read and decide; the offer is not a question that must be answered


class FollowUpBar(QFrame):
    """Offers a follow-up for cards just moved to Applied; accepting emits the cards and the due date."""

    accepted = Signal(list, object)  # (user_job_ids, date)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("followUpBar")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 6, 8, 6)
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # job titles are shown as they are
        self.accept_button = QPushButton("Remind me")
        self.accept_button.clicked.connect(self.accept)
        close = QToolButton()
        close.setText("✕")
        close.setAccessibleName("No follow-up")
        close.setAutoRaise(True)
        close.clicked.connect(self.hide)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.accept_button)
        layout.addWidget(close)
        self.ids: list[uuid.UUID] = []
        self.due_on: date | None = None
        self._timer = single_shot_timer(self, OFFER_SECONDS * 1000, self.hide)
        self.hide()

    def offer(self, ids: list[uuid.UUID], what: str, days: int, today: date | None = None) -> None:
        """Offer a follow-up `days` after today for these cards (`what` names them)."""
        self.ids = list(ids)
        self.due_on = (today or date.today()) + timedelta(days=days)
        self.label.setText(f"Applied to {what}. Follow up in {days} day{'s' if days != 1 else ''}?")
        self.show()
        self._timer.start()

    def accept(self) -> None:
        """Take the offer: emit the cards and the due date, then hide."""
        if self.ids and self.due_on is not None:
            self.accepted.emit(self.ids, self.due_on)
        self.hide()
