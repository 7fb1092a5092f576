"""Write side of the board: moving cards between and inside columns, notes."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import Connection, func, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from app.errors import InvalidInput, NotFound
from app.records import MoveResult
from db.base import JobStatus
from db.models import User, UserJob

MIN_GAP = 1e-6
MAX_NOTES = 100_000


def parse_status(value: str | JobStatus) -> JobStatus:
    """A status from its name, case-insensitive, with a message listing the valid ones."""
    try:
        return JobStatus(str(value).strip().lower())
    except ValueError:
        names = ", ".join(s.value for s in JobStatus)
        raise InvalidInput(f"Unknown status “{value}”. Use one of: {names}.") from None


class CardService:
    """Moves cards (status and place in the column) and saves notes, one transaction per call."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions
        # Moves run on a Core connection: a drag-and-drop is latency the user feels, the ORM adds to it.
        self._engine = sessions.kw["bind"]

    def move(
        self,
        user_job_ids: Sequence[uuid.UUID],
        status: JobStatus | str,
        *,
        before: uuid.UUID | None = None,
        at_top: bool = False,
    ) -> MoveResult:
        """Put cards, in the given order, into a column: before another card, at the top, or at the end."""
        target = parse_status(status)
        ids = list(dict.fromkeys(user_job_ids))
        if not ids:
            raise InvalidInput("No card to move.")
        if before in ids:
            before = None
        with self._engine.begin() as session:
            rows = session.execute(
                select(UserJob.id, UserJob.user_id, UserJob.status)
                .where(UserJob.id.in_(ids))
                .order_by(UserJob.id)
                .with_for_update()
            ).all()
            if len(rows) != len(ids):
                raise NotFound("A card you moved no longer exists; refresh the board.")
            users = {row.user_id for row in rows}
            if len(users) != 1:
                raise InvalidInput("Cards of different profiles cannot move together.")
            user_id = users.pop()
            positions = self._positions(session, user_id, target, ids, before, at_top)
            session.execute(
                text(
                    "UPDATE user_job u SET status = CAST(:status AS job_status), position = m.position, "
                    "  updated_at = now(), "
                    "  status_changed_at = CASE WHEN u.status = CAST(:status AS job_status) "
                    "                      THEN u.status_changed_at ELSE now() END "
                    "FROM unnest(CAST(:ids AS uuid[]), CAST(:positions AS float8[])) AS m(id, position) "
                    "WHERE u.id = m.id"
                ),
                {"status": target.value, "ids": ids, "positions": positions},
            )
        return MoveResult(user_job_ids=ids, status=target, positions=positions)

    def _positions(
        self,
        session: Connection,
        user_id: uuid.UUID,
        status: JobStatus,
        moving: list[uuid.UUID],
        before: uuid.UUID | None,
        at_top: bool,
    ) -> list[float]:
        k = len(moving)
        others = (UserJob.user_id == user_id, UserJob.status == status, UserJob.id.not_in(moving))
        if before is None:
            if at_top:
                low = session.scalar(select(func.min(UserJob.position)).where(*others))
                start = (low if low is not None else 0.0) - k
                return [start + i for i in range(k)]
            high = session.scalar(select(func.max(UserJob.position)).where(*others))
            start = (high if high is not None else 0.0) + 1
            return [start + i for i in range(k)]
        anchor = session.execute(
            select(UserJob.position, UserJob.user_id, UserJob.status).where(UserJob.id == before)
        ).first()
        if anchor is None or anchor.user_id != user_id or anchor.status != status:
            return self._positions(session, user_id, status, moving, None, at_top)
        if anchor.position is None:
            self._renumber(session, user_id, status)
            return self._positions(session, user_id, status, moving, before, at_top)
        upper = anchor.position
        lower = session.scalar(select(func.max(UserJob.position)).where(*others, UserJob.position < upper))
        if lower is None:
            lower = upper - k - 1
        step = (upper - lower) / (k + 1)
        if step < MIN_GAP:
            self._renumber(session, user_id, status)
            return self._positions(session, user_id, status, moving, before, at_top)
        return [lower + step * (i + 1) for i in range(k)]

    @staticmethod
    def _renumber(session: Connection, user_id: uuid.UUID, status: JobStatus) -> None:
        """Spread a column's positions to whole numbers again, keeping its order."""
        session.execute(
            text(
                "UPDATE user_job u SET position = r.n FROM ("
                "  SELECT id, row_number() OVER (ORDER BY position NULLS LAST, id) AS n FROM user_job"
                "  WHERE user_id = :uid AND status = :status) r WHERE u.id = r.id"
            ),
            {"uid": user_id, "status": status.value},
        )

    def move_job(self, profile: str, job_pool_id: uuid.UUID, status: JobStatus | str) -> MoveResult:
        """Move a profile's card for a pool job to the top of a column (the CLI's `move`)."""
        with self._sessions() as session:
            link = session.scalar(
                select(UserJob.id)
                .join(User, User.id == UserJob.user_id)
                .where(func.lower(User.name) == profile.strip().lower(), UserJob.job_pool_id == job_pool_id)
            )
        if link is None:
            raise NotFound(f"Profile “{profile}” has no card for pool job {job_pool_id}.")
        return self.move([link], status, at_top=True)

    def set_notes(self, user_job_id: uuid.UUID, notes: str | None) -> None:
        """Save a card's notes."""
        if notes is not None and len(notes) > MAX_NOTES:
            raise InvalidInput(f"Notes can hold at most {MAX_NOTES:,} characters.")
        cleaned = notes.replace("\x00", "") if notes else None
        with self._sessions.begin() as session:
            result = session.execute(
                update(UserJob).where(UserJob.id == user_job_id).values(notes=cleaned or None, updated_at=func.now())
            )
            if result.rowcount == 0:
                raise NotFound("That card no longer exists; its notes could not be saved.")

    def mark_seen(self, user_id: uuid.UUID) -> int:
        """Mark every card of a profile as seen (clears "new" markers); returns how many changed."""
        with self._sessions.begin() as session:
            result = session.execute(
                update(UserJob).where(UserJob.user_id == user_id, UserJob.seen_at.is_(None)).values(seen_at=func.now())
            )
            return result.rowcount
