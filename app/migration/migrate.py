"""The set-based migration of v1 rows into the shared pool; runs inside the service's one transaction.

Rules (docs/ARCHITECTURE.md, "Legacy (v1) databases"), all applied by a few INSERT ... SELECT
statements over temp tables (mig_key: pool hash per legacy row, computed in Python by app.hashing.job_hash;
mig_status: status mapping; mig_salary: parsed salary texts; mig_row: one row of facts per legacy row):

- one pool job per pool hash; the most complete legacy row wins (most filled fields, then the longest
  description, then the most recently touched, then the smallest id) and gives the pool row its id;
  its embedding is kept (embedding_model "legacy"), or another row's of the same job when it has none;
  salary text is parsed into salary_min/max/currency/period and kept raw in metadata.salary_text;
- one card per (profile, pool hash): the row with the latest status in board order is the card's primary row
  and gives the card its id and legacy_job_id; the card takes the latest status, every distinct non-empty
  note (oldest first, joined by NOTES_SEPARATOR), the primary row's score and gap analysis (else the next
  row's), unmapped status texts in legacy_status, and the newest tailored resume of its rows;
- `job` is renamed `job_legacy` (ids, constraints and tailored_resume's foreign key stay as they are) and
  gains MAPPING_COLUMN: the card each legacy row lives in now. Verification and rollback read it.
Ids and timestamps come from the legacy data, so migrating the same v1 data twice gives identical rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Connection, text

from app.migration.legacy import ARCHIVE_TABLE, LEGACY_TABLE, MAPPING_COLUMN, load_salaries

NOTES_SEPARATOR = "\n\n———— merged from another copy of this job ————\n\n"

# One legacy row's facts for its card; `j` is the legacy table, `s` its row in mig_status.
ROW_FACTS = """j.id, j.user_id, s.status, s.known, j.status AS raw_status, j.created_at,
  coalesce(j.updated_at, j.created_at) AS touched_at, j.notes,
  CASE WHEN j.match_score IS NOT NULL THEN least(greatest(j.match_score, 0), 100) END AS match_score,
  j.gap_analysis"""
FIRST_NOTE = "row_number() OVER (PARTITION BY w.link_id, w.notes ORDER BY w.created_at, w.id) = 1 AS first_note"
PRIMARY_FIRST = "r.status DESC, r.touched_at DESC, r.id"

# What a card holds, aggregated from its legacy rows in mig_row (the migration writes it; a rollback
# compares it with the card to find what the user changed since).
LINK_VALUES_SQL = f"""
SELECT r.link_id, r.user_id, max(r.status) AS status,
  (array_agg(r.match_score ORDER BY {PRIMARY_FIRST}) FILTER (WHERE r.match_score IS NOT NULL))[1] AS match_score,
  (array_agg(r.gap_analysis ORDER BY {PRIMARY_FIRST}) FILTER (WHERE r.gap_analysis IS NOT NULL))[1] AS gap_analysis,
  string_agg(r.notes, :separator ORDER BY r.created_at, r.id) FILTER (WHERE r.notes <> '' AND r.first_note) AS notes,
  string_agg(DISTINCT r.raw_status, ' / ') FILTER (WHERE NOT r.known) AS legacy_status,
  min(r.created_at) AS added_at, max(r.touched_at) AS updated_at,
  max(r.touched_at) FILTER (WHERE r.id = r.link_id) AS status_changed_at
FROM mig_row r GROUP BY r.link_id, r.user_id
"""

_FILLED = ("source", "external_id", "url", "company", "location", "description", "salary", "job_type")
_COMPLETENESS = " + ".join(
    [f"(nullif(btrim(j.{c}), '') IS NOT NULL)::int" for c in _FILLED]
    + ["(j.is_remote IS NOT NULL)::int", "(j.posted_at IS NOT NULL)::int", "(j.embedding IS NOT NULL)::int"]
)

_ROW_TABLE_SQL = f"""
CREATE TEMP TABLE mig_row ON COMMIT DROP AS
SELECT w.*, {FIRST_NOTE} FROM (
  SELECT b.*,
    first_value(b.id) OVER (PARTITION BY b.hash
      ORDER BY b.completeness DESC, b.description_length DESC, b.touched_at DESC, b.id) AS pool_id,
    first_value(b.id) OVER (PARTITION BY b.user_id, b.hash ORDER BY b.status DESC, b.touched_at DESC, b.id) AS link_id
  FROM (
    SELECT {ROW_FACTS}, k.hash, {_COMPLETENESS} AS completeness,
      coalesce(length(j.description), 0) AS description_length, j.embedding IS NOT NULL AS has_embedding
    FROM {LEGACY_TABLE} j JOIN mig_key k ON k.legacy_id = j.id JOIN mig_status s ON s.raw = j.status
  ) b
) w
"""

_POOL_SQL = f"""
INSERT INTO job_pool (id, hash, source, external_id, url, title, company, location, description, salary_min,
  salary_max, salary_currency, salary_period, job_type, is_remote, posted_at, metadata, embedding, embedding_model,
  scraped_at)
SELECT j.id, g.hash, j.source, j.external_id, j.url, j.title, j.company, j.location, j.description,
  sal.salary_min, sal.salary_max, sal.salary_currency, sal.salary_period, j.job_type, j.is_remote, j.posted_at,
  jsonb_strip_nulls(jsonb_build_object('migrated_from', 'v1', 'legacy_job_id', j.id, 'legacy_hash', j.hash,
                                       'salary_text', j.salary)),
  e.embedding, CASE WHEN e.embedding IS NOT NULL THEN 'legacy' END, g.first_seen
FROM (SELECT pool_id, hash, min(created_at) AS first_seen, bool_or(has_embedding) AS any_embedding
      FROM mig_row GROUP BY pool_id, hash) g
JOIN {LEGACY_TABLE} j ON j.id = g.pool_id
LEFT JOIN mig_salary sal ON sal.raw = j.salary
CROSS JOIN LATERAL (
  SELECT CASE WHEN j.embedding IS NOT NULL THEN j.embedding
              WHEN g.any_embedding THEN (
                SELECT j2.embedding FROM mig_row r2 JOIN {LEGACY_TABLE} j2 ON j2.id = r2.id
                WHERE r2.pool_id = g.pool_id AND r2.has_embedding
                ORDER BY r2.completeness DESC, r2.description_length DESC, r2.touched_at DESC, r2.id LIMIT 1)
         END AS embedding) e
ORDER BY g.hash
"""

_LINKS_SQL = f"""
INSERT INTO user_job (id, user_id, job_pool_id, status, match_score, gap_analysis, notes, position, added_at,
  updated_at, status_changed_at, legacy_job_id, legacy_status, seen_at)
SELECT v.link_id, v.user_id, p.pool_id, v.status, v.match_score, v.gap_analysis, v.notes,
  row_number() OVER (PARTITION BY v.user_id, v.status ORDER BY v.updated_at DESC, v.link_id),
  v.added_at, v.updated_at, v.status_changed_at, v.link_id, v.legacy_status, v.updated_at
FROM ({LINK_VALUES_SQL}) v
JOIN (SELECT DISTINCT link_id, pool_id FROM mig_row) p ON p.link_id = v.link_id
"""

_RESUMES_SQL = """
UPDATE user_job u SET tailored_resume_id = t.resume_id FROM (
  SELECT DISTINCT ON (r.link_id) r.link_id, tr.id AS resume_id
  FROM tailored_resume tr JOIN mig_row r ON r.id = tr.job_id
  ORDER BY r.link_id, (r.id = r.link_id) DESC, tr.created_at DESC NULLS LAST, tr.id) t
WHERE u.id = t.link_id
"""


@dataclass(frozen=True, slots=True)
class MigratedCounts:
    """What the SQL wrote."""

    pool_jobs: int
    embeddings_kept: int
    pool_salaries_parsed: int
    links: int
    cards_with_resume: int


def build_row_table(connection: Connection) -> None:
    """mig_row: per legacy row its card facts, its pool job (the group's winner) and its card (primary row)."""
    connection.exec_driver_sql(_ROW_TABLE_SQL)
    connection.exec_driver_sql("CREATE INDEX ON mig_row (pool_id)")
    connection.exec_driver_sql("ANALYZE mig_row")


@contextmanager
def bulk_load(connection: Connection, table: str) -> Iterator[None]:
    """Drop a table's plain indexes and foreign keys for a bulk load; create them again from their exact
    definitions afterwards. Primary and unique keys stay: they check the load.

    Filling an HNSW index row by row costs milliseconds per vector and foreign keys are checked row by row;
    building an index once and validating a constraint in one pass is many times faster. The transaction hides
    the gap from everyone else.
    """
    indexes = connection.execute(
        text(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE i.indrelid = to_regclass(:t) AND NOT EXISTS ("
            "  SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid) "
            "ORDER BY c.relname"
        ),
        {"t": table},
    ).all()
    foreign_keys = connection.execute(
        text(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = to_regclass(:t) AND contype = 'f' ORDER BY conname"
        ),
        {"t": table},
    ).all()
    for name, _definition in foreign_keys:
        connection.exec_driver_sql(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        connection.exec_driver_sql(f'DROP INDEX "{name}"')
    yield
    for _name, definition in indexes:
        connection.exec_driver_sql(definition)
    for name, definition in foreign_keys:
        connection.exec_driver_sql(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


def insert_pool_jobs(connection: Connection) -> tuple[int, int, int]:
    """Insert the winner of every pool hash; returns (pool jobs, embeddings kept, salaries parsed)."""
    winners_salaries = connection.execute(
        text(
            f"SELECT DISTINCT j.salary FROM {LEGACY_TABLE} j JOIN (SELECT DISTINCT pool_id FROM mig_row) w "
            "ON w.pool_id = j.id WHERE j.salary IS NOT NULL"
        )
    ).scalars()
    load_salaries(connection, winners_salaries)
    connection.exec_driver_sql("SET LOCAL maintenance_work_mem = '1GB'")
    with bulk_load(connection, "job_pool"):
        pool_jobs = connection.exec_driver_sql(_POOL_SQL).rowcount
    row = connection.execute(
        text(
            "SELECT count(*) FILTER (WHERE embedding IS NOT NULL), "
            "count(*) FILTER (WHERE salary_min IS NOT NULL OR salary_max IS NOT NULL) FROM job_pool"
        )
    ).one()
    return pool_jobs, int(row[0]), int(row[1])


def insert_links(connection: Connection) -> int:
    """One card per (profile, pool hash), merged from that profile's rows of the job."""
    with bulk_load(connection, "user_job"):
        # Each card's history starts with what the legacy row knew: added, and its last column change.
        connection.execute(text("SELECT set_config('jobpool.via', 'migration', true)"))
        return connection.execute(text(_LINKS_SQL), {"separator": NOTES_SEPARATOR}).rowcount


def archive_legacy_table(connection: Connection) -> int:
    """Rename job to job_legacy and record in each row the card it became; returns cards given a resume."""
    connection.exec_driver_sql(f"ALTER TABLE {LEGACY_TABLE} RENAME TO {ARCHIVE_TABLE}")
    connection.exec_driver_sql(f"ALTER TABLE {ARCHIVE_TABLE} ADD COLUMN {MAPPING_COLUMN} uuid")
    connection.exec_driver_sql(
        f"COMMENT ON COLUMN {ARCHIVE_TABLE}.{MAPPING_COLUMN} IS "
        "'The user_job card this v1 row became (its own, or the card it merged into); removed by a rollback.'"
    )
    connection.exec_driver_sql(
        f"UPDATE {ARCHIVE_TABLE} j SET {MAPPING_COLUMN} = r.link_id FROM mig_row r WHERE r.id = j.id"
    )
    return connection.exec_driver_sql(_RESUMES_SQL).rowcount
