"""SQL for scoring links and for offering new pool jobs to other profiles (fan-out)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
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
SELECT l.id, r.id AS resume_id, 1 - (p.embedding <=> r.embedding) AS similarity, {_JOB_SKILL_COLUMNS}
FROM user_job l
JOIN job_pool p ON p.id = l.job_pool_id
JOIN resume r ON r.user_id = l.user_id
WHERE l.user_id = :uid AND r.embedding IS NOT NULL
  AND p.embedding IS NOT NULL AND p.embedding_model = :model
  AND {{scope}}
ORDER BY l.id, r.id
"""
SCOPE_ALL = "TRUE"
SCOPE_POOL_IDS = "l.job_pool_id = ANY(CAST(:ids AS uuid[]))"
SCOPE_UNSCORED = "(l.match_score IS NULL OR l.gap_analysis ->> 'model' IS DISTINCT FROM :model)"

FAN_OUT_CANDIDATES_SQL = f"""
SELECT u.id AS user_id, p.id AS job_pool_id, r.id AS resume_id, 1 - (p.embedding <=> r.embedding) AS similarity,
       {_JOB_SKILL_COLUMNS}
FROM job_pool p
CROSS JOIN users u
JOIN resume r ON r.user_id = u.id
WHERE p.id = ANY(CAST(:ids AS uuid[])) AND u.id <> :source
  AND r.embedding IS NOT NULL AND p.embedding IS NOT NULL AND p.embedding_model = :model
  -- the pair qualifies when any of the profile's résumés is close enough; every résumé scores it, the best counts
  AND EXISTS (SELECT 1 FROM resume q WHERE q.user_id = u.id AND q.embedding IS NOT NULL
              AND (p.embedding <=> q.embedding) <= :max_distance)
  AND NOT EXISTS (SELECT 1 FROM user_job l WHERE l.user_id = u.id AND l.job_pool_id = p.id)
  -- a coach reads a client's profile but may not add cards to it (team mode's row-level security)
  AND NOT EXISTS (SELECT 1 FROM profile_coach g WHERE g.profile_id = u.id AND g.coach = current_user)
ORDER BY u.id, similarity DESC, p.id, r.id
"""

UPDATE_SCORES_SQL = """
UPDATE user_job l SET match_score = v.score, gap_analysis = CAST(v.gap AS jsonb), best_resume_id = v.resume
FROM (SELECT * FROM unnest(CAST(:ids AS uuid[]), CAST(:scores AS int[]), CAST(:gaps AS text[]),
                           CAST(:resumes AS uuid[]))
      AS u(id, score, gap, resume) ORDER BY id) AS v
WHERE l.id = v.id
"""

# New cards go on top of the Recommended column, best first; an existing link (whatever its column) stays as it is.
INSERT_LINKS_SQL = """
WITH top AS (SELECT coalesce(min(position), 0) AS p FROM user_job WHERE user_id = :uid AND status = 'recommended')
INSERT INTO user_job (user_id, job_pool_id, status, position, match_score, gap_analysis, best_resume_id, seen_at)
SELECT :uid, v.id, 'recommended', top.p - :n + v.ord - 1, v.score, CAST(v.gap AS jsonb), v.resume,
       CASE WHEN CAST(:seen AS boolean) THEN now() END
FROM unnest(CAST(:ids AS uuid[]), CAST(:scores AS int[]), CAST(:gaps AS text[]), CAST(:resumes AS uuid[]))
     WITH ORDINALITY AS v(id, score, gap, resume, ord), top
ORDER BY v.id
ON CONFLICT (user_id, job_pool_id) DO NOTHING
"""


@dataclass(frozen=True, slots=True)
class ScoredJob:
    """A pool job (or card) with the score and gap analysis of the profile's best résumé for it."""

    job_pool_id: uuid.UUID
    score: int | None
    gap: dict[str, Any] | None
    resume_id: uuid.UUID | None = None
    similarity: float | None = None


def links_to_score(
    session: Session, user_id: uuid.UUID, model: str, scope: str, pool_ids: Sequence[uuid.UUID] = ()
) -> Sequence[Row]:
    """(link id, résumé id, similarity, job skills, fallback title, fallback description) of a profile's links in
    scope, one row per link and résumé."""
    sql = LINKS_TO_SCORE_SQL.format(scope=scope)
    params = {"uid": user_id, "model": model, "ids": list(pool_ids)}
    return session.execute(text(sql), params).all()


def links_of_card(session: Session, user_job_id: uuid.UUID, model: str) -> Sequence[Row]:
    """The LINKS_TO_SCORE_SQL rows of one card (one per résumé of its profile)."""
    sql = LINKS_TO_SCORE_SQL.format(scope="l.id = :card").replace("l.user_id = :uid", "TRUE", 1)
    return session.execute(text(sql), {"card": user_job_id, "model": model}).all()


def update_scores(session: Session, scored: Sequence[tuple[uuid.UUID, int, dict[str, Any], uuid.UUID | None]]) -> int:
    """Write (link id, score, gap analysis, best résumé id) rows; returns how many links changed."""
    if not scored:
        return 0
    result = session.execute(
        text(UPDATE_SCORES_SQL),
        {
            "ids": [s[0] for s in scored],
            "scores": [s[1] for s in scored],
            "gaps": [json.dumps(s[2]) for s in scored],
            "resumes": [s[3] for s in scored],
        },
    )
    return affected_rows(result)


def fan_out_candidates(
    session: Session, source_user_id: uuid.UUID, pool_ids: Sequence[uuid.UUID], model: str, threshold: float
) -> Sequence[Row]:
    """(other profile, new job, résumé, ...) rows for pairs that have no link yet and where one of the profile's
    résumés reaches the threshold, one row per résumé."""
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
            "resumes": [j.resume_id for j in jobs],
        },
    )
    return affected_rows(result)
