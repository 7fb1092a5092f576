"""Verification of a migrated database: every legacy row accounted for, the counts, the key checks.

Run inside the migration's transaction (strict: the cards must hold exactly what the legacy rows say, or the
migration is rolled back) and on demand afterwards, when cards the user changed since are counted, not failed.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

from app.hashing import job_hash
from app.migration.legacy import ARCHIVE_TABLE, MAPPING_COLUMN
from app.migration.records import STATE_MIGRATED, Check, UnaccountedRow, VerificationReport

MAX_LISTED = 200

_UNACCOUNTED_SQL = f"""
SELECT j.id, j.user_id,
  CASE WHEN j.{MAPPING_COLUMN} IS NULL THEN 'no card was recorded for it'
       WHEN u.id IS NULL THEN 'its card no longer exists'
       ELSE 'its card belongs to another profile' END AS reason
FROM {ARCHIVE_TABLE} j LEFT JOIN user_job u ON u.id = j.{MAPPING_COLUMN}
WHERE u.id IS NULL OR u.user_id <> j.user_id
ORDER BY j.user_id, j.id
"""

_COUNTS_SQL = f"""
SELECT (SELECT count(*) FROM {ARCHIVE_TABLE}) AS legacy_rows,
  (SELECT count(*) FROM {ARCHIVE_TABLE} j JOIN user_job u ON u.id = j.{MAPPING_COLUMN}
    WHERE u.legacy_job_id IS DISTINCT FROM j.id AND u.user_id = j.user_id) AS merged_rows,
  (SELECT count(*) FROM users) AS profiles,
  (SELECT count(*) FROM job_pool) AS pool_jobs,
  (SELECT count(*) FROM user_job) AS links,
  (SELECT count(*) FROM user_job WHERE legacy_job_id IS NOT NULL) AS links_from_legacy,
  (SELECT count(*) FROM user_job u WHERE NOT EXISTS (
     SELECT 1 FROM {ARCHIVE_TABLE} j WHERE j.{MAPPING_COLUMN} = u.id)) AS links_since_migration
"""

# (name, what a violation means, SQL counting violations). Foreign keys enforce some of these already;
# checking them costs little and proves it.
_KEY_CHECKS = (
    (
        "cards belong to profiles",
        "cards whose profile does not exist",
        "SELECT count(*) FROM user_job u LEFT JOIN users p ON p.id = u.user_id WHERE p.id IS NULL",
    ),
    (
        "cards point at pool jobs",
        "cards whose pool job does not exist",
        "SELECT count(*) FROM user_job u LEFT JOIN job_pool p ON p.id = u.job_pool_id WHERE p.id IS NULL",
    ),
    (
        "legacy ids on cards exist",
        "cards whose legacy_job_id is not in job_legacy",
        f"SELECT count(*) FROM user_job u LEFT JOIN {ARCHIVE_TABLE} j ON j.id = u.legacy_job_id "
        "WHERE u.legacy_job_id IS NOT NULL AND j.id IS NULL",
    ),
    (
        "legacy ids map back to their cards",
        "cards whose legacy row records another card",
        f"SELECT count(*) FROM user_job u JOIN {ARCHIVE_TABLE} j ON j.id = u.legacy_job_id "
        f"WHERE j.{MAPPING_COLUMN} IS DISTINCT FROM u.id",
    ),
    (
        "tailored resumes on cards exist",
        "cards whose tailored_resume_id is not in tailored_resume",
        "SELECT count(*) FROM user_job u LEFT JOIN tailored_resume t ON t.id = u.tailored_resume_id "
        "WHERE u.tailored_resume_id IS NOT NULL AND t.id IS NULL",
    ),
    (
        "tailored resumes point at legacy jobs",
        "tailored resumes whose job is not in job_legacy",
        f"SELECT count(*) FROM tailored_resume t LEFT JOIN {ARCHIVE_TABLE} j ON j.id = t.job_id "
        "WHERE t.job_id IS NOT NULL AND j.id IS NULL",
    ),
    (
        "legacy rows belong to profiles",
        "legacy rows whose profile does not exist",
        f"SELECT count(*) FROM {ARCHIVE_TABLE} j LEFT JOIN users p ON p.id = j.user_id WHERE p.id IS NULL",
    ),
)

# Content checks: what each card must hold right after migrating. Later, the user's own edits count here.
_CONTENT_CHECKS = (
    (
        "legacy notes on their cards",
        "legacy notes not found in the notes of their card",
        f"SELECT count(*) FROM {ARCHIVE_TABLE} j JOIN user_job u ON u.id = j.{MAPPING_COLUMN} "
        "WHERE j.notes <> '' AND strpos(coalesce(u.notes, ''), j.notes) = 0",
    ),
    (
        "legacy statuses on their cards",
        "cards in an earlier column than one of their legacy rows maps to",
        f"SELECT count(*) FROM {ARCHIVE_TABLE} j JOIN user_job u ON u.id = j.{MAPPING_COLUMN} "
        "JOIN mig_status s ON s.raw = j.status WHERE u.status < s.status",
    ),
)


def _pool_hash_violations(connection: Connection) -> int:
    rows = connection.execute(
        text("SELECT hash, company, title, location FROM job_pool WHERE metadata ? 'legacy_job_id'")
    )
    return sum(1 for row in rows if row.hash != job_hash(row.company, row.title, row.location))


def _run_checks(connection: Connection, checks: tuple[tuple[str, str, str], ...]) -> list[Check]:
    out = []
    for name, meaning, sql in checks:
        violations = int(connection.execute(text(sql)).scalar_one())
        detail = f"{violations} {meaning}" if violations else "ok"
        out.append(Check(name=name, ok=violations == 0, violations=violations, detail=detail))
    return out


def verify_connection(connection: Connection, *, strict: bool) -> VerificationReport:
    """Verify a migrated database on this connection; strict also requires every card's content to match.

    The content checks read mig_status, so strict mode runs inside the migration transaction.
    """
    unaccounted_rows = connection.execute(text(_UNACCOUNTED_SQL)).all()
    counts = connection.execute(text(_COUNTS_SQL)).one()
    checks = _run_checks(connection, _KEY_CHECKS)
    hash_violations = _pool_hash_violations(connection)
    checks.append(
        Check(
            name="pool hashes match their content",
            ok=hash_violations == 0,
            violations=hash_violations,
            detail=f"{hash_violations} migrated pool jobs whose hash is not the pool hash of their content"
            if hash_violations
            else "ok",
        )
    )
    changed = 0
    if strict:
        checks.extend(_run_checks(connection, _CONTENT_CHECKS))
    else:
        changed = int(
            connection.execute(
                text(
                    f"SELECT count(DISTINCT u.id) FROM user_job u JOIN {ARCHIVE_TABLE} j ON j.{MAPPING_COLUMN} = u.id "
                    "WHERE u.updated_at > (SELECT max(coalesce(x.updated_at, x.created_at)) "
                    f"  FROM {ARCHIVE_TABLE} x WHERE x.{MAPPING_COLUMN} = u.id)"
                )
            ).scalar_one()
        )
    unaccounted = tuple(UnaccountedRow(r.id, r.user_id, r.reason) for r in unaccounted_rows[:MAX_LISTED])
    legacy_rows = int(counts.legacy_rows)
    return VerificationReport(
        state=STATE_MIGRATED,
        ok=not unaccounted_rows and all(c.ok for c in checks),
        legacy_rows=legacy_rows,
        accounted_rows=legacy_rows - len(unaccounted_rows),
        merged_rows=int(counts.merged_rows),
        unaccounted=unaccounted,
        profiles=int(counts.profiles),
        pool_jobs=int(counts.pool_jobs),
        links=int(counts.links),
        links_from_legacy=int(counts.links_from_legacy),
        links_since_migration=int(counts.links_since_migration),
        cards_changed_since_migration=changed,
        checks=tuple(checks),
    )
