"""A profile's résumé: stored, embedded, read back, removed; saving one rescores the profile's cards."""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy import func, update
from sqlalchemy.orm import Session, sessionmaker

from app.matching.records import ResumeInfo, ResumeUpdate
from app.matching.resume import clean_resume_text, read_resume_file
from app.matching.scorer import Scorer
from app.profiles import find_user
from db.engine import affected_rows
from db.models import User, UserJob


class ResumeService:
    """Résumés of the profiles, scored through the Scorer."""

    def __init__(self, sessions: sessionmaker[Session], scorer: Scorer) -> None:
        self._sessions = sessions
        self._scorer = scorer

    def resume(self, profile: str | uuid.UUID) -> ResumeInfo:
        """A profile's stored résumé and the skills found in it."""
        with self._sessions() as session:
            user = find_user(session, profile)
            skills = self._scorer.vocabulary.extract(user.resume_text) if user.resume_text else []
            return ResumeInfo(user.id, user.name, user.resume_text, skills, user.resume_embedding is not None)

    def set_resume(self, profile: str | uuid.UUID, resume_text: str) -> ResumeUpdate:
        """Store a profile's résumé, embed it and rescore every card of the profile."""
        cleaned = clean_resume_text(resume_text)
        vector = self._scorer.embed_resume(cleaned)
        with self._sessions.begin() as session:
            user = find_user(session, profile)
            user_id, name = user.id, user.name
            session.execute(
                update(User)
                .where(User.id == user_id)
                .values(resume_text=cleaned, resume_embedding=vector, updated_at=func.now())
            )
        self._scorer.remember_current(user_id, cleaned)
        rescored = self._scorer.rescore(user_id)
        return ResumeUpdate(user_id, name, self._scorer.vocabulary.extract(cleaned), rescored, len(cleaned))

    def set_resume_file(self, profile: str | uuid.UUID, path: str | Path) -> ResumeUpdate:
        """Read a .txt / .md / .pdf résumé and store it (see set_resume)."""
        return self.set_resume(profile, read_resume_file(path))

    def clear_resume(self, profile: str | uuid.UUID) -> int:
        """Remove a profile's résumé and the scores based on it; returns how many cards lost their score."""
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
            self._scorer.remember_current(user.id, None)
            return affected_rows(result)
