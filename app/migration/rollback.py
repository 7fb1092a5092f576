"""Rollback of a migration: `job` back from `job_legacy` with the same ids and values, nothing lost.

Inside the service's one transaction:
1. Changes made on migrated cards since the migration are written to their legacy rows (a card counts as
   changed where it differs from what the migration made of its rows, recomputed by migrate.LINK_VALUES_SQL):
   a new status goes to every row of the card (as its column name); new notes, score or gap analysis go to
   the card's primary row (legacy_job_id), the other rows keep theirs. Cards nobody touched change nothing,
   so a rollback right after a migration gives back the v1 tables exactly.
2. Cards created since the migration (new ingestions) become new v1 rows of their profiles, with the card's id
   as the row id, the pool job's fields, the pool hash (NULL if the profile has a row with that hash already),
   salary text from metadata.salary_text or the parsed range, and the embedding only if it is a legacy one.
3. The mapping column is dropped, `job_legacy` renamed back to `job`, and the schema revisions downgraded:
   the v2 tables go, users gets back its v1 shape and names (revision 0001), alembic_version is dropped.
What only v2 can hold (profile resumes, the ingestion log) is counted in the report and kept in the backup
the service takes first.
"""

from __future__ import annotations

from sqlalchemy import Connection, inspect, text

from app.migration.legacy import ARCHIVE_TABLE, LEGACY_TABLE, MAPPING_COLUMN
from app.migration.migrate import FIRST_NOTE, LINK_VALUES_SQL, NOTES_SEPARATOR, ROW_FACTS
from db import models  # noqa: F401 - registers every v2 table on Base.metadata
from db.base import Base
from db.schema import alembic_config

_ROWS_SQL = f"""
CREATE TEMP TABLE mig_row ON COMMIT DROP AS
SELECT w.*, {FIRST_NOTE} FROM (
  SELECT {ROW_FACTS}, j.{MAPPING_COLUMN} AS link_id
  FROM {ARCHIVE_TABLE} j JOIN mig_status s ON s.raw = j.status
  WHERE j.{MAPPING_COLUMN} IS NOT NULL
) w
"""

_STATUS_CHANGES_SQL = f"""
UPDATE {ARCHIVE_TABLE} j SET status = u.status::text, updated_at = u.updated_at
FROM user_job u JOIN rb_expected e ON e.link_id = u.id
WHERE j.{MAPPING_COLUMN} = u.id AND u.status <> e.status
RETURNING j.id
"""

_CONTENT_CHANGES_SQL = f"""
UPDATE {ARCHIVE_TABLE} j SET
  notes = CASE WHEN u.notes IS DISTINCT FROM e.notes THEN u.notes ELSE j.notes END,
  match_score = CASE WHEN u.match_score IS DISTINCT FROM e.match_score THEN u.match_score ELSE j.match_score END,
  gap_analysis = CASE WHEN u.gap_analysis IS DISTINCT FROM e.gap_analysis THEN u.gap_analysis
                      ELSE j.gap_analysis END,
  updated_at = greatest(u.updated_at, j.updated_at)
FROM user_job u JOIN rb_expected e ON e.link_id = u.id
WHERE j.id = u.legacy_job_id AND j.{MAPPING_COLUMN} = u.id
  AND (u.notes IS DISTINCT FROM e.notes OR u.match_score IS DISTINCT FROM e.match_score
       OR u.gap_analysis IS DISTINCT FROM e.gap_analysis)
RETURNING j.id
"""

_SALARY_TEXT = """nullif(concat_ws(' ', p.salary_currency,
    nullif(concat_ws('–', p.salary_min::text,
                     CASE WHEN p.salary_max IS DISTINCT FROM p.salary_min THEN p.salary_max::text END), ''),
    'per ' || p.salary_period), '')"""

_NEW_LINKS_SQL = f"""
INSERT INTO {ARCHIVE_TABLE} (id, user_id, hash, source, external_id, url, title, company, location, description,
  salary, job_type, is_remote, posted_at, status, match_score, gap_analysis, notes, embedding, created_at, updated_at,
  {MAPPING_COLUMN})
SELECT u.id, u.user_id,
  CASE WHEN EXISTS (SELECT 1 FROM {ARCHIVE_TABLE} x WHERE x.user_id = u.user_id AND x.hash = p.hash)
       THEN NULL ELSE p.hash END,
  p.source, p.external_id, coalesce(p.url, p.apply_url), p.title, p.company, p.location, p.description,
  coalesce(p.metadata->>'salary_text', {_SALARY_TEXT}),
  p.job_type, p.is_remote, p.posted_at, u.status::text, u.match_score, u.gap_analysis, u.notes,
  CASE WHEN p.embedding_model = 'legacy' THEN p.embedding END, u.added_at, u.updated_at, u.id
FROM user_job u JOIN job_pool p ON p.id = u.job_pool_id
WHERE NOT EXISTS (SELECT 1 FROM {ARCHIVE_TABLE} j WHERE j.{MAPPING_COLUMN} = u.id)
ORDER BY u.user_id, u.added_at, u.id
"""

_DROPPED_SQL = """
SELECT (SELECT count(*) FROM user_job) AS links, (SELECT count(*) FROM job_pool) AS pool_jobs,
  (SELECT count(*) FROM users WHERE resume_text IS NOT NULL OR resume_embedding IS NOT NULL) AS resumes,
  (SELECT count(*) FROM ingestion_run) AS runs
"""


def count_before(connection: Connection) -> dict[str, int]:
    """What the rollback removes or cannot carry into v1, counted before it does."""
    row = connection.execute(text(_DROPPED_SQL)).one()
    restored = connection.execute(text(f"SELECT count(*) FROM {ARCHIVE_TABLE}")).scalar_one()
    return {
        "links": row.links,
        "pool_jobs": row.pool_jobs,
        "resumes": row.resumes,
        "runs": row.runs,
        "restored": int(restored),
    }


def carry_back_changes(connection: Connection) -> int:
    """Write changes made on migrated cards since the migration to their legacy rows; returns rows updated."""
    connection.exec_driver_sql(_ROWS_SQL)
    connection.execute(
        text(f"CREATE TEMP TABLE rb_expected ON COMMIT DROP AS {LINK_VALUES_SQL}"), {"separator": NOTES_SEPARATOR}
    )
    connection.exec_driver_sql("ALTER TABLE rb_expected ADD PRIMARY KEY (link_id)")
    updated = {row[0] for row in connection.exec_driver_sql(_STATUS_CHANGES_SQL)}
    updated.update(row[0] for row in connection.exec_driver_sql(_CONTENT_CHANGES_SQL))
    return len(updated)


def carry_back_new_links(connection: Connection) -> int:
    """Turn cards created since the migration into new v1 rows of their profiles; returns how many."""
    return connection.exec_driver_sql(_NEW_LINKS_SQL).rowcount


def _empty_v2_tables(connection: Connection) -> None:
    """Empty the model's tables (not users) before the downgrade drops them.

    A downgrade may rebuild an index on its way down (an HNSW index over every pool job takes minutes); on an
    empty table that is instant. Only tables of the v2 model are touched, never a table JobPool does not own.
    """
    existing = set(inspect(connection).get_table_names())
    tables = [t.name for t in Base.metadata.sorted_tables if t.name != "users" and t.name in existing]
    if tables:
        connection.exec_driver_sql("TRUNCATE " + ", ".join(f'"{name}"' for name in tables))


def restore_v1_schema(connection: Connection) -> None:
    """Rename job_legacy back to job and downgrade every schema revision (the v2 tables go)."""
    from alembic import command  # loaded for a rollback only, not with the window

    connection.exec_driver_sql("DROP TABLE IF EXISTS mig_row, rb_expected, mig_status")
    _empty_v2_tables(connection)
    connection.exec_driver_sql(f"ALTER TABLE {ARCHIVE_TABLE} DROP COLUMN {MAPPING_COLUMN}")
    connection.exec_driver_sql(f"ALTER TABLE {ARCHIVE_TABLE} RENAME TO {LEGACY_TABLE}")
    command.downgrade(alembic_config(connection), "base")
    connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
