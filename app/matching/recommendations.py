"""Recommendations across profiles: new pool jobs offered to every other profile whose résumé they fit."""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from app.errors import InvalidInput, JobPoolError
from app.matching import fanout as fanout_sql
from app.matching.records import FanOutReport, NewRecommendations
from app.matching.scorer import Scorer
from db.models import User, UserJob

log = logging.getLogger(__name__)

DEFAULT_FANOUT_THRESHOLD = 0.30


class RecommendationService:
    """Fan-out of new pool jobs to other profiles, and the count of recommendations nobody looked at yet."""

    def __init__(
        self, sessions: sessionmaker[Session], scorer: Scorer, *, threshold: float = DEFAULT_FANOUT_THRESHOLD
    ) -> None:
        self._sessions = sessions
        self._scorer = scorer
        self.threshold = threshold

    def fan_out(
        self, source_user_id: uuid.UUID | None, new_pool_ids: Sequence[uuid.UUID], threshold: float | None = None
    ) -> FanOutReport:
        """Offer new pool jobs to every other profile with a résumé similar enough, as new recommended cards."""
        threshold = self.threshold if threshold is None else float(threshold)
        if not 0.0 <= threshold <= 1.0:
            raise InvalidInput(f"The recommendation threshold must be between 0 and 1, not {threshold}.")
        ids = list(dict.fromkeys(new_pool_ids))
        if not ids:
            return FanOutReport()
        scorer = self._scorer
        scorer.ensure_resume_vectors()
        source = source_user_id or uuid.UUID(int=0)
        candidates: dict[uuid.UUID, list[Any]] = defaultdict(list)
        with self._sessions() as session:
            for row in fanout_sql.fan_out_candidates(session, source, ids, scorer.model, threshold):
                candidates[row[0]].append(row[1:])
            names = {
                row[0]: row[1]
                for row in session.execute(select(User.id, User.name).where(User.id.in_(list(candidates))))
            }
            resumes = scorer.resumes_of(session, candidates)
        created: dict[str, int] = {}
        with self._sessions.begin() as session:
            for user_id in sorted(candidates):
                # Each profile is offered a job with the score of whichever of its résumés fits it best.
                jobs = scorer.scored_jobs(candidates[user_id], resumes)
                jobs.sort(key=lambda job: -(job.score or 0))
                count = fanout_sql.insert_links(session, user_id, jobs, seen=False)
                if count:
                    created[names[user_id]] = count
        if created:
            log.info("recommended new pool jobs to other profiles: %s", created)
        return FanOutReport(created)

    def after_ingest(self, user_id: uuid.UUID, new_pool_ids: list[uuid.UUID], run_id: uuid.UUID | None = None) -> None:
        """Ingestion hook: score the ingesting profile's new cards, then recommend new jobs to the others."""
        try:
            self._scorer.score_links(user_id)
            self.fan_out(user_id, new_pool_ids)
        except (OperationalError, JobPoolError) as exc:
            # The cards are in; scores and recommendations follow at the next model refresh or ingestion.
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
