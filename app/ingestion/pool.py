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
from app.settings import DEFAULT_REPOST_GAP_DAYS
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
    "posted_at_inferred",
    "source_format",
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
        job.posted_at_inferred,
        job.source_format,
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


# What a pool job lacks is filled in from a later item ("enrich on hit"), never overwriting a value it has; a date
# counted back from an age gives way to one read as written. Only rows that gain something are written, locked in
# hash order like the inserts, so writers never deadlock.
_GAINS = """
    (p.external_id IS NULL AND i.external_id IS NOT NULL)
    OR (p.url IS NULL AND i.url IS NOT NULL)
    OR (p.apply_url IS NULL AND i.apply_url IS NOT NULL)
    OR (p.description IS NULL AND i.description IS NOT NULL)
    OR (p.job_type IS NULL AND i.job_type IS NOT NULL)
    OR (p.is_remote IS NULL AND i.is_remote IS NOT NULL)
    OR (p.salary_min IS NULL AND p.salary_max IS NULL AND (i.salary_min IS NOT NULL OR i.salary_max IS NOT NULL))
    OR (i.posted_at IS NOT NULL AND (p.posted_at IS NULL OR (p.posted_at_inferred AND NOT i.posted_at_inferred)))
"""
# One statement after the COPY: the pooled rows of the batch are read once (the ids the caller needs, merged
# postings mapped to the job they were merged into, whether each gains something), those that gain something are
# filled in (locked in hash order like the inserts, so writers never deadlock), every pooled job counts one more
# sighting, and the rest are inserted.
# A pooled job seen again counts one more sighting, and a return after the repost gap marks it reposted. A job seen
# once has no sighting row (it was first and last seen when scraped), so new jobs cost nothing here. Sightings are
# written in pool id order and inserts in hash order (no two writers lock in opposite orders).
_UPSERT = f"""
WITH pooled AS MATERIALIZED (
    SELECT p.hash, p.id, p.scraped_at, {_GAINS} AS gains FROM job_pool p JOIN incoming_job i ON i.hash = p.hash
),
merged AS MATERIALIZED (
    SELECT m.dropped_hash AS hash, m.kept_id AS id FROM job_pool_merge m JOIN incoming_job i ON i.hash = m.dropped_hash
),
gain AS (
    SELECT p.id, i.external_id, i.url, i.apply_url, i.description, i.job_type, i.is_remote, i.salary_min,
           i.salary_max, i.salary_currency, i.salary_period, i.posted_at, i.posted_at_inferred
    FROM pooled g JOIN job_pool p ON p.id = g.id JOIN incoming_job i ON i.hash = g.hash
    WHERE g.gains AND ({_GAINS})
    ORDER BY p.hash
    FOR UPDATE OF p
),
enriched AS (
    UPDATE job_pool p SET
        external_id = coalesce(p.external_id, gain.external_id),
        url = coalesce(p.url, gain.url),
        apply_url = coalesce(p.apply_url, gain.apply_url),
        description = coalesce(p.description, gain.description),
        job_type = coalesce(p.job_type, gain.job_type),
        is_remote = coalesce(p.is_remote, gain.is_remote),
        salary_min = CASE WHEN p.salary_min IS NULL AND p.salary_max IS NULL THEN gain.salary_min
                          ELSE p.salary_min END,
        salary_max = CASE WHEN p.salary_min IS NULL AND p.salary_max IS NULL THEN gain.salary_max
                          ELSE p.salary_max END,
        salary_currency = CASE WHEN p.salary_min IS NULL AND p.salary_max IS NULL THEN gain.salary_currency
                               ELSE p.salary_currency END,
        salary_period = CASE WHEN p.salary_min IS NULL AND p.salary_max IS NULL THEN gain.salary_period
                             ELSE p.salary_period END,
        posted_at = CASE WHEN gain.posted_at IS NOT NULL
                          AND (p.posted_at IS NULL OR (p.posted_at_inferred AND NOT gain.posted_at_inferred))
                         THEN gain.posted_at ELSE p.posted_at END,
        posted_at_inferred = CASE WHEN gain.posted_at IS NOT NULL
                                   AND (p.posted_at IS NULL OR (p.posted_at_inferred AND NOT gain.posted_at_inferred))
                                  THEN gain.posted_at_inferred ELSE p.posted_at_inferred END
    FROM gain
    WHERE p.id = gain.id
),
seen AS (
    INSERT INTO job_pool_sighting AS s (job_pool_id, first_seen_at, last_seen_at, times_seen, reposted_at)
    SELECT id, scraped_at, now(), 2, CASE WHEN scraped_at < now() - make_interval(days => %(gap)s) THEN now() END
    FROM pooled
    ORDER BY id
    ON CONFLICT (job_pool_id) DO UPDATE SET
        last_seen_at = now(),
        times_seen = s.times_seen + 1,
        reposted_at = CASE WHEN s.last_seen_at < now() - make_interval(days => %(gap)s) THEN now()
                           ELSE s.reposted_at END
),
added AS (
    INSERT INTO job_pool ({_COLUMN_LIST}, scraped_at, last_verified_at)
    SELECT {_COLUMN_LIST}, now(), now() FROM incoming_job i
    WHERE NOT EXISTS (SELECT 1 FROM pooled p WHERE p.hash = i.hash)
      AND NOT EXISTS (SELECT 1 FROM merged m WHERE m.hash = i.hash)
    ORDER BY hash
    ON CONFLICT (hash) DO NOTHING
    RETURNING hash, id
)
SELECT hash, id, false FROM pooled
UNION ALL SELECT hash, id, false FROM merged
UNION ALL SELECT hash, id, true FROM added
"""
# Not CREATE ... IF NOT EXISTS, which would send a notice ("already exists, skipping") with every chunk.
_MAKE_INCOMING = f"""
DO $$ BEGIN
    IF to_regclass('pg_temp.incoming_job') IS NULL THEN
        CREATE TEMP TABLE incoming_job ON COMMIT DELETE ROWS AS SELECT {_COLUMN_LIST} FROM job_pool WITH NO DATA;
    END IF;
END $$
"""


class JobPoolService:
    """Writes and counts pool jobs; every job is stored once, whoever scraped it."""

    def __init__(self, repost_gap_days: int = DEFAULT_REPOST_GAP_DAYS) -> None:
        self.repost_gap_days = repost_gap_days

    def upsert_many(
        self,
        session: Session,
        jobs: Sequence[tuple[str, NormalizedJob]],
        criteria_tags: Sequence[str] = (),
        rows: Sequence[tuple[Any, ...]] | None = None,
    ) -> UpsertResult:
        """Insert the jobs whose hash is new, in one COPY and one INSERT ... ON CONFLICT DO NOTHING.

        Jobs already pooled first gain what they lacked (one UPDATE of only those rows) and count one more sighting
        (one INSERT ... ON CONFLICT DO UPDATE on the narrow sightings table).

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
            # Only the COPY columns, without defaults (none is evaluated per row); made once per connection and
            # emptied by each commit (ON COMMIT DELETE ROWS). DELETE rather than TRUNCATE: on a table that is
            # empty (every call but a second one in the same transaction) it costs nothing, where TRUNCATE
            # replaces the table's file each time.
            cursor.execute(_MAKE_INCOMING)
            cursor.execute("DELETE FROM incoming_job")
            with cursor.copy(f"COPY incoming_job ({_COLUMN_LIST}) FROM STDIN") as copy:
                for row in ordered:
                    copy.write_row(row)
            cursor.execute(_UPSERT, {"gap": self.repost_gap_days})
            ids: dict[str, uuid.UUID] = {}
            inserted: set[str] = set()
            for job_hash, pool_id, is_new in cursor.fetchall():
                ids[job_hash] = pool_id
                if is_new:
                    inserted.add(job_hash)
            if len(ids) < len(ordered):
                # A concurrent writer committed some of these hashes after this statement's snapshot was taken:
                # ON CONFLICT skipped them, and the pooled rows read beside it could not see them yet. A new
                # statement sees them.
                cursor.execute(
                    "SELECT p.hash, p.id FROM job_pool p JOIN incoming_job i ON i.hash = p.hash "
                    "WHERE p.hash <> ALL(%(known)s)",
                    {"known": list(ids)},
                )
                ids.update((row[0], row[1]) for row in cursor.fetchall())
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
