"""Figures for the window's status bar: pool size, a profile's card count, its last ingestion's counts."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.ingestion.pool import JobPoolService
from db.models import IngestionRun, UserJobCount


@dataclass(frozen=True, slots=True)
class LastIngestion:
    """The headline counts of a profile's most recent finished ingestion."""

    source: str
    status: str
    pool_hits: int
    pool_inserts: int
    links_created: int
    finished_at: datetime | None

    @property
    def brought_jobs(self) -> bool:
        """Whether the run found any job (new to the pool or already in it)."""
        return self.pool_hits + self.pool_inserts > 0

    @property
    def outcome(self) -> str:
        """How a run that brought no job ended, in words: "cancelled", "failed" or "found no jobs"."""
        return self.status if self.status in ("cancelled", "failed") else "found no jobs"

    @property
    def summary(self) -> str:
        """ "Pool hit N · Pool insert M", the line the status bar shows (with the status of a run cut short)."""
        counts = f"Pool hit {self.pool_hits:,} · Pool insert {self.pool_inserts:,}"
        return counts if self.status == "succeeded" else f"{counts} ({self.status})"


@dataclass(frozen=True, slots=True)
class StatusFigures:
    """What the status bar shows for one profile."""

    pool_size: int
    card_count: int
    last_ingestion: LastIngestion | None  # the latest finished run that brought jobs in
    later_run: LastIngestion | None = None  # a finished run after it that brought none (cancelled, failed, empty)


class BoardStats:
    """Reads the status bar figures in one short transaction."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def figures(self, user_id: uuid.UUID | None) -> StatusFigures:
        """Pool size, and for a profile its card count, its latest run that brought jobs and any later one."""
        with self._sessions() as session:
            pool_size = JobPoolService.count(session)
            if user_id is None:
                return StatusFigures(pool_size=pool_size, card_count=0, last_ingestion=None)
            cards = int(
                session.scalar(
                    select(func.coalesce(func.sum(UserJobCount.cards), 0)).where(UserJobCount.user_id == user_id)
                )
                or 0
            )
            latest = self._last_run(session, user_id, with_jobs=False)
            last = latest
            if latest is not None and not latest.brought_jobs:
                last = self._last_run(session, user_id, with_jobs=True)
        later = latest if latest is not None and latest is not last else None
        return StatusFigures(pool_size=pool_size, card_count=cards, last_ingestion=last, later_run=later)

    @staticmethod
    def _last_run(session: Session, user_id: uuid.UUID, *, with_jobs: bool) -> LastIngestion | None:
        """A profile's latest finished run (with_jobs: the latest one that found at least one job)."""
        query = (
            select(
                IngestionRun.source,
                IngestionRun.status,
                IngestionRun.pool_hits,
                IngestionRun.pool_inserts,
                IngestionRun.links_created,
                IngestionRun.finished_at,
            )
            .where(IngestionRun.user_id == user_id, IngestionRun.status != "running")
            .order_by(IngestionRun.started_at.desc())
            .limit(1)
        )
        if with_jobs:
            found = func.coalesce(IngestionRun.pool_hits, 0) + func.coalesce(IngestionRun.pool_inserts, 0)
            query = query.where(found > 0)
        run = session.execute(query).first()
        if run is None:
            return None
        return LastIngestion(
            source=run.source,
            status=run.status,
            pool_hits=int(run.pool_hits or 0),
            pool_inserts=int(run.pool_inserts or 0),
            links_created=int(run.links_created or 0),
            finished_at=run.finished_at,
        )
