"""Notes autosave: debounced writes, a flush on every switch and on close, and nothing lost when a write fails."""

from __future__ import annotations

import functools
import uuid

from PySide6.QtCore import QObject, QTimer, Signal

from app.cards import CardService
from app.errors import JobPoolError, NotFound
from ui.support.events import ChangeSet
from ui.support.tasks import TaskRunner
from ui.support.window_state import AppSettings

AUTOSAVE_DELAY_MS = 700


class NotesKeeper(QObject):
    """Holds every note typed but not yet stored; it leaves `pending` only once the database has it.

    Pending notes are also copied to the settings file, so a crash or a database outage at closing time loses
    nothing: they are written on the next start.
    """

    saved = Signal(object)  # user_job_id
    failed = Signal(str)
    pending_changed = Signal(int)

    def __init__(
        self,
        cards: CardService,
        tasks: TaskRunner,
        settings: AppSettings | None = None,
        parent: QObject | None = None,
        delay_ms: int = AUTOSAVE_DELAY_MS,
    ) -> None:
        super().__init__(parent)
        self._cards = cards
        self._tasks = tasks
        self._settings = settings
        self.pending: dict[uuid.UUID, str] = {}
        self._in_flight: dict[uuid.UUID, str] = {}
        self._warned = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self.flush)
        tasks.hub.database_restored.connect(self.flush)

    def edit(self, user_job_id: uuid.UUID, text: str) -> None:
        """The user changed a note: remember it and save after a short pause."""
        self.pending[user_job_id] = text
        self.pending_changed.emit(len(self.pending))
        self._timer.start()

    def text_for(self, user_job_id: uuid.UUID) -> str | None:
        """The unsaved text of a card's note, or None when the database has the latest."""
        return self.pending.get(user_job_id)

    def restore(self) -> int:
        """Take back notes kept in the settings by an earlier run and save them; returns how many."""
        if self._settings is None:
            return 0
        kept = self._settings.unsaved_notes()
        for card_id, text in kept.items():
            self.pending.setdefault(card_id, text)
        if kept:
            self.flush()
        return len(kept)

    def flush(self) -> None:
        """Send every pending note to the database now (in order, on the writer thread)."""
        self._timer.stop()
        self._remember()
        for card_id, text in list(self.pending.items()):
            if self._in_flight.get(card_id) == text:
                continue
            self._in_flight[card_id] = text
            self._tasks.run(
                self._cards.set_notes,
                card_id,
                text or None,
                ordered=True,
                report=False,
                changes=ChangeSet.for_cards([card_id], notes=True, initiator=self),
                on_success=functools.partial(self._stored, card_id, text),
                on_failure=functools.partial(self._refused, card_id, text),
            )

    def _stored(self, card_id: uuid.UUID, text: str, _result: object = None) -> None:
        if self._in_flight.get(card_id) == text:
            del self._in_flight[card_id]
        if self.pending.get(card_id) == text:
            del self.pending[card_id]
            self.pending_changed.emit(len(self.pending))
            self._remember()
        self._warned = False
        self.saved.emit(card_id)

    def _refused(self, card_id: uuid.UUID, text: str, exc: JobPoolError) -> None:
        if self._in_flight.get(card_id) == text:
            del self._in_flight[card_id]
        if isinstance(exc, NotFound):
            # The card is gone (another window deleted the profile or the job): nothing left to attach it to.
            self.pending.pop(card_id, None)
            self._remember()
            self.failed.emit(f"A note could not be saved: {exc.message}")
            return
        if not self._warned:
            self._warned = True
            self.failed.emit(f"Your note is not saved yet: {exc.message} It is kept and saved as soon as possible.")

    def _remember(self) -> None:
        if self._settings is not None:
            self._settings.set_unsaved_notes(self.pending)

    def flush_blocking(self, timeout: float = 4.0) -> dict[uuid.UUID, str]:
        """On close: store pending notes synchronously; whatever fails stays in the settings. Returns the unsaved."""
        self._timer.stop()
        for card_id, text in list(self.pending.items()):
            try:
                self._tasks.call_blocking(self._cards.set_notes, card_id, text or None, timeout=timeout)
            except NotFound:
                self.pending.pop(card_id, None)
            except Exception:  # any failure: keep the note for the next start
                continue
            else:
                if self.pending.get(card_id) == text:
                    del self.pending[card_id]
        self._remember()
        if self._settings is not None:
            self._settings.sync()
        return dict(self.pending)
