"""Bringing résumés, pool embeddings and scores to the current embedding model (after a model change or a gap)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.matching.embedding import EmbeddingService
from app.matching.recommendations import RecommendationService
from app.matching.records import RefreshReport
from app.matching.scorer import Scorer
from db.models import PoolJob, User


class ModelRefresh:
    """Finds what is not embedded with the current model and catches it up in the background."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        embedding: EmbeddingService,
        scorer: Scorer,
        recommendations: RecommendationService,
    ) -> None:
        self._sessions = sessions
        self._embedding = embedding
        self._scorer = scorer
        self._recommendations = recommendations

    def stale_jobs(self) -> int:
        """How many pool jobs still lack an embedding of the current model."""
        model = self._scorer.model
        with self._sessions() as session:
            return int(
                session.scalar(
                    select(func.count())
                    .select_from(PoolJob)
                    .where((PoolJob.embedding.is_(None)) | PoolJob.embedding_model.is_distinct_from(model))
                )
                or 0
            )

    def refresh_model(
        self,
        on_progress: Callable[[int, int], None] | None = None,
        should_cancel: Callable[[], bool] | None = None,
    ) -> RefreshReport:
        """Bring résumés, pool embeddings (in batches) and card scores to the current model; safe to cancel."""
        resumes = self._scorer.ensure_resume_vectors()
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
                rescored += self._scorer.score_links(user_id)
            if never_embedded:
                self._recommendations.fan_out(None, never_embedded)
        return RefreshReport(self._scorer.model, jobs, resumes, rescored, cancelled)
