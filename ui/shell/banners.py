"""Inline messages above the board: a dismissable message bar and the "database went away" banner."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

RETRY_SECONDS = 5


class MessageBar(QFrame):
    """One line that says what went wrong (or right), without a modal dialog in the way."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageBar")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 7, 8, 7)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # messages quote names and errors as they are
        close = QToolButton()
        close.setText("✕")
        close.setAccessibleName("Dismiss")
        close.setAutoRaise(True)
        close.clicked.connect(self.hide)
        layout.addWidget(self.label, 1)
        layout.addWidget(close)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.hide)
        self.hide()

    @property
    def text(self) -> str:
        """The message shown (empty when hidden)."""
        return "" if self.isHidden() else self.label.text()

    def show_message(self, text: str, kind: str = "error", seconds: int = 12) -> None:
        """Show a message; errors stay longer than notices."""
        self.label.setText(text)
        self.setProperty("kind", kind)
        self.style().unpolish(self)
        self.style().polish(self)
        self.show()
        self._timer.start(seconds * 1000)


class DatabaseBanner(QFrame):
    """Shown while the database does not answer; retries on its own and on request."""

    retry_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("databaseBanner")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 8, 10, 8)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.retry_button = QPushButton("Retry now")
        self.retry_button.clicked.connect(self.retry_requested)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.retry_button)
        self._reason = ""
        self._seconds = RETRY_SECONDS
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._count_down)
        self.hide()

    @property
    def reason(self) -> str:
        """Why the database is considered lost."""
        return self._reason

    def show_lost(self, reason: str) -> None:
        """Show the banner and start counting down to the next retry."""
        self._reason = reason
        self._seconds = RETRY_SECONDS
        self._render()
        self.show()
        self._tick.start()

    def retrying(self) -> None:
        """A retry is under way."""
        self.label.setText(f"{self._reason}  Checking the connection…")

    def _count_down(self) -> None:
        self._seconds -= 1
        if self._seconds <= 0:
            self._seconds = RETRY_SECONDS
            self.retry_requested.emit()
            return
        self._render()

    def _render(self) -> None:
        self.label.setText(f"{self._reason}  Unsaved notes are kept. Next try in {self._seconds} s.")

    def restored(self) -> None:
        """The database answers again."""
        self._tick.stop()
        self.hide()
