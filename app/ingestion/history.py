"""The scraping log: every ingestion run, newest first, for the history window and re-runs."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from db.models import IngestionRun, User


@dataclass(frozen=True, slots=True)
class RunRecord:
    """One ingestion run as the history shows it."""

    id: uuid.UUID
    profile: str | None
    source: str
    criteria: dict[str, Any]
    status: str
    fetched: int
    rejected: int
    pool_hits: int
    pool_inserts: int
    links_created: int
    links_existing: int
    served_from_pool: bool
    apify_run_id: str | None
    error: str | None
    started_at: datetime
    finished_at: datetime | None

    @property
    def seconds(self) -> float | None:
        """How long the run took, or None while it runs."""
        return (self.finished_at - self.started_at).total_seconds() if self.finished_at else None

    @property
    def is_search(self) -> bool:
        """Whether the run came from a scraper search that can be run again."""
        return bool(self.criteria.get("actor")) and bool(self.criteria.get("query"))

    @property
    def criteria_text(self) -> str:
        """ "python developer · berlin · max 100" or the file name."""
        c = self.criteria
        if "file" in c:
            return str(c["file"])
        parts = [str(c.get("query_text") or c.get("query") or "")]
        if c.get("location_text") or c.get("location"):
            parts.append(str(c.get("location_text") or c.get("location")))
        if c.get("max_items"):
            parts.append(f"max {c['max_items']}")
        return " · ".join(p for p in parts if p)


class IngestionHistory:
    """Reads the ingestion log."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def runs(self, limit: int = 500, profile_id: uuid.UUID | None = None) -> list[RunRecord]:
        """The newest runs first (optionally one profile's)."""
        stmt = (
            select(IngestionRun, User.name)
            .outerjoin(User, User.id == IngestionRun.user_id)
            .order_by(IngestionRun.started_at.desc())
            .limit(limit)
        )
        if profile_id is not None:
            stmt = stmt.where(IngestionRun.user_id == profile_id)
        with self._sessions() as session:
            return [self.record(run, name) for run, name in session.execute(stmt)]

    @staticmethod
    def record(run: IngestionRun, profile: str | None) -> RunRecord:
        """One log row as a record."""
        return RunRecord(
            id=run.id,
            profile=profile,
            source=run.source,
            criteria=dict(run.criteria or {}),
            status=run.status,
            fetched=run.fetched,
            rejected=run.rejected,
            pool_hits=run.pool_hits,
            pool_inserts=run.pool_inserts,
            links_created=run.links_created,
            links_existing=run.links_existing,
            served_from_pool=run.served_from_run_id is not None,
            apify_run_id=run.apify_run_id,
            error=run.error,
            started_at=run.started_at,
            finished_at=run.finished_at,
        )
