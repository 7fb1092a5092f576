"""The dry run: what a migration would do, computed in a READ ONLY transaction so that nothing can be written.

It groups the legacy rows in Python by the same rules the set-based migration applies in SQL (migrate.py):
one pool job per pool hash, one card per (profile, pool hash), the later status in board order wins a merge.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from typing import Any

from sqlalchemy import Connection, text

from app.migration.legacy import KnownHashes, hash_rows, parse_salaries, salary_parsed
from app.migration.records import MergeGroup, MigrationPreview, ProfilePreview, StatusCount
from app.migration.statuses import board_rank, map_statuses

# The profile names the schema revision gives v1 users (db/migrations/versions/0001_shared_pool.py,
# _widen_legacy_users): whitespace tidied, empty names fall back to the e-mail or "Profile <id>", and
# case-insensitive duplicates after the oldest get their id appended. Kept in step by test_migration_preview.
PROFILE_NAMES_SQL = r"""
WITH tidy AS (
  SELECT id, name, email, created_at,
         coalesce(nullif(btrim(regexp_replace(name, '[ \t\n\r\f\v]+', ' ', 'g')), ''),
                  nullif(btrim(regexp_replace(email, '[ \t\n\r\f\v]+', ' ', 'g')), ''),
                  'Profile ' || left(id::text, 8)) AS clean
  FROM users)
SELECT id, name,
       CASE WHEN row_number() OVER (PARTITION BY lower(clean) ORDER BY created_at NULLS LAST, id) > 1
            THEN clean || ' (' || left(id::text, 8) || ')' ELSE clean END AS v2_name
FROM tidy ORDER BY lower(clean), created_at NULLS LAST, id
"""

_ROWS_SQL = """
SELECT j.id, j.user_id, j.company, j.title, j.location, j.status, j.hash,
       j.notes IS NOT NULL AND j.notes <> '' AS has_notes, j.salary, j.match_score,
       j.embedding IS NOT NULL AS has_embedding, coalesce(j.updated_at, j.created_at) AS touched_at,
       EXISTS (SELECT 1 FROM tailored_resume t WHERE t.job_id = j.id) AS has_resume
FROM job j
"""


def _tailored_resume_count(connection: Connection) -> int:
    return int(connection.execute(text("SELECT count(*) FROM tailored_resume")).scalar_one())


def build_preview(connection: Connection, state: str, known: KnownHashes | None = None) -> MigrationPreview:
    """Read the v1 tables and describe the migration's outcome (the pool hashes computed are added to `known`)."""
    rows = connection.execute(text(_ROWS_SQL)).all()
    hashes = dict(hash_rows(((r.id, r.company, r.title, r.location) for r in rows), known))
    mapping = map_statuses(r.status for r in rows)
    names = {r.id: (r.name, r.v2_name) for r in connection.execute(text(PROFILE_NAMES_SQL))}

    by_link: dict[tuple[uuid.UUID, str], list[Any]] = defaultdict(list)
    by_pool: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        by_link[(row.user_id, hashes[row.id])].append(row)
        by_pool[hashes[row.id]].append(row)

    merges: list[MergeGroup] = []
    for (user_id, _hash), members in by_link.items():
        if len(members) < 2:
            continue
        members.sort(key=lambda r: (-board_rank(mapping[r.status].status), -r.touched_at.timestamp(), str(r.id)))
        merges.append(
            MergeGroup(
                user_id=user_id,
                profile=names[user_id][1],
                title=members[0].title,
                company=members[0].company,
                legacy_job_ids=tuple(r.id for r in members),
                statuses=tuple(r.status for r in members),
                status=mapping[members[0].status].status,
                notes_kept=sum(1 for r in members if r.has_notes),
            )
        )
    merges.sort(key=lambda m: (m.profile.lower(), m.title.lower(), str(m.legacy_job_ids[0])))

    rows_per_user = Counter(r.user_id for r in rows)
    cards_per_user = Counter(user_id for user_id, _hash in by_link)
    profiles = tuple(
        ProfilePreview(user_id=uid, name=v2, legacy_name=old, legacy_rows=rows_per_user[uid], cards=cards_per_user[uid])
        for uid, (old, v2) in names.items()
    )
    counts = Counter(r.status for r in rows)
    statuses = tuple(
        StatusCount(value=raw, rows=n, maps_to=mapping[raw].status, known=mapping[raw].known)
        for raw, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    )
    salaries = parse_salaries(r.salary for r in rows if r.salary)
    return MigrationPreview(
        state=state,
        legacy_rows=len(rows),
        profiles=profiles,
        pool_jobs=len(by_pool),
        shared_pool_jobs=sum(1 for members in by_pool.values() if len({r.user_id for r in members}) > 1),
        joined_old_hashes=sum(1 for members in by_pool.values() if len({r.hash for r in members}) > 1),
        links=len(by_link),
        merged_rows=len(rows) - len(by_link),
        merges=tuple(merges),
        statuses=statuses,
        null_hashes=sum(1 for r in rows if r.hash is None),
        salaries=sum(1 for r in rows if r.salary and r.salary.strip()),
        salaries_parsed=sum(1 for r in rows if salary_parsed(salaries.get(r.salary or ""))),
        embeddings_kept=sum(1 for members in by_pool.values() if any(r.has_embedding for r in members)),
        tailored_resumes=_tailored_resume_count(connection),
        cards_with_resume=sum(1 for members in by_link.values() if any(r.has_resume for r in members)),
        scores_clamped=sum(1 for r in rows if r.match_score is not None and not 0 <= r.match_score <= 100),
    )
