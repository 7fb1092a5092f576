"""Discover: the pool jobs nearest to a profile's résumés that are not on its board, and adding chosen ones."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from app.errors import InvalidInput, NotFound
from app.matching import discover as discover_sql
from app.matching import fanout as fanout_sql
from app.matching.records import DiscoverItem
from app.matching.scorer import Scorer
from app.profiles import find_user

DEFAULT_DISCOVER_LIMIT = 20
MAX_DISCOVER_LIMIT = 200

# One row per chosen job and résumé of the profile (one row with no résumé when it has none).
_ADD_SQL = """
SELECT p.id, r.id,
       CASE WHEN r.embedding IS NOT NULL AND p.embedding IS NOT NULL AND p.embedding_model = :model
            THEN 1 - (p.embedding <=> r.embedding) END,
       p.skills, CASE WHEN p.skills IS NULL THEN p.title END,
       CASE WHEN p.skills IS NULL THEN left(p.description, 4000) END
FROM job_pool p LEFT JOIN resume r ON r.user_id = :uid
WHERE p.id = ANY(CAST(:ids AS uuid[]))
ORDER BY array_position(CAST(:ids AS uuid[]), p.id), r.id
"""


class DiscoverService:
    """Nearest-neighbour search of the pool over an HNSW index, scored like the board's cards."""

    def __init__(self, sessions: sessionmaker[Session], scorer: Scorer) -> None:
        self._sessions = sessions
        self._scorer = scorer
        self._iterative_scan: bool | None = None

    def discover(self, profile: str | uuid.UUID, limit: int = DEFAULT_DISCOVER_LIMIT) -> list[DiscoverItem]:
        """The pool jobs nearest to a profile's résumé that are not on its board, best match score first.

        The candidates are the `limit` nearest by vector; they are listed by the score they show (which also weighs
        skill coverage), then by similarity, so the order and the numbers a user reads agree.
        """
        limit = _check_limit(limit)
        scorer = self._scorer
        with self._sessions() as session:
            user = find_user(session, profile)
            user_id, name = user.id, user.name
            resumes = scorer.resumes_of(session, [user_id])
        if not resumes:
            raise InvalidInput(
                f"“{name}” has no resume yet: add one (Profiles > Resume…, or "
                f'`profiles set-resume "{name}" FILE`) and Discover can match jobs to it.'
            )
        if not scorer.all_current(resumes):
            scorer.ensure_resume_vectors([user_id])
        # Each résumé finds its own nearest jobs; a job found by several keeps the score of the résumé that fits best.
        found: dict[uuid.UUID, Any] = {}
        rows: list[tuple[uuid.UUID, uuid.UUID, float, Any, Any, Any]] = []
        with self._sessions() as session:
            iterative = self._iterative(session)
            for resume_id, query in discover_sql.resume_vectors(session, user_id):
                for row in discover_sql.nearest_unlinked(
                    session, user_id, query, scorer.model, limit, iterative=iterative
                ):
                    found.setdefault(row.id, row)
                    rows.append(
                        (row.id, resume_id, row.similarity, row.skills, row.fallback_title, row.fallback_description)
                    )
        items = []
        for job in scorer.scored_jobs(rows, resumes):
            if job.score is None or job.gap is None or job.resume_id is None:
                continue
            row = found[job.job_pool_id]
            gap = job.gap
            items.append(
                DiscoverItem(
                    job_pool_id=row.id,
                    title=row.title,
                    company=row.company,
                    location=row.location,
                    url=row.url,
                    source=row.source,
                    is_remote=row.is_remote,
                    posted_at=row.posted_at,
                    similarity=job.similarity or 0.0,
                    match_score=job.score,
                    skills=gap["skills"],
                    have=gap["have"],
                    missing=gap["missing"],
                    best_resume=resumes[job.resume_id].label,
                )
            )
        items.sort(key=lambda item: (-item.match_score, -item.similarity, str(item.job_pool_id)))
        return items[:limit]

    def explain_discover(self, profile: str | uuid.UUID, limit: int = DEFAULT_DISCOVER_LIMIT) -> str:
        """The query plan of Discover for a profile (shows whether the HNSW index is used)."""
        with self._sessions() as session:
            user = find_user(session, profile)
            return discover_sql.explain_nearest_unlinked(
                session, user.id, discover_sql.resume_vector(session, user.id), self._scorer.model, _check_limit(limit)
            )

    def add_from_discover(self, profile: str | uuid.UUID, pool_ids: Sequence[uuid.UUID]) -> int:
        """Put chosen pool jobs on a profile's board (Recommended, on top, scored); returns how many were added."""
        ids = list(dict.fromkeys(pool_ids))
        if not ids:
            return 0
        scorer = self._scorer
        with self._sessions() as session:
            user_id = find_user(session, profile).id
        scorer.ensure_resume_vectors([user_id])
        with self._sessions.begin() as session:
            rows = session.execute(text(_ADD_SQL), {"uid": user_id, "ids": ids, "model": scorer.model}).all()
            if len({row[0] for row in rows}) != len(ids):
                raise NotFound("A job you chose is no longer in the pool; run Discover again.")
            jobs = scorer.scored_jobs(rows, scorer.resumes_of(session, [user_id]))
            return fanout_sql.insert_links(session, user_id, jobs, seen=True)

    def _iterative(self, session: Session) -> bool:
        if self._iterative_scan is None:
            self._iterative_scan = discover_sql.supports_iterative_scan(session)
        return self._iterative_scan


def _check_limit(limit: int) -> int:
    if not isinstance(limit, int) or not 1 <= limit <= MAX_DISCOVER_LIMIT:
        raise InvalidInput(f"Discover can list between 1 and {MAX_DISCOVER_LIMIT} jobs, not {limit}.")
    return limit
