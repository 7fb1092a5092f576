"""Matching across profiles: resumes, match scores and skill gaps, recommendations fan-out, Discover."""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from app.errors import InvalidInput, JobPoolError, NotFound
from app.matching import discover as discover_sql
from app.matching import fanout as fanout_sql
from app.matching.embedding import EmbeddingService, pad
from app.matching.records import (
    DiscoverItem,
    FanOutReport,
    NewRecommendations,
    RefreshReport,
    ResumeInfo,
    ResumeUpdate,
)
from app.matching.resume import clean_resume_text, read_resume_file
from app.matching.scoring import Calibration, ResumeSkills, calibration_for, score_link
from app.matching.skills import SkillVocabulary, default_vocabulary
from app.profiles import find_user
from db.engine import affected_rows
from db.models import PoolJob, User, UserJob

log = logging.getLogger(__name__)

DEFAULT_FANOUT_THRESHOLD = 0.30
DEFAULT_DISCOVER_LIMIT = 20
MAX_DISCOVER_LIMIT = 200
SCORE_BATCH = 2000
_SAME_VECTOR = 0.999

_ADD_SQL = """
SELECT p.id, CASE WHEN u.resume_embedding IS NOT NULL AND p.embedding IS NOT NULL AND p.embedding_model = :model
                  THEN 1 - (p.embedding <=> u.resume_embedding) END,
       p.skills, CASE WHEN p.skills IS NULL THEN p.title END,
       CASE WHEN p.skills IS NULL THEN left(p.description, 4000) END
FROM job_pool p JOIN users u ON u.id = :uid
WHERE p.id = ANY(CAST(:ids AS uuid[]))
ORDER BY array_position(CAST(:ids AS uuid[]), p.id)
"""


def _digest(text_: str) -> str:
    return hashlib.sha256(text_.encode("utf-8")).hexdigest()


class MatchingService:
    """Scores every link against its profile's resume and recommends pool jobs across profiles."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        embedding: EmbeddingService,
        vocabulary: SkillVocabulary | None = None,
        *,
        fanout_threshold: float = DEFAULT_FANOUT_THRESHOLD,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self._sessions = sessions
        self._embedding = embedding
        self.vocabulary = vocabulary or default_vocabulary()
        self.fanout_threshold = fanout_threshold
        self._environ = environ
        self._verified: dict[uuid.UUID, tuple[str, str]] = {}
        self._iterative_scan: bool | None = None

    @property
    def model(self) -> str:
        """The name of the current embedding model."""
        return self._embedding.embedder.model

    def calibration(self) -> Calibration:
        """The score calibration of the current model."""
        return calibration_for(self.model, dict(self._environ) if self._environ is not None else None)

    # Resumes ---------------------------------------------------------------------------------------------------

    def resume(self, profile: str | uuid.UUID) -> ResumeInfo:
        """A profile's stored resume and the skills found in it."""
        with self._sessions() as session:
            user = find_user(session, profile)
            skills = self.vocabulary.extract(user.resume_text) if user.resume_text else []
            return ResumeInfo(user.id, user.name, user.resume_text, skills, user.resume_embedding is not None)

    def set_resume(self, profile: str | uuid.UUID, resume_text: str) -> ResumeUpdate:
        """Store a profile's resume, embed it and rescore every link of the profile."""
        cleaned = clean_resume_text(resume_text)
        vector = pad(self._embedding.embedder.embed([cleaned]))[0]
        with self._sessions.begin() as session:
            user = find_user(session, profile)
            user_id, name = user.id, user.name
            session.execute(
                update(User)
                .where(User.id == user_id)
                .values(resume_text=cleaned, resume_embedding=vector, updated_at=func.now())
            )
        self._verified[user_id] = (self.model, _digest(cleaned))
        rescored = self.rescore(user_id)
        return ResumeUpdate(user_id, name, self.vocabulary.extract(cleaned), rescored, len(cleaned))

    def set_resume_file(self, profile: str | uuid.UUID, path: str | Path) -> ResumeUpdate:
        """Read a .txt / .md / .pdf resume and store it (see set_resume)."""
        return self.set_resume(profile, read_resume_file(path))

    def clear_resume(self, profile: str | uuid.UUID) -> int:
        """Remove a profile's resume and the scores based on it; returns how many links lost their score."""
        with self._sessions.begin() as session:
            user = find_user(session, profile)
            session.execute(
                update(User)
                .where(User.id == user.id)
                .values(resume_text=None, resume_embedding=None, updated_at=func.now())
            )
            result = session.execute(
                update(UserJob)
                .where(UserJob.user_id == user.id, UserJob.match_score.is_not(None))
                .values(match_score=None, gap_analysis=None)
            )
            self._verified.pop(user.id, None)
            return affected_rows(result)

    def _ensure_resume_vectors(self, user_ids: Iterable[uuid.UUID] | None = None) -> int:
        """Re-embed resumes whose stored vector is not the current model's (checked once per process and text)."""
        model = self.model
        with self._sessions() as session:
            stmt = select(User.id, User.resume_text, User.resume_embedding).where(User.resume_text.is_not(None))
            if user_ids is not None:
                stmt = stmt.where(User.id.in_(list(user_ids)))
            rows = session.execute(stmt).all()
        todo = [row for row in rows if self._verified.get(row[0]) != (model, _digest(row[1]))]
        if not todo:
            return 0
        vectors = pad(self._embedding.embedder.embed([row[1] for row in todo]))
        changed = []
        for (user_id, resume_text, stored), vector in zip(todo, vectors, strict=True):
            if stored is None or float(np.dot(np.asarray(stored, dtype=np.float32), vector)) < _SAME_VECTOR:
                changed.append((user_id, resume_text, vector))
        if changed:
            with self._sessions.begin() as session:
                for user_id, resume_text, vector in changed:
                    # Only if the resume is unchanged meanwhile: a newer save wrote its own vector.
                    session.execute(
                        update(User)
                        .where(User.id == user_id, User.resume_text == resume_text)
                        .values(resume_embedding=vector)
                    )
        for user_id, resume_text, _ in todo:
            self._verified[user_id] = (model, _digest(resume_text))
        return len(changed)

    # Scores ----------------------------------------------------------------------------------------------------

    def rescore(self, profile: str | uuid.UUID) -> int:
        """Recompute score and gap analysis of every link of a profile; returns how many were written."""
        with self._sessions() as session:
            user_id = find_user(session, profile).id
        return self._score(user_id, fanout_sql.SCOPE_ALL, ())

    def score_links(self, user_id: uuid.UUID, pool_ids: Sequence[uuid.UUID] | None = None) -> int:
        """Score a profile's links to these pool jobs (None: every link without a current score)."""
        if pool_ids is None:
            return self._score(user_id, fanout_sql.SCOPE_UNSCORED, ())
        return self._score(user_id, fanout_sql.SCOPE_POOL_IDS, list(pool_ids)) if pool_ids else 0

    def _score(self, user_id: uuid.UUID, scope: str, pool_ids: Sequence[uuid.UUID]) -> int:
        with self._sessions() as session:
            resume_text = session.scalar(select(User.resume_text).where(User.id == user_id))
        if not resume_text:
            return 0
        self._ensure_resume_vectors([user_id])
        with self._sessions() as session:
            rows = fanout_sql.links_to_score(session, user_id, self.model, scope, pool_ids)
        resume, calibration, model = ResumeSkills(resume_text, self.vocabulary), self.calibration(), self.model
        scored = []
        for link_id, similarity, skills, title, description in rows:
            job_skills = self._job_skills(skills, title, description)
            scored.append((link_id, *score_link(similarity, job_skills, resume, model, calibration)))
        written = 0
        for start in range(0, len(scored), SCORE_BATCH):
            # Small transactions: a long rescore never holds card rows the board wants to move.
            with self._sessions.begin() as session:
                written += fanout_sql.update_scores(session, scored[start : start + SCORE_BATCH])
        return written

    def _job_skills(self, stored: Any, title: str | None, description: str | None) -> list[str]:
        if isinstance(stored, list):
            return [s for s in stored if isinstance(s, str)]
        return self.vocabulary.job_skills(title, description)

    def _scored_jobs(self, rows: Sequence[Any], resume: ResumeSkills | None) -> list[fanout_sql.ScoredJob]:
        """ScoredJobs from (pool id, similarity, skills, fallback title, fallback description) rows, same order."""
        calibration, model = self.calibration(), self.model
        jobs = []
        for pool_id, similarity, skills, title, description in rows:
            if resume is None or similarity is None:
                jobs.append(fanout_sql.ScoredJob(pool_id, None, None))
                continue
            job_skills = self._job_skills(skills, title, description)
            jobs.append(fanout_sql.ScoredJob(pool_id, *score_link(similarity, job_skills, resume, model, calibration)))
        return jobs

    # Fan-out ---------------------------------------------------------------------------------------------------

    def fan_out(
        self, source_user_id: uuid.UUID | None, new_pool_ids: Sequence[uuid.UUID], threshold: float | None = None
    ) -> FanOutReport:
        """Offer new pool jobs to every other profile whose resume is similar enough, as new recommended cards."""
        threshold = self.fanout_threshold if threshold is None else float(threshold)
        if not 0.0 <= threshold <= 1.0:
            raise InvalidInput(f"The recommendation threshold must be between 0 and 1, not {threshold}.")
        ids = list(dict.fromkeys(new_pool_ids))
        if not ids:
            return FanOutReport()
        self._ensure_resume_vectors()
        source = source_user_id or uuid.UUID(int=0)
        candidates: dict[uuid.UUID, list[Any]] = defaultdict(list)
        with self._sessions() as session:
            for row in fanout_sql.fan_out_candidates(session, source, ids, self.model, threshold):
                candidates[row[0]].append(row[1:])
            users = {
                row[0]: (row[1], row[2])
                for row in session.execute(
                    select(User.id, User.name, User.resume_text).where(User.id.in_(list(candidates)))
                )
            }
        created: dict[str, int] = {}
        with self._sessions.begin() as session:
            for user_id in sorted(candidates):
                name, resume_text = users[user_id]
                resume = ResumeSkills(resume_text or "", self.vocabulary)
                jobs = self._scored_jobs(candidates[user_id], resume)
                jobs.sort(key=lambda job: -(job.score or 0))
                count = fanout_sql.insert_links(session, user_id, jobs, seen=False)
                if count:
                    created[name] = count
        if created:
            log.info("recommended new pool jobs to other profiles: %s", created)
        return FanOutReport(created)

    def after_ingest(self, user_id: uuid.UUID, new_pool_ids: list[uuid.UUID]) -> None:
        """Ingestion hook: score the ingesting profile's new cards, then recommend new jobs to the others."""
        try:
            self.score_links(user_id)
            self.fan_out(user_id, new_pool_ids)
        except (OperationalError, JobPoolError) as exc:
            # The cards are in; scores and recommendations follow at the next refresh_model() or ingestion.
            log.warning("scoring after ingestion postponed: %s", exc)

    def new_recommendations(self) -> list[NewRecommendations]:
        """Per profile, how many Recommended cards were never looked at (the window's "N new for ..." line)."""
        unseen = func.count(UserJob.id).filter(UserJob.seen_at.is_(None), UserJob.status == "recommended")
        stmt = (
            select(User.id, User.name, unseen)
            .outerjoin(UserJob, UserJob.user_id == User.id)
            .group_by(User.id, User.name)
            .order_by(func.lower(User.name))
        )
        with self._sessions() as session:
            return [NewRecommendations(row[0], row[1], int(row[2])) for row in session.execute(stmt)]

    # Discover --------------------------------------------------------------------------------------------------

    def discover(self, profile: str | uuid.UUID, limit: int = DEFAULT_DISCOVER_LIMIT) -> list[DiscoverItem]:
        """The pool jobs nearest to a profile's resume that are not on its board, best match score first.

        The candidates are the `limit` nearest by vector; they are listed by the score they show (which also weighs
        skill coverage), then by similarity, so the order and the numbers a user reads agree.
        """
        limit = _check_limit(limit)
        with self._sessions() as session:
            user = find_user(session, profile)
            if not user.resume_text:
                raise InvalidInput(
                    f"“{user.name}” has no resume yet: add one (Profiles > Resume…, or "
                    f'`profiles set-resume "{user.name}" FILE`) and Discover can match jobs to it.'
                )
            user_id, resume_text = user.id, user.resume_text
        if self._verified.get(user_id) != (self.model, _digest(resume_text)):
            self._ensure_resume_vectors([user_id])
        with self._sessions() as session:
            query = discover_sql.resume_vector(session, user_id)
            rows = discover_sql.nearest_unlinked(
                session, user_id, query, self.model, limit, iterative=self._iterative(session)
            )
        resume, calibration, model = ResumeSkills(resume_text, self.vocabulary), self.calibration(), self.model
        items = []
        for row in rows:
            skills = self._job_skills(row.skills, row.fallback_title, row.fallback_description)
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
                session, user.id, discover_sql.resume_vector(session, user.id), self.model, _check_limit(limit)
            )

    def add_from_discover(self, profile: str | uuid.UUID, pool_ids: Sequence[uuid.UUID]) -> int:
        """Put chosen pool jobs on a profile's board (Recommended, on top, scored); returns how many were added."""
        ids = list(dict.fromkeys(pool_ids))
        if not ids:
            return 0
        with self._sessions() as session:
            user = find_user(session, profile)
            user_id, resume_text = user.id, user.resume_text
        if resume_text:
            self._ensure_resume_vectors([user_id])
        with self._sessions.begin() as session:
            rows = session.execute(text(_ADD_SQL), {"uid": user_id, "ids": ids, "model": self.model}).all()
            if len(rows) != len(ids):
                raise NotFound("A job you chose is no longer in the pool; run Discover again.")
            resume = ResumeSkills(resume_text, self.vocabulary) if resume_text else None
            return fanout_sql.insert_links(session, user_id, self._scored_jobs(rows, resume), seen=True)

    def _iterative(self, session: Session) -> bool:
        if self._iterative_scan is None:
            self._iterative_scan = discover_sql.supports_iterative_scan(session)
        return self._iterative_scan

    # Model changes ---------------------------------------------------------------------------------------------

    def stale_jobs(self) -> int:
        """How many pool jobs still lack an embedding of the current model."""
        with self._sessions() as session:
            return int(
                session.scalar(
                    select(func.count())
                    .select_from(PoolJob)
                    .where((PoolJob.embedding.is_(None)) | PoolJob.embedding_model.is_distinct_from(self.model))
                )
                or 0
            )

    def refresh_model(
        self,
        on_progress: Callable[[int, int], None] | None = None,
        should_cancel: Callable[[], bool] | None = None,
    ) -> RefreshReport:
        """Bring resumes, pool embeddings (in batches) and link scores to the current model; safe to cancel."""
        resumes = self._ensure_resume_vectors()
        with self._sessions() as session:
            # Jobs that never had a vector (an import whose embedding step failed or was cut short) were never
            # offered to other profiles; jobs re-embedded for a new model were, when they came in.
            never_embedded = list(session.scalars(select(PoolJob.id).where(PoolJob.embedding.is_(None))))
        jobs = self._embedding.embed_jobs(None, on_progress=on_progress, should_cancel=should_cancel)
        cancelled = bool(should_cancel and should_cancel())
        rescored = 0
        if not cancelled:
            with self._sessions() as session:
                user_ids = list(session.scalars(select(User.id).where(User.resume_text.is_not(None))))
            for user_id in user_ids:
                rescored += self.score_links(user_id)
            if never_embedded:
                self.fan_out(None, never_embedded)
        return RefreshReport(self.model, jobs, resumes, rescored, cancelled)


def _check_limit(limit: int) -> int:
    if not isinstance(limit, int) or not 1 <= limit <= MAX_DISCOVER_LIMIT:
        raise InvalidInput(f"Discover can list between 1 and {MAX_DISCOVER_LIMIT} jobs, not {limit}.")
    return limit
