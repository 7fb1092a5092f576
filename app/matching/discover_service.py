"""Discover: the pool jobs nearest to a profile's résumé that are not on its board, and adding chosen ones."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from app.errors import InvalidInput, NotFound
from app.matching import discover as discover_sql
from app.matching import fanout as fanout_sql
from app.matching.records import DiscoverItem
from app.matching.scorer import Scorer
from app.matching.scoring import ResumeSkills, score_link
from app.profiles import find_user

DEFAULT_DISCOVER_LIMIT = 20
MAX_DISCOVER_LIMIT = 200

_ADD_SQL = """
SELECT p.id, CASE WHEN u.resume_embedding IS NOT NULL AND p.embedding IS NOT NULL AND p.embedding_model = :model
                  THEN 1 - (p.embedding <=> u.resume_embedding) END,
       p.skills, CASE WHEN p.skills IS NULL THEN p.title END,
       CASE WHEN p.skills IS NULL THEN left(p.description, 4000) END
FROM job_pool p JOIN users u ON u.id = :uid
WHERE p.id = ANY(CAST(:ids AS uuid[]))
ORDER BY array_position(CAST(:ids AS uuid[]), p.id)
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
            if not user.resume_text:
                raise InvalidInput(
                    f"“{user.name}” has no resume yet: add one (Profiles > Resume…, or "
                    f'`profiles set-resume "{user.name}" FILE`) and Discover can match jobs to it.'
                )
            user_id, resume_text = user.id, user.resume_text
        if not scorer.is_current(user_id, resume_text):
            scorer.ensure_resume_vectors([user_id])
        with self._sessions() as session:
            query = discover_sql.resume_vector(session, user_id)
            rows = discover_sql.nearest_unlinked(
                session, user_id, query, scorer.model, limit, iterative=self._iterative(session)
            )
        resume, calibration, model = ResumeSkills(resume_text, scorer.vocabulary), scorer.calibration(), scorer.model
        items = []
        for row in rows:
            skills = scorer.job_skills(row.skills, row.fallback_title, row.fallback_description)
            score, gap = score_link(row.similarity, skills, resume, model, calibration)
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
                    similarity=row.similarity,
                    match_score=score,
                    skills=gap["skills"],
                    have=gap["have"],
                    missing=gap["missing"],
                )
            )
        items.sort(key=lambda item: (-item.match_score, -item.similarity))
        return items

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
            user = find_user(session, profile)
            user_id, resume_text = user.id, user.resume_text
        if resume_text:
            scorer.ensure_resume_vectors([user_id])
        with self._sessions.begin() as session:
            rows = session.execute(text(_ADD_SQL), {"uid": user_id, "ids": ids, "model": scorer.model}).all()
            if len(rows) != len(ids):
                raise NotFound("A job you chose is no longer in the pool; run Discover again.")
            resume = ResumeSkills(resume_text, scorer.vocabulary) if resume_text else None
            return fanout_sql.insert_links(session, user_id, scorer.scored_jobs(rows, resume), seen=True)

    def _iterative(self, session: Session) -> bool:
        if self._iterative_scan is None:
            self._iterative_scan = discover_sql.supports_iterative_scan(session)
        return self._iterative_scan


def _check_limit(limit: int) -> int:
    if not isinstance(limit, int) or not 1 <= limit <= MAX_DISCOVER_LIMIT:
        raise InvalidInput(f"Discover can list between 1 and {MAX_DISCOVER_LIMIT} jobs, not {limit}.")
    return limit
