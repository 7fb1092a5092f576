"""Read side of the status history: the events triggers on user_job recorded (revision 0005)."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.cards import card_for
from app.errors import NotFound
from app.records import HistoryEvent
from db.models import StatusEvent, UserJob


class StatusHistory:
    """Every column change of a card, oldest first, with how it was made."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    @staticmethod
    def _events(session: Session, user_job_id: uuid.UUID) -> list[HistoryEvent]:
        rows = session.execute(
            select(StatusEvent.at, StatusEvent.from_status, StatusEvent.to_status, StatusEvent.via)
            .where(StatusEvent.user_job_id == user_job_id)
            .order_by(StatusEvent.at, StatusEvent.id)
        ).all()
        return [HistoryEvent(at=r.at, from_status=r.from_status, to_status=r.to_status, via=r.via) for r in rows]

    def events(self, user_job_id: uuid.UUID) -> list[HistoryEvent]:
        """A card's history, oldest first."""
        with self._sessions() as session:
            if session.get(UserJob, user_job_id) is None:
                raise NotFound("That card no longer exists; refresh the board.")
            return self._events(session, user_job_id)

    def events_for_job(self, profile: str, job_pool_id: uuid.UUID) -> list[HistoryEvent]:
        """The history of a profile's card for a pool job (the CLI's `history`), oldest first."""
        with self._sessions() as session:
            user_job_id, _user_id = card_for(session, profile, job_pool_id)
            return self._events(session, user_job_id)
