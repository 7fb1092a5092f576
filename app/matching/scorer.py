"""Match scores and skill gaps of a profile's cards against its résumé, and résumé vectors kept current."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from app.matching import fanout as fanout_sql
from app.matching.embedding import EmbeddingService, pad
from app.matching.scoring import Calibration, ResumeSkills, calibration_for, score_link
from app.matching.skills import SkillVocabulary, default_vocabulary
from app.profiles import find_user
from db.models import Resume, User

SCORE_BATCH = 500
_SAME_VECTOR = 0.999


def digest(text_: str) -> str:
    """A résumé text's fingerprint: whether its stored vector was checked against the current model."""
    return hashlib.sha256(text_.encode("utf-8")).hexdigest()


class Scorer:
    """Scores cards against each of their profile's résumés (the best one counts) with the current embedding model
    and the skills vocabulary."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        embedding: EmbeddingService,
        vocabulary: SkillVocabulary | None = None,
        *,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self._sessions = sessions
        self.embedding = embedding
        self.vocabulary = vocabulary or default_vocabulary()
        self._environ = environ
        self._verified: dict[uuid.UUID, tuple[str, str]] = {}

    @property
    def model(self) -> str:
        """The name of the current embedding model."""
        return self.embedding.embedder.model

    def calibration(self) -> Calibration:
        """The score calibration of the current model."""
        return calibration_for(self.model, dict(self._environ) if self._environ is not None else None)

    def embed_resume(self, text_: str) -> Any:
        """The padded vector of a résumé text."""
        return pad(self.embedding.embedder.embed([text_]))[0]

    def remember_current(self, resume_id: uuid.UUID, resume_text: str | None) -> None:
        """Note that a résumé's stored vector is the current model's (None: forget it)."""
        if resume_text is None:
            self._verified.pop(resume_id, None)
        else:
            self._verified[resume_id] = (self.model, digest(resume_text))

    def is_current(self, resume_id: uuid.UUID, resume_text: str) -> bool:
        """Whether this résumé's vector was already checked against the current model."""
        return self._verified.get(resume_id) == (self.model, digest(resume_text))

    def ensure_resume_vectors(self, user_ids: Iterable[uuid.UUID] | None = None) -> int:
        """Re-embed résumés whose stored vector is not the current model's (checked once per process and text)."""
        model = self.model
        with self._sessions() as session:
            stmt = select(Resume.id, Resume.content)
            if user_ids is not None:
                stmt = stmt.where(Resume.user_id.in_(list(user_ids)))
            # Only unchecked résumés have their vectors read: parsing 1,536 floats costs Discover milliseconds.
            unchecked = [
                row[0] for row in session.execute(stmt) if self._verified.get(row[0]) != (model, digest(row[1]))
            ]
            if not unchecked:
                return 0
            todo = session.execute(
                select(Resume.id, Resume.user_id, Resume.content, Resume.embedding, Resume.is_primary).where(
                    Resume.id.in_(unchecked)
                )
            ).all()
        import numpy as np  # loaded once a résumé is embedded, not at start

        vectors = pad(self.embedding.embedder.embed([row[2] for row in todo]))
        changed = []
        for (resume_id, user_id, resume_text, stored, primary), vector in zip(todo, vectors, strict=True):
            if stored is None or float(np.dot(np.asarray(stored, dtype=np.float32), vector)) < _SAME_VECTOR:
                changed.append((resume_id, user_id, resume_text, primary, vector))
        if changed:
            with self._sessions.begin() as session:
                for resume_id, user_id, resume_text, primary, vector in changed:
                    # Only if the résumé is unchanged meanwhile: a newer save wrote its own vector.
                    session.execute(
                        update(Resume)
                        .where(Resume.id == resume_id, Resume.content == resume_text)
                        .values(embedding=vector)
                    )
                    if primary:  # users' columns mirror the primary résumé
                        session.execute(
                            update(User)
                            .where(User.id == user_id, User.resume_text == resume_text)
                            .values(resume_embedding=vector)
                        )
        for resume_id, _, resume_text, _, _ in todo:
            self._verified[resume_id] = (model, digest(resume_text))
        return len(changed)

    def resumes_of(self, session: Session, user_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, ResumeSkillsRef]:
        """The résumés of these profiles, by résumé id, with the skills each shows."""
        ids = list(user_ids)
        if not ids:
            return {}
        rows = session.execute(
            select(Resume.id, Resume.user_id, Resume.label, Resume.content).where(Resume.user_id.in_(ids))
        ).all()
        return {
            row[0]: ResumeSkillsRef(row[0], row[1], row[2], ResumeSkills(row[3], self.vocabulary), digest(row[3]))
            for row in rows
        }

    def all_current(self, resumes: Mapping[uuid.UUID, ResumeSkillsRef]) -> bool:
        """Whether every one of these résumés' vectors was already checked against the current model."""
        model = self.model
        return all(self._verified.get(ref.id) == (model, ref.digest) for ref in resumes.values())

    def rescore(self, profile: str | uuid.UUID) -> int:
        """Recompute score and gap analysis of every card of a profile; returns how many were written."""
        with self._sessions() as session:
            user_id = find_user(session, profile).id
        return self._score(user_id, fanout_sql.SCOPE_ALL, ())

    def score_links(self, user_id: uuid.UUID, pool_ids: Sequence[uuid.UUID] | None = None) -> int:
        """Score a profile's cards for these pool jobs (None: every card without a current score)."""
        if pool_ids is None:
            return self._score(user_id, fanout_sql.SCOPE_UNSCORED, ())
        return self._score(user_id, fanout_sql.SCOPE_POOL_IDS, list(pool_ids)) if pool_ids else 0

    def _score(self, user_id: uuid.UUID, scope: str, pool_ids: Sequence[uuid.UUID]) -> int:
        with self._sessions() as session:
            resumes = self.resumes_of(session, [user_id])
        if not resumes:
            return 0
        self.ensure_resume_vectors([user_id])
        with self._sessions() as session:
            rows = fanout_sql.links_to_score(session, user_id, self.model, scope, pool_ids)
        scored = [
            (job.job_pool_id, job.score, job.gap, job.resume_id)
            for job in self.scored_jobs(rows, resumes)
            if job.score is not None and job.gap is not None
        ]
        written = 0
        for start in range(0, len(scored), SCORE_BATCH):
            # Small transactions: a long rescore never holds card rows the board wants to move.
            with self._sessions.begin() as session:
                written += fanout_sql.update_scores(session, scored[start : start + SCORE_BATCH])
        return written

    def job_skills(self, stored: Any, title: str | None, description: str | None) -> list[str]:
        """A posting's skills: those stored on the pool row, else read from its title and description."""
        if isinstance(stored, list):
            return [s for s in stored if isinstance(s, str)]
        return self.vocabulary.job_skills(title, description)

    def scored_jobs(
        self, rows: Sequence[Any], resumes: Mapping[uuid.UUID, ResumeSkillsRef]
    ) -> list[fanout_sql.ScoredJob]:
        """The best-scoring résumé per key, from (key, résumé id, similarity, skills, fallback title, fallback
        description) rows; keys in order of first appearance, unscored (None) when no résumé could score one."""
        calibration, model = self.calibration(), self.model
        best: dict[Any, fanout_sql.ScoredJob] = {}
        job_skills: dict[Any, list[str]] = {}
        for key, resume_id, similarity, skills, title, description in rows:
            current = best.setdefault(key, fanout_sql.ScoredJob(key, None, None))
            resume = resumes.get(resume_id) if resume_id is not None else None
            if resume is None or similarity is None:
                continue
            if key not in job_skills:
                job_skills[key] = self.job_skills(skills, title, description)
            score, gap = score_link(similarity, job_skills[key], resume.skills, model, calibration)
            if current.score is None or (score, similarity) > (current.score, current.similarity or 0.0):
                gap = {**gap, "resume": resume.label, "resume_id": str(resume.id)}
                best[key] = fanout_sql.ScoredJob(key, score, gap, resume.id, similarity)
        return list(best.values())


@dataclass(frozen=True, slots=True)
class ResumeSkillsRef:
    """One résumé of a profile, ready for scoring."""

    id: uuid.UUID
    user_id: uuid.UUID
    label: str
    skills: ResumeSkills
    digest: str
