"""Merging pool jobs that are one posting: set-based SQL over a temp table of (dropped, kept) pairs.

Used by the re-hash of revision 0008 (rows whose v3 hashes collide) and by a person's "Merge" of a possible
duplicate. For every profile with cards on more than one of the merged pool jobs, one card stays: the one in the
latest column in board order (the most advanced status; then the earliest added, then the smallest id). It takes
every distinct non-empty note (oldest first), the earliest added date and the best match score; the rows of the
other cards in CARD_TABLES are re-pointed to it, then those cards are deleted. Cards on a dropped pool job move to
the kept one, as do the rows of POOL_TABLES. The kept pool job fills its empty fields from the dropped ones.
Each dropped pool job is recorded in job_pool_merge (its hash, where it went, why, how many cards merged).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection

from app.migration.legacy import copy_rows

log = logging.getLogger(__name__)

NOTES_SEPARATOR = "\n\n———— merged from another copy of this job ————\n\n"


@dataclass(frozen=True, slots=True)
class HangingTable:
    """A table whose rows point at a card or a pool job: `column` is the pointer; `unique` the other columns
    that, with the pointer, are unique, or `single` when the pointer alone is (a row that would collide with one of
    the kept row's is dropped); other tables' rows all move."""

    table: str
    column: str
    unique: tuple[str, ...] = ()
    single: bool = False  # at most one row per pointer (a card's one follow-up): the kept card's, else the oldest


# ---- Tables hanging off a card (user_job.id). A table that points at a card must be listed here, so that merging
# ---- two cards carries its rows over (status history, tags, interviews, contacts, reminders...).
CARD_TABLES: tuple[HangingTable, ...] = (
    HangingTable("status_event", "user_job_id"),
    HangingTable("reminder", "user_job_id", single=True),
    HangingTable("interview", "user_job_id"),
    HangingTable("contact", "user_job_id"),
)

# ---- Tables hanging off a pool job (job_pool.id), besides user_job (merged above) and job_pool_merge.
POOL_TABLES: tuple[HangingTable, ...] = (HangingTable("ingestion_run_job", "job_pool_id", ("run_id",)),)

# Pool fields a kept job takes from a dropped one when it has none.
_FILLABLE = (
    "source",
    "external_id",
    "url",
    "apply_url",
    "description",
    "salary_min",
    "salary_max",
    "salary_currency",
    "salary_period",
    "job_type",
    "is_remote",
    "posted_at",
    "skills",
)


@dataclass(frozen=True, slots=True)
class MergeReport:
    """What one merge did."""

    pool_jobs_merged: int
    cards_merged: int


def _repoint(connection: Connection, hanging: HangingTable, mapping: str, old: str, new: str) -> None:
    """Point `hanging` rows from mapping.old to mapping.new, dropping those that would duplicate a kept row."""
    t, c = hanging.table, hanging.column
    if hanging.unique or hanging.single:
        same = " AND ".join(f"k.{u} IS NOT DISTINCT FROM d.{u}" for u in hanging.unique) or "true"
        connection.exec_driver_sql(
            f"DELETE FROM {t} d USING {mapping} m WHERE d.{c} = m.{old} "
            f"AND EXISTS (SELECT 1 FROM {t} k WHERE k.{c} = m.{new} AND {same})"
        )
        # Two dropped rows moving onto one kept id must not collide with each other either.
        partition = ", ".join(f"d.{u}" for u in hanging.unique) or "true"
        connection.exec_driver_sql(
            f"DELETE FROM {t} WHERE ctid IN (SELECT ctid FROM (SELECT d.ctid, row_number() OVER "
            f"(PARTITION BY m.{new}, {partition} ORDER BY d.ctid) AS n FROM {t} d JOIN {mapping} m "
            f"ON d.{c} = m.{old}) x WHERE x.n > 1)"
        )
    connection.exec_driver_sql(f"UPDATE {t} d SET {c} = m.{new} FROM {mapping} m WHERE d.{c} = m.{old}")


_NOT_DUPLICATE_SQL = """
INSERT INTO job_pool_not_duplicate (user_id, job_pool_id, other_job_pool_id, decided_at)
SELECT n.user_id, least(a, b), greatest(a, b), n.decided_at FROM (
  SELECT n.user_id, n.decided_at,
    coalesce(ma.kept_id, n.job_pool_id) AS a, coalesce(mb.kept_id, n.other_job_pool_id) AS b
  FROM job_pool_not_duplicate n
  LEFT JOIN pool_merge ma ON ma.dropped_id = n.job_pool_id
  LEFT JOIN pool_merge mb ON mb.dropped_id = n.other_job_pool_id
  WHERE ma.dropped_id IS NOT NULL OR mb.dropped_id IS NOT NULL
) n WHERE a <> b
ON CONFLICT DO NOTHING
"""


def _move_not_duplicate_answers(connection: Connection) -> None:
    # An answer about a dropped job now speaks of its kept job; one between two jobs that became one means nothing.
    connection.exec_driver_sql(_NOT_DUPLICATE_SQL)
    connection.exec_driver_sql(
        "DELETE FROM job_pool_not_duplicate n USING pool_merge m "
        "WHERE n.job_pool_id = m.dropped_id OR n.other_job_pool_id = m.dropped_id"
    )


_CARD_GROUPS_SQL = """
CREATE TEMP TABLE merge_card ON COMMIT DROP AS
SELECT c.id, c.user_id, c.group_id,
  first_value(c.id) OVER (PARTITION BY c.user_id, c.group_id ORDER BY c.status DESC, c.added_at, c.id) AS kept_card
FROM (
  SELECT u.id, u.user_id, u.status, u.added_at, coalesce(m.kept_id, u.job_pool_id) AS group_id
  FROM user_job u LEFT JOIN pool_merge m ON m.dropped_id = u.job_pool_id
  WHERE u.job_pool_id IN (SELECT dropped_id FROM pool_merge UNION SELECT kept_id FROM pool_merge)
) c
"""

_KEPT_CARDS_SQL = """
UPDATE user_job u SET
  status = v.status,
  notes = v.notes,
  added_at = v.added_at,
  match_score = v.match_score,
  updated_at = now()
FROM (
  SELECT g.kept_card, max(x.status) AS status, min(x.added_at) AS added_at, max(x.match_score) AS match_score,
    string_agg(x.notes, %(separator)s ORDER BY x.added_at, x.id) FILTER (WHERE x.first_note) AS notes
  FROM merge_card g
  JOIN (
    SELECT u2.*, nullif(btrim(u2.notes), '') IS NOT NULL
      AND row_number() OVER (PARTITION BY g2.kept_card, btrim(u2.notes) ORDER BY u2.added_at, u2.id) = 1 AS first_note
    FROM user_job u2 JOIN merge_card g2 ON g2.id = u2.id
  ) x ON x.id = g.id
  GROUP BY g.kept_card HAVING count(*) > 1
) v
WHERE u.id = v.kept_card
"""

# The kept card carries the tags of every card merged into it.
_KEPT_TAGS_SQL = """
UPDATE user_job u SET tags = v.tags
FROM (
  SELECT g.kept_card, array_agg(DISTINCT tag ORDER BY tag) AS tags
  FROM merge_card g JOIN user_job x ON x.id = g.id CROSS JOIN LATERAL unnest(x.tags) AS tag
  GROUP BY g.kept_card
) v
WHERE u.id = v.kept_card AND u.tags IS DISTINCT FROM v.tags
"""


def merge_pool_jobs(connection: Connection, pairs: Iterable[tuple[object, object]], reason: str) -> MergeReport:
    """Merge each dropped pool job into its kept one ((dropped_id, kept_id) pairs; a kept job is never dropped)."""
    connection.exec_driver_sql("DROP TABLE IF EXISTS pool_merge")
    connection.exec_driver_sql(
        "CREATE TEMP TABLE pool_merge (dropped_id uuid PRIMARY KEY, kept_id uuid NOT NULL) ON COMMIT DROP"
    )
    copy_rows(connection, "pool_merge", ("dropped_id", "kept_id"), ((str(d), str(k)) for d, k in pairs))
    return _merge_loaded(connection, reason)


def _merge_loaded(connection: Connection, reason: str) -> MergeReport:
    dropped = int(connection.exec_driver_sql("SELECT count(*) FROM pool_merge").scalar_one())
    if not dropped:
        return MergeReport(0, 0)
    connection.exec_driver_sql("ANALYZE pool_merge")
    connection.exec_driver_sql("DROP TABLE IF EXISTS merge_card")
    connection.exec_driver_sql(_CARD_GROUPS_SQL)
    connection.exec_driver_sql(
        "CREATE TEMP TABLE card_merge ON COMMIT DROP AS "
        "SELECT id AS dropped_card, kept_card, group_id FROM merge_card WHERE id <> kept_card"
    )
    cards = int(connection.exec_driver_sql("SELECT count(*) FROM card_merge").scalar_one())
    # The kept card's status change is recorded in its history as made by a merge.
    connection.exec_driver_sql("SELECT set_config('jobpool.via', 'merge', true)")
    connection.exec_driver_sql(_KEPT_CARDS_SQL, {"separator": NOTES_SEPARATOR})
    connection.exec_driver_sql(_KEPT_TAGS_SQL)
    for hanging in CARD_TABLES:
        _repoint(connection, hanging, "card_merge", "dropped_card", "kept_card")
    connection.exec_driver_sql(
        "INSERT INTO job_pool_merge (dropped_id, dropped_hash, kept_id, reason, cards_merged) "
        "SELECT m.dropped_id, p.hash, m.kept_id, %(reason)s, CASE WHEN m.dropped_id = "
        "(SELECT min(o.dropped_id::text)::uuid FROM pool_merge o WHERE o.kept_id = m.kept_id) "
        "THEN (SELECT count(*) FROM card_merge c WHERE c.group_id = m.kept_id) ELSE 0 END "
        "FROM pool_merge m JOIN job_pool p ON p.id = m.dropped_id "
        "ON CONFLICT (dropped_id) DO NOTHING",
        {"reason": reason},
    )
    connection.exec_driver_sql("DELETE FROM user_job u USING card_merge c WHERE u.id = c.dropped_card")
    connection.exec_driver_sql(
        "UPDATE user_job u SET job_pool_id = m.kept_id FROM pool_merge m WHERE u.job_pool_id = m.dropped_id"
    )
    for hanging in POOL_TABLES:
        _repoint(connection, hanging, "pool_merge", "dropped_id", "kept_id")
    _move_not_duplicate_answers(connection)
    _fill_kept(connection, _FILLABLE)
    connection.exec_driver_sql(
        "UPDATE job_pool_merge j SET kept_id = m.kept_id FROM pool_merge m WHERE j.kept_id = m.dropped_id"
    )
    connection.exec_driver_sql("DELETE FROM job_pool p USING pool_merge m WHERE p.id = m.dropped_id")
    log.info("merged %d pool jobs into others (%s); %d cards merged into one per profile", dropped, reason, cards)
    return MergeReport(pool_jobs_merged=dropped, cards_merged=cards)


def _fill_kept(connection: Connection, columns: Sequence[str]) -> None:
    sets = ", ".join(f"{c} = coalesce(p.{c}, d.{c})" for c in columns)
    picks = ", ".join(
        f"(array_agg(d.{c} ORDER BY d.scraped_at, d.id) FILTER (WHERE d.{c} IS NOT NULL))[1] AS {c}" for c in columns
    )
    connection.exec_driver_sql(
        f"UPDATE job_pool p SET {sets} FROM (SELECT m.kept_id, {picks} FROM pool_merge m "
        f"JOIN job_pool d ON d.id = m.dropped_id GROUP BY m.kept_id) d WHERE p.id = d.kept_id"
    )
