"""A profile's résumés: stored, embedded, read back, made primary, removed; every change rescores the profile's cards.

A profile keeps several résumés (a label such as "Backend" or "Data", an optional focus area, the text) and one of
them is primary. The primary one is mirrored into users.resume_text / resume_embedding, where the single résumé of
earlier versions lived, so readers of those columns keep working.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from app.errors import InvalidInput, NotFound
from app.matching import fanout as fanout_sql
from app.matching.records import ResumeEntry, ResumeGap, ResumeInfo, ResumeUpdate
from app.matching.resume import clean_resume_text, read_resume_file
from app.matching.scorer import Scorer
from app.profiles import find_user
from db.engine import affected_rows
from db.models import Resume, User, UserJob

DEFAULT_LABEL = "Main"
MAX_LABEL_CHARS = 60
MAX_FOCUS_CHARS = 200
MAX_RESUMES = 20


def clean_label(label: str | None) -> str:
    """A résumé label with whitespace collapsed; refuse empty or long ones."""
    cleaned = " ".join((label or "").split())
    if not cleaned:
        raise InvalidInput("A resume needs a label, such as “Backend” or “Data”.")
    if len(cleaned) > MAX_LABEL_CHARS:
        raise InvalidInput(f"A resume label can be at most {MAX_LABEL_CHARS} characters long.")
    return cleaned


def _clean_focus(focus: str | None) -> str | None:
    cleaned = " ".join((focus or "").split())
    if len(cleaned) > MAX_FOCUS_CHARS:
        raise InvalidInput(f"A resume's focus area can be at most {MAX_FOCUS_CHARS} characters long.")
    return cleaned or None


class ResumeService:
    """Résumés of the profiles, scored through the Scorer."""

    def __init__(self, sessions: sessionmaker[Session], scorer: Scorer) -> None:
        self._sessions = sessions
        self._scorer = scorer

    def resume(self, profile: str | uuid.UUID) -> ResumeInfo:
        """A profile's primary résumé and the skills found in it."""
        with self._sessions() as session:
            user = find_user(session, profile)
            skills = self._scorer.vocabulary.extract(user.resume_text) if user.resume_text else []
            return ResumeInfo(user.id, user.name, user.resume_text, skills, user.resume_embedding is not None)

    def resumes(self, profile: str | uuid.UUID) -> list[ResumeEntry]:
        """A profile's résumés, primary first, then by label."""
        with self._sessions() as session:
            user_id = find_user(session, profile).id
            rows = session.execute(
                select(
                    Resume.id,
                    Resume.label,
                    Resume.focus,
                    Resume.content,
                    Resume.is_primary,
                    Resume.embedding.is_not(None),
                    Resume.updated_at,
                )
                .where(Resume.user_id == user_id)
                .order_by(Resume.is_primary.desc(), func.lower(Resume.label), Resume.id)
            ).all()
            vocabulary = self._scorer.vocabulary
            return [
                ResumeEntry(
                    row[0], row[1], row[2], row[3], bool(row[4]), vocabulary.extract(row[3]), bool(row[5]), row[6]
                )
                for row in rows
            ]

    def add_resume(
        self,
        profile: str | uuid.UUID,
        resume_text: str,
        label: str,
        focus: str | None = None,
        *,
        primary: bool = False,
        resume_id: uuid.UUID | None = None,
    ) -> ResumeUpdate:
        """Store a résumé under a label (replacing the text of one with that label), embed it, rescore the cards.

        With `resume_id`, that résumé is changed (its label too). A profile's first résumé is its primary one
        whatever `primary` says.
        """
        cleaned, label, focus = clean_resume_text(resume_text), clean_label(label), _clean_focus(focus)
        vector = self._scorer.embed_resume(cleaned)
        with self._sessions.begin() as session:
            user = find_user(session, profile)
            user_id, name = user.id, user.name
            existing = {
                row[1].casefold(): row[0]
                for row in session.execute(select(Resume.id, Resume.label).where(Resume.user_id == user_id))
            }
            found = existing.get(label.casefold())
            if resume_id is not None:
                if resume_id not in existing.values():
                    raise NotFound("That resume no longer exists.")
                if found is not None and found != resume_id:
                    raise InvalidInput(f"“{name}” already has a resume labelled “{label}”.")
                found = resume_id
            if found is None:
                if len(existing) >= MAX_RESUMES:
                    raise InvalidInput(f"“{name}” already has {MAX_RESUMES} resumes: remove one first.")
                found = session.execute(
                    insert(Resume)
                    .values(user_id=user_id, label=label, focus=focus, content=cleaned, embedding=vector)
                    .returning(Resume.id)
                ).scalar_one()
            else:
                session.execute(
                    update(Resume)
                    .where(Resume.id == found)
                    .values(label=label, focus=focus, content=cleaned, embedding=vector, updated_at=func.now())
                )
            if primary or not existing:
                _make_primary(session, user_id, found)
            _mirror_primary(session, user_id)
        self._scorer.remember_current(found, cleaned)
        rescored = self._scorer.rescore(user_id)
        return ResumeUpdate(user_id, name, self._scorer.vocabulary.extract(cleaned), rescored, len(cleaned), label)

    def add_resume_file(
        self, profile: str | uuid.UUID, path: str | Path, label: str, focus: str | None = None, *, primary: bool = False
    ) -> ResumeUpdate:
        """Read a .txt / .md / .pdf résumé and store it under a label (see add_resume)."""
        return self.add_resume(profile, read_resume_file(path), label, focus, primary=primary)

    def set_resume(self, profile: str | uuid.UUID, resume_text: str) -> ResumeUpdate:
        """Replace the text of a profile's primary résumé (or store the first one), embed it and rescore the cards."""
        with self._sessions() as session:
            user_id = find_user(session, profile).id
            row = session.execute(
                select(Resume.label, Resume.focus).where(Resume.user_id == user_id, Resume.is_primary)
            ).first()
        label, focus = (row[0], row[1]) if row else (DEFAULT_LABEL, None)
        return self.add_resume(user_id, resume_text, label, focus, primary=True)

    def set_resume_file(self, profile: str | uuid.UUID, path: str | Path) -> ResumeUpdate:
        """Read a .txt / .md / .pdf résumé and store it as the primary one (see set_resume)."""
        return self.set_resume(profile, read_resume_file(path))

    def set_primary(self, profile: str | uuid.UUID, resume_id: uuid.UUID) -> None:
        """Make one of a profile's résumés the primary one (scores do not change: every résumé counts)."""
        with self._sessions.begin() as session:
            user_id = find_user(session, profile).id
            if session.scalar(select(Resume.id).where(Resume.id == resume_id, Resume.user_id == user_id)) is None:
                raise NotFound("That resume no longer exists.")
            _make_primary(session, user_id, resume_id)
            _mirror_primary(session, user_id)

    def remove_resume(self, profile: str | uuid.UUID, resume_id: uuid.UUID) -> int:
        """Remove one résumé and rescore the cards with the others; returns how many cards were rescored or cleared.

        When the primary one goes, the oldest remaining résumé becomes primary.
        """
        with self._sessions.begin() as session:
            user_id = find_user(session, profile).id
            result = session.execute(delete(Resume).where(Resume.id == resume_id, Resume.user_id == user_id))
            if not affected_rows(result):
                raise NotFound("That resume no longer exists.")
            if session.scalar(select(Resume.id).where(Resume.user_id == user_id, Resume.is_primary)) is None:
                oldest = session.scalar(
                    select(Resume.id).where(Resume.user_id == user_id).order_by(Resume.created_at, Resume.id).limit(1)
                )
                if oldest is not None:
                    _make_primary(session, user_id, oldest)
            _mirror_primary(session, user_id)
            remaining = session.scalar(select(func.count()).where(Resume.user_id == user_id)) or 0
            if not remaining:
                return _clear_scores(session, user_id)
        self._scorer.remember_current(resume_id, None)
        return self._scorer.rescore(user_id)

    def clear_resume(self, profile: str | uuid.UUID) -> int:
        """Remove every résumé of a profile and the scores based on them; returns how many cards lost their score."""
        with self._sessions.begin() as session:
            user = find_user(session, profile)
            removed = list(session.scalars(delete(Resume).where(Resume.user_id == user.id).returning(Resume.id)))
            _mirror_primary(session, user.id)
            for resume_id in removed:
                self._scorer.remember_current(resume_id, None)
            return _clear_scores(session, user.id)

    def card_gaps(self, user_job_id: uuid.UUID) -> list[ResumeGap]:
        """A card's score and skill gaps against each of its profile's résumés (computed now), best first."""
        scorer = self._scorer
        with self._sessions() as session:
            user_id = session.scalar(select(UserJob.user_id).where(UserJob.id == user_job_id))
            if user_id is None:
                raise NotFound("That card no longer exists.")
            resumes = scorer.resumes_of(session, [user_id])
        if not resumes:
            return []
        scorer.ensure_resume_vectors([user_id])
        with self._sessions() as session:
            rows = session.execute(select(Resume.id, Resume.is_primary).where(Resume.user_id == user_id)).all()
            primary = {row[0] for row in rows if row[1]}
            links = fanout_sql.links_of_card(session, user_job_id, scorer.model)
        gaps = []
        for resume_id, resume in resumes.items():
            job = scorer.scored_jobs([row for row in links if row[1] == resume_id], {resume_id: resume})
            if not job or job[0].score is None or job[0].gap is None:
                continue
            gap = job[0].gap
            gaps.append(
                ResumeGap(resume_id, resume.label, resume_id in primary, job[0].score, gap["have"], gap["missing"])
            )
        gaps.sort(key=lambda g: (-g.score, not g.primary, g.label.casefold()))
        return gaps


def _make_primary(session: Session, user_id: uuid.UUID, resume_id: uuid.UUID) -> None:
    # Two statements: the unique partial index allows one primary per profile at any moment.
    session.execute(
        update(Resume)
        .where(Resume.user_id == user_id, Resume.is_primary, Resume.id != resume_id)
        .values(is_primary=False)
    )
    session.execute(update(Resume).where(Resume.id == resume_id).values(is_primary=True))


def _mirror_primary(session: Session, user_id: uuid.UUID) -> None:
    """Copy the primary résumé (or its absence) into the users' single-résumé columns."""
    primary = select(Resume.content, Resume.embedding).where(Resume.user_id == user_id, Resume.is_primary).subquery()
    session.execute(
        update(User)
        .where(User.id == user_id)
        .values(
            resume_text=select(primary.c.content).scalar_subquery(),
            resume_embedding=select(primary.c.embedding).scalar_subquery(),
            updated_at=func.now(),
        )
    )


def _clear_scores(session: Session, user_id: uuid.UUID) -> int:
    result = session.execute(
        update(UserJob)
        .where(UserJob.user_id == user_id, UserJob.match_score.is_not(None))
        .values(match_score=None, gap_analysis=None, best_resume_id=None)
    )
    return affected_rows(result)
