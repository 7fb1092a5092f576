"""SQL for scoring links and for offering new pool jobs to other profiles (fan-out)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, text
from sqlalchemy.orm import Session

from app.cards import lock_new_card_positions, set_via
from db.engine import affected_rows

_JOB_SKILL_COLUMNS = (
    "p.skills, CASE WHEN p.skills IS NULL THEN p.title END, "
    "CASE WHEN p.skills IS NULL THEN left(p.description, 4000) END"
)

LINKS_TO_SCORE_SQL = f"""
SELECT l.id, 1 - (p.embedding <=> u.resume_embedding) AS similarity, {_JOB_SKILL_COLUMNS}
FROM user_job l
JOIN job_pool p ON p.id = l.job_pool_id
JOIN users u ON u.id = l.user_id
WHERE l.user_id = :uid AND u.resume_embedding IS NOT NULL
  AND p.embedding IS NOT NULL AND p.embedding_model = :model
  AND {{scope}}
ORDER BY l.id
"""
READ_BATCH = 500  # rows of links to score read at a time
SCOPE_ALL = "TRUE"
SCOPE_POOL_IDS = "l.job_pool_id = ANY(CAST(:ids AS uuid[]))"
SCOPE_UNSCORED = "(l.match_score IS NULL OR l.gap_analysis ->> 'model' IS DISTINCT FROM :model)"

FAN_OUT_CANDIDATES_SQL = f"""
SELECT u.id AS user_id, p.id AS job_pool_id, 1 - (p.embedding <=> u.resume_embedding) AS similarity,
       {_JOB_SKILL_COLUMNS}
FROM job_pool p
CROSS JOIN users u
WHERE p.id = ANY(CAST(:ids AS uuid[])) AND u.id <> :source
  AND u.resume_embedding IS NOT NULL AND p.embedding IS NOT NULL AND p.embedding_model = :model
  AND (p.embedding <=> u.resume_embedding) <= :max_distance
  AND NOT EXISTS (SELECT 1 FROM user_job l WHERE l.user_id = u.id AND l.job_pool_id = p.id)
  -- a coach reads a client's profile but may not add cards to it (team mode's row-level security)
  AND NOT EXISTS (SELECT 1 FROM profile_coach g WHERE g.profile_id = u.id AND g.coach = current_user)
ORDER BY u.id, similarity DESC, p.id
"""

UPDATE_SCORES_SQL = """
UPDATE user_job l SET match_score = v.score, gap_analysis = CAST(v.gap AS jsonb)
FROM (SELECT * FROM unnest(CAST(:ids AS uuid[]), CAST(:scores AS int[]), CAST(:gaps AS text[]))
      AS u(id, score, gap) ORDER BY id) AS v
WHERE l.id = v.id
"""

# New cards go on top of the Recommended column, best first; an existing link (whatever its column) stays as it is.
INSERT_LINKS_SQL = """
WITH top AS (SELECT coalesce(min(position), 0) AS p FROM user_job WHERE user_id = :uid AND status = 'recommended')
INSERT INTO user_job (user_id, job_pool_id, status, position, match_score, gap_analysis, seen_at)
SELECT :uid, v.id, 'recommended', top.p - :n + v.ord - 1, v.score, CAST(v.gap AS jsonb),
       CASE WHEN CAST(:seen AS boolean) THEN now() END
FROM unnest(CAST(:ids AS uuid[]), CAST(:scores AS int[]), CAST(:gaps AS text[]))
     WITH ORDINALITY AS v(id, score, gap, ord), top
ORDER BY v.id
ON CONFLICT (user_id, job_pool_id) DO NOTHING
"""


@dataclass(frozen=True, slots=True)
class ScoredJob:
    """A pool job with the score and gap analysis computed for one profile."""

    job_pool_id: uuid.UUID
    score: int | None
    gap: dict[str, Any] | None


def links_to_score(
    session: Session,
    user_id: uuid.UUID,
    model: str,
    scope: str,
    pool_ids: Sequence[uuid.UUID] = (),
    batch: int = READ_BATCH,
) -> Iterator[Sequence[Row]]:
    """(link id, similarity, job skills, fallback title, fallback description) of a profile's links in scope,
    read in parts of at most `batch` rows through a server-side cursor."""
    sql = LINKS_TO_SCORE_SQL.format(scope=scope)
    params = {"uid": user_id, "model": model, "ids": list(pool_ids)}
    # Decoding thousands of rows with descriptions is one C call that keeps the GIL (the window's thread waits
    # for it); parts of a few hundred rows keep each wait short.
    result = session.execute(text(sql), params, execution_options={"stream_results": True, "max_row_buffer": batch})
    yield from result.partitions(batch)


def update_scores(session: Session, scored: Sequence[tuple[uuid.UUID, int, dict[str, Any]]]) -> int:
    """Write (link id, score, gap analysis) triples; returns how many links changed."""
    if not scored:
        return 0
    result = session.execute(
        text(UPDATE_SCORES_SQL),
        {"ids": [s[0] for s in scored], "scores": [s[1] for s in scored], "gaps": [json.dumps(s[2]) for s in scored]},
    )
    return affected_rows(result)


def fan_out_candidates(
    session: Session, source_user_id: uuid.UUID, pool_ids: Sequence[uuid.UUID], model: str, threshold: float
) -> Sequence[Row]:
    """Pairs (other profile, new job) whose resume similarity reaches the threshold and that have no link yet."""
    params = {"ids": list(pool_ids), "source": source_user_id, "model": model, "max_distance": 1.0 - threshold}
    return session.execute(text(FAN_OUT_CANDIDATES_SQL), params).all()


def insert_links(session: Session, user_id: uuid.UUID, jobs: Sequence[ScoredJob], *, seen: bool) -> int:
    """Add recommended links with scores (in the given order, first on top); existing links are left untouched."""
    if not jobs:
        return 0
    lock_new_card_positions(session, user_id)
    set_via(session, "fan-out")
    result = session.execute(
        text(INSERT_LINKS_SQL),
        {
            "uid": user_id,
            "n": len(jobs),
            "seen": seen,
            "ids": [j.job_pool_id for j in jobs],
            "scores": [j.score for j in jobs],
            "gaps": [json.dumps(j.gap) if j.gap is not None else None for j in jobs],
        },
    )
    return affected_rows(result)
