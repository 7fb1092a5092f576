"""Re-hashing the pool under the current rule (app.hashing) and merging the rows that now collide.

Revision 0008 runs it when the rule becomes v3; it is idempotent (a second run finds every hash current and
nothing to merge). The hashes are computed in Python, once per distinct (company, title, location), streamed in
batches from a server-side cursor, then everything else is a few set-based statements.
"""

from __future__ import annotations

import logging

from sqlalchemy import Connection, text

from app.dedup.merge import MergeReport, merge_pool_jobs
from app.hashing import job_hash
from app.migration.legacy import copy_rows

log = logging.getLogger(__name__)

BATCH = 10_000

_KEEPER_SQL = """
SELECT id, kept_id FROM (
  SELECT p.id, first_value(p.id) OVER (PARTITION BY r.hash ORDER BY p.scraped_at, p.id) AS kept_id
  FROM job_pool p JOIN pool_rehash r ON r.id = p.id
  WHERE r.hash IN (SELECT hash FROM pool_rehash GROUP BY hash HAVING count(*) > 1)
) x WHERE id <> kept_id
"""


def rehash_pool(connection: Connection) -> tuple[int, MergeReport]:
    """Give every pool job its current hash, merging jobs that share one; returns (hashes changed, merge report)."""
    connection.exec_driver_sql("DROP TABLE IF EXISTS pool_rehash")
    connection.exec_driver_sql("CREATE TEMP TABLE pool_rehash (id uuid PRIMARY KEY, hash text NOT NULL) ON COMMIT DROP")
    cache: dict[tuple[str | None, str | None, str | None], str] = {}
    result = connection.execute(
        text("SELECT id, company, title, location FROM job_pool").execution_options(
            stream_results=True, yield_per=BATCH
        )
    )
    for rows in result.partitions(BATCH):
        changed = []
        for row in rows:
            triple = (row.company, row.title, row.location)
            value = cache.get(triple)
            if value is None:
                value = cache[triple] = job_hash(row.company, row.title, row.location)
            changed.append((row.id, value))
        copy_rows(connection, "pool_rehash", ("id", "hash"), changed)
    connection.exec_driver_sql("ANALYZE pool_rehash")
    pairs = connection.exec_driver_sql(_KEEPER_SQL).all()
    report = merge_pool_jobs(connection, ((row.id, row.kept_id) for row in pairs), reason="rehash v3")
    updated = connection.exec_driver_sql(
        "UPDATE job_pool p SET hash = r.hash FROM pool_rehash r WHERE p.id = r.id AND p.hash <> r.hash"
    ).rowcount
    log.info(
        "re-hashed %d pool jobs; merged %d into others, %d cards", updated, report.pool_jobs_merged, report.cards_merged
    )
    return updated, report
