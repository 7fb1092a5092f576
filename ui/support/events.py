"""The app-wide signal hub: every change-set and profile switch goes through it, each widget decides if it cares."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal


@dataclass(frozen=True)
class ChangeSet:
    """What a finished operation changed (in the spirit of Anki's OpChanges).

    `initiator` is the object that asked for the change; it has usually applied the change to itself already
    and can skip its own refresh.
    """

    board: bool = False
    cards: frozenset[uuid.UUID] = field(default_factory=frozenset)
    notes: bool = False
    profiles: bool = False
    pool: bool = False
    ingestion: bool = False
    initiator: object | None = field(default=None, compare=False)

    @classmethod
    def for_cards(cls, ids: Iterable[uuid.UUID], *, notes: bool = False, initiator: object | None = None) -> ChangeSet:
        """A change to a few known cards (a move or a note)."""
        return cls(cards=frozenset(ids), notes=notes, initiator=initiator)

    def touches(self, user_job_id: uuid.UUID | None) -> bool:
        """Whether this change may have altered the given card."""
        return user_job_id is not None and (self.board or user_job_id in self.cards)


class Hub(QObject):
    """Signals shared by the whole window; connect with a receiver so Qt drops the link when it is destroyed."""

    changed = Signal(object)  # ChangeSet
    profile_changed = Signal(object)  # Profile | None
    inbox_changed = Signal(object)  # a profile whose inbox got or read rows (heard from the database); None: any
    database_lost = Signal(str)  # a user-readable reason
    database_restored = Signal()
    message = Signal(str)  # a short line for the status bar

    def emit_changes(self, changes: ChangeSet) -> None:
        """Broadcast a change-set."""
        self.changed.emit(changes)
