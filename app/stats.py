"""Figures for the window's status bar: pool size, a profile's card count, its last ingestion's counts."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.pool import JobPoolService
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
    def summary(self) -> str:
        """"Pool hit N · Pool insert M", the line the status bar shows."""
        return f"Pool hit {self.pool_hits:,} · Pool insert {self.pool_inserts:,}"


@dataclass(frozen=True, slots=True)
class StatusFigures:
    """What the status bar shows for one profile."""

    pool_size: int
    card_count: int
    last_ingestion: LastIngestion | None


class BoardStats:
    """Reads the status bar figures in one short transaction."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def figures(self, user_id: uuid.UUID | None) -> StatusFigures:
        """Pool size, and for a profile its card count and latest finished ingestion."""
        with self._sessions() as session:
            pool_size = JobPoolService.count(session)
            if user_id is None:
                return StatusFigures(pool_size=pool_size, card_count=0, last_ingestion=None)
            cards = int(session.scalar(
                select(func.coalesce(func.sum(UserJobCount.cards), 0)).where(UserJobCount.user_id == user_id)
            ) or 0)
            run = session.execute(
                select(
                    IngestionRun.source, IngestionRun.status, IngestionRun.pool_hits, IngestionRun.pool_inserts,
                    IngestionRun.links_created, IngestionRun.finished_at,
                )
                .where(IngestionRun.user_id == user_id, IngestionRun.status != "running")
                .order_by(IngestionRun.started_at.desc())
                .limit(1)
            ).first()
        last = None
        if run is not None:
            last = LastIngestion(
                source=run.source, status=run.status, pool_hits=int(run.pool_hits or 0),
                pool_inserts=int(run.pool_inserts or 0), links_created=int(run.links_created or 0),
                finished_at=run.finished_at,
            )
        return StatusFigures(pool_size=pool_size, card_count=cards, last_ingestion=last)
