"""Follow-ups: one reminder per card, with a due date and a note; due ones are counted and listed."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, sessionmaker

from app.cards import card_for
from app.errors import InvalidInput, NotFound
from app.records import CardReminder
from db.engine import affected_rows
from db.models import PoolJob, Reminder, UserJob

MAX_NOTE = 2_000
DEFAULT_FOLLOW_UP_DAYS = 7


def _clean_note(note: str | None) -> str | None:
    if note is not None and len(note) > MAX_NOTE:
        raise InvalidInput(f"A reminder's note can hold at most {MAX_NOTE:,} characters.")
    cleaned = (note or "").replace("\x00", "").strip()
    return cleaned or None


class ReminderService:
    """Set, snooze, finish and list follow-ups; one transaction per call."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    @staticmethod
    def _upsert(session: Session, user_job_id: uuid.UUID, due_on: date, note: str | None) -> None:
        stmt = insert(Reminder).values(user_job_id=user_job_id, due_on=due_on, note=note)
        session.execute(
            stmt.on_conflict_do_update(
                index_elements=[Reminder.user_job_id],
                set_={"due_on": stmt.excluded.due_on, "note": stmt.excluded.note, "done_at": None},
            )
        )

    def set(self, user_job_id: uuid.UUID, due_on: date, note: str | None = None) -> None:
        """Give a card a follow-up on `due_on` (replacing its open or done one)."""
        cleaned = _clean_note(note)
        with self._sessions.begin() as session:
            if session.get(UserJob, user_job_id) is None:
                raise NotFound("That card no longer exists; refresh the board.")
            self._upsert(session, user_job_id, due_on, cleaned)

    def set_for_job(self, profile: str, job_pool_id: uuid.UUID, due_on: date, note: str | None = None) -> uuid.UUID:
        """The CLI's `remind`: a follow-up for a profile's card for a pool job; returns the card's id."""
        cleaned = _clean_note(note)
        with self._sessions.begin() as session:
            user_job_id, _user_id = card_for(session, profile, job_pool_id)
            self._upsert(session, user_job_id, due_on, cleaned)
        return user_job_id

    def _open_update(self, user_job_id: uuid.UUID, **values: object) -> None:
        with self._sessions.begin() as session:
            result = session.execute(
                update(Reminder).where(Reminder.user_job_id == user_job_id, Reminder.done_at.is_(None)).values(**values)
            )
            if affected_rows(result) == 0:
                raise NotFound("That card has no open follow-up.")

    def done(self, user_job_id: uuid.UUID) -> None:
        """Mark a card's follow-up done (it stays recorded, no longer due)."""
        self._open_update(user_job_id, done_at=func.now())

    def snooze(self, user_job_id: uuid.UUID, days: int, today: date | None = None) -> date:
        """Push a card's follow-up to `days` after today; returns the new due date."""
        if days < 1:
            raise InvalidInput("Snooze by one day or more.")
        due_on = (today or date.today()) + timedelta(days=days)
        self._open_update(user_job_id, due_on=due_on)
        return due_on

    def note(self, user_job_id: uuid.UUID) -> str | None:
        """The note of a card's open follow-up, if it has one."""
        with self._sessions() as session:
            return session.scalar(
                select(Reminder.note).where(Reminder.user_job_id == user_job_id, Reminder.done_at.is_(None))
            )

    def open_reminders(self, user_id: uuid.UUID, *, due_by: date | None = None) -> list[CardReminder]:
        """A profile's open follow-ups, soonest first; with due_by, only those due on or before that day."""
        stmt = (
            select(UserJob.id, UserJob.job_pool_id, PoolJob.title, PoolJob.company, Reminder.due_on, Reminder.note)
            .join(UserJob, UserJob.id == Reminder.user_job_id)
            .join(PoolJob, PoolJob.id == UserJob.job_pool_id)
            .where(UserJob.user_id == user_id, Reminder.done_at.is_(None))
            .order_by(Reminder.due_on, PoolJob.title, UserJob.id)
        )
        if due_by is not None:
            stmt = stmt.where(Reminder.due_on <= due_by)
        with self._sessions() as session:
            return [
                CardReminder(user_job_id=r[0], job_pool_id=r[1], title=r[2], company=r[3], due_on=r[4], note=r[5])
                for r in session.execute(stmt).all()
            ]

    def due_count(self, user_id: uuid.UUID, today: date | None = None) -> int:
        """How many of a profile's follow-ups are due today or overdue."""
        with self._sessions() as session:
            return int(
                session.scalar(
                    select(func.count())
                    .select_from(Reminder)
                    .join(UserJob, UserJob.id == Reminder.user_job_id)
                    .where(
                        UserJob.user_id == user_id,
                        Reminder.done_at.is_(None),
                        Reminder.due_on <= (today or date.today()),
                    )
                )
                or 0
            )
