"""Matching across profiles, as five services over one database: scoring, résumés, recommendations, Discover and
catching up after a model change."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from app.matching.discover_service import DiscoverService
from app.matching.embedding import EmbeddingService
from app.matching.model_refresh import ModelRefresh
from app.matching.recommendations import DEFAULT_FANOUT_THRESHOLD, RecommendationService
from app.matching.resume_service import ResumeService
from app.matching.scorer import Scorer
from app.matching.skills import SkillVocabulary


@dataclass(frozen=True, slots=True)
class MatchingServices:
    """The matching services, sharing one Scorer (and so one résumé-vector cache and one model)."""

    scorer: Scorer
    resumes: ResumeService
    recommendations: RecommendationService
    discovery: DiscoverService
    refresh: ModelRefresh


def build_matching(
    sessions: sessionmaker[Session],
    embedding: EmbeddingService,
    vocabulary: SkillVocabulary | None = None,
    *,
    fanout_threshold: float = DEFAULT_FANOUT_THRESHOLD,
    environ: Mapping[str, str] | None = None,
) -> MatchingServices:
    """Wire the matching services over one database and embedding service."""
    scorer = Scorer(sessions, embedding, vocabulary, environ=environ)
    recommendations = RecommendationService(sessions, scorer, threshold=fanout_threshold)
    return MatchingServices(
        scorer=scorer,
        resumes=ResumeService(sessions, scorer),
        recommendations=recommendations,
        discovery=DiscoverService(sessions, scorer),
        refresh=ModelRefresh(sessions, embedding, scorer, recommendations),
    )
