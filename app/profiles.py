"""Profiles: the local people who each keep their own board over the shared pool."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from app.errors import InvalidInput, NotFound, ProfileExists
from app.records import Profile
from app.untrusted_text import strip_control_characters, strip_terminal_escapes
from db.models import User, UserJob

MAX_NAME_LENGTH = 80


def tidy_name(name: str) -> str:
    """A profile name as stored: escape sequences and control characters removed, whitespace collapsed."""
    without_escapes = strip_terminal_escapes(name or "")
    cleaned, _removed = strip_control_characters(without_escapes)
    return " ".join(cleaned.split())


def _clean_name(name: str) -> str:
    cleaned = tidy_name(name)
    if not cleaned:
        raise InvalidInput("A profile needs a name.")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise InvalidInput(f"A profile name can be at most {MAX_NAME_LENGTH} characters.")
    return cleaned


class ProfileService:
    """Add, rename, list and remove profiles; removing one drops its links, never pool jobs."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def list(self) -> list[Profile]:
        """Every profile with its card count, by name."""
        counts = select(UserJob.user_id, func.count().label("n")).group_by(UserJob.user_id).subquery()
        stmt = (
            select(User, func.coalesce(counts.c.n, 0))
            .outerjoin(counts, counts.c.user_id == User.id)
            .order_by(func.lower(User.name))
        )
        with self._sessions() as session:
            return [self._record(user, n) for user, n in session.execute(stmt)]

    def get(self, name_or_id: str | uuid.UUID) -> Profile:
        """One profile by name (case-insensitive) or id."""
        with self._sessions() as session:
            user = find_user(session, name_or_id)
            n = session.scalar(select(func.count()).where(UserJob.user_id == user.id)) or 0
            return self._record(user, n)

    def add(self, name: str, email: str | None = None) -> Profile:
        """Create a profile."""
        cleaned = _clean_name(name)
        try:
            with self._sessions.begin() as session:
                if session.scalar(select(User.id).where(func.lower(User.name) == cleaned.lower())):
                    raise ProfileExists(f"A profile named “{cleaned}” exists already.")
                user = User(name=cleaned, email=(email or None))
                session.add(user)
                session.flush()
                session.refresh(user)
                return self._record(user, 0)
        except IntegrityError as exc:
            raise ProfileExists(f"A profile named “{cleaned}” exists already.") from exc

    def rename(self, old: str | uuid.UUID, new: str) -> Profile:
        """Give a profile a new name."""
        cleaned = _clean_name(new)
        try:
            with self._sessions.begin() as session:
                user = find_user(session, old)
                clash = session.scalar(
                    select(User.id).where(func.lower(User.name) == cleaned.lower(), User.id != user.id)
                )
                if clash:
                    raise ProfileExists(f"A profile named “{cleaned}” exists already.")
                session.execute(update(User).where(User.id == user.id).values(name=cleaned, updated_at=func.now()))
                user_id = user.id
        except IntegrityError as exc:
            raise ProfileExists(f"A profile named “{cleaned}” exists already.") from exc
        return self.get(user_id)

    def remove(self, name_or_id: str | uuid.UUID) -> int:
        """Delete a profile and its links (the pool keeps every job); returns how many links went."""
        with self._sessions.begin() as session:
            user = find_user(session, name_or_id)
            n = session.scalar(select(func.count()).where(UserJob.user_id == user.id)) or 0
            session.delete(user)
            return n

    @staticmethod
    def _record(user: User, card_count: int) -> Profile:
        return Profile(
            id=user.id,
            name=user.name,
            email=user.email,
            has_resume=bool(user.resume_text),
            card_count=int(card_count),
            created_at=user.created_at,
        )


def find_user(session: Session, name_or_id: str | uuid.UUID) -> User:
    """A profile by id, by name (any case, spaces collapsed) or by an id written as text; NotFound otherwise."""
    user: User | None = None
    if isinstance(name_or_id, uuid.UUID):
        user = session.get(User, name_or_id)
    else:
        user = session.scalar(select(User).where(func.lower(User.name) == tidy_name(name_or_id).lower()))
        if user is None:
            try:
                user = session.get(User, uuid.UUID(name_or_id))
            except ValueError:
                user = None
    if user is None:
        raise NotFound(f"No profile named “{name_or_id}”. See `profiles list`.")
    return user
