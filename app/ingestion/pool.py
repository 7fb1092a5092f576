"""The shared job pool: set-based upserts keyed by the global hash."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.ingestion.records import NormalizedJob
from db.engine import psycopg_connection
from db.models import PoolJob

COPY_COLUMNS = (
    "hash",
    "source",
    "external_id",
    "url",
    "apply_url",
    "title",
    "company",
    "location",
    "description",
    "salary_min",
    "salary_max",
    "salary_currency",
    "salary_period",
    "job_type",
    "is_remote",
    "posted_at",
    "skills",
    "metadata",
    "criteria_tags",
)
_COLUMN_LIST = ", ".join(COPY_COLUMNS)


def _dumps(value: Any) -> str:
    # PostgreSQL's jsonb refuses the NUL character anywhere, even escaped.
    text_ = json.dumps(value, ensure_ascii=False, default=str)
    return text_.replace("\\u0000", "") if "\\u0000" in text_ else text_


def copy_row(job_hash: str, job: NormalizedJob, tags_json: str) -> tuple[Any, ...]:
    """A job as one COPY row of COPY_COLUMNS (JSON already serialized, so any thread can build rows ahead)."""
    return (
        job_hash,
        job.source,
        job.external_id,
        job.url,
        job.apply_url,
        job.title,
        job.company,
        job.location,
        job.description,
        job.salary_min,
        job.salary_max,
        job.salary_currency,
        job.salary_period,
        job.job_type,
        job.is_remote,
        job.posted_at,
        _dumps(job.skills) if job.skills is not None else None,
        _dumps(job.metadata or {}),
        tags_json,
    )


def tags_json(criteria_tags: Sequence[str]) -> str:
    """The criteria_tags value of a batch, serialized once."""
    return _dumps(list(criteria_tags))


@dataclass(frozen=True, slots=True)
class UpsertResult:
    """Pool ids for every hash of the batch, and which of them this call inserted."""

    ids: dict[str, uuid.UUID]
    inserted: set[str]

    @property
    def hits(self) -> int:
        """Jobs that were in the pool already."""
        return len(self.ids) - len(self.inserted)


class JobPoolService:
    """Writes and counts pool jobs; every job is stored once, whoever scraped it."""

    def upsert_many(
        self,
        session: Session,
        jobs: Sequence[tuple[str, NormalizedJob]],
        criteria_tags: Sequence[str] = (),
        rows: Sequence[tuple[Any, ...]] | None = None,
    ) -> UpsertResult:
        """Insert the jobs whose hash is new, in one COPY and one INSERT ... ON CONFLICT DO NOTHING.

        `rows` are the jobs' COPY rows (copy_row), in the order of `jobs`, when the caller built them ahead.
        Rows go in sorted by hash so that two writers with overlapping batches take row locks in the same
        order (unsorted batches deadlock). The caller owns the transaction.
        """
        if not jobs:
            return UpsertResult(ids={}, inserted=set())
        if rows is None:
            tags = tags_json(criteria_tags)
            rows = [copy_row(job_hash, job, tags) for job_hash, job in jobs]
        ordered = sorted(rows, key=lambda row: row[0])
        raw = psycopg_connection(session.connection())
        with raw.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE IF NOT EXISTS incoming_job (LIKE job_pool INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
            )
            cursor.execute("TRUNCATE incoming_job")
            with cursor.copy(f"COPY incoming_job ({_COLUMN_LIST}) FROM STDIN") as copy:
                for row in ordered:
                    copy.write_row(row)
            cursor.execute(
                f"INSERT INTO job_pool ({_COLUMN_LIST}, scraped_at, last_verified_at) "
                f"SELECT {_COLUMN_LIST}, now(), now() FROM incoming_job i "
                "WHERE NOT EXISTS (SELECT 1 FROM job_pool p WHERE p.hash = i.hash) "
                "AND NOT EXISTS (SELECT 1 FROM job_pool_merge m WHERE m.dropped_hash = i.hash) ORDER BY hash "
                "ON CONFLICT (hash) DO NOTHING RETURNING hash"
            )
            inserted = {row[0] for row in cursor.fetchall()}
            # A posting merged into another job (job_pool_merge) is that job from now on.
            cursor.execute(
                "SELECT p.hash, p.id FROM job_pool p JOIN incoming_job i ON i.hash = p.hash "
                "UNION ALL SELECT m.dropped_hash, m.kept_id FROM job_pool_merge m JOIN incoming_job i "
                "ON i.hash = m.dropped_hash"
            )
            ids = {row[0]: row[1] for row in cursor.fetchall()}
            cursor.execute("TRUNCATE incoming_job")
        return UpsertResult(ids=ids, inserted=inserted)

    @staticmethod
    def count(session: Session) -> int:
        """How many jobs the pool holds (planner estimate above 100,000 rows, exact below)."""
        estimate = session.execute(
            text("SELECT reltuples::bigint FROM pg_class WHERE oid = 'job_pool'::regclass")
        ).scalar_one()
        if estimate is not None and estimate > 100_000:
            return int(estimate)
        return int(session.scalar(select(func.count()).select_from(PoolJob)) or 0)
