"""A card's details beyond its column: interviews, contacts, tags and priority."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from app.card_filter import MAX_TAGS, normalize_tags, parse_priority
from app.cards import card_for
from app.errors import InvalidInput, NotFound
from db.engine import affected_rows
from db.models import INTERVIEW_KINDS, Contact, Interview, PoolJob, UserJob

INTERVIEW_KINDS_TEXT = "one of: " + ", ".join(INTERVIEW_KINDS)
MAX_FIELD = 500
MAX_NOTES = 20_000


@dataclass(frozen=True, slots=True)
class InterviewRecord:
    """One interview, with the card's job for lists across cards."""

    id: uuid.UUID
    user_job_id: uuid.UUID
    job_pool_id: uuid.UUID
    at: datetime
    kind: str | None
    with_whom: str | None
    notes: str | None
    title: str
    company: str | None

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (the moment in ISO 8601 with its offset, UTC)."""
        return {
            "id": str(self.id),
            "job_pool_id": str(self.job_pool_id),
            "user_job_id": str(self.user_job_id),
            "at": self.at.astimezone(UTC).isoformat(),
            "kind": self.kind,
            "with": self.with_whom,
            "notes": self.notes,
            "title": self.title,
            "company": self.company,
        }


@dataclass(frozen=True, slots=True)
class ContactRecord:
    """A person connected with a card."""

    id: uuid.UUID
    user_job_id: uuid.UUID
    name: str
    role: str | None
    email: str | None
    phone: str | None
    url: str | None
    notes: str | None

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "id": str(self.id),
            "user_job_id": str(self.user_job_id),
            "name": self.name,
            "role": self.role,
            "email": self.email,
            "phone": self.phone,
            "url": self.url,
            "notes": self.notes,
        }


@dataclass(frozen=True, slots=True)
class CardDetails:
    """What the detail pane shows below the job: interviews (soonest first), contacts, tags, priority."""

    user_job_id: uuid.UUID
    interviews: list[InterviewRecord]
    contacts: list[ContactRecord]
    tags: tuple[str, ...]
    priority: str | None


def _field(value: str | None, what: str, limit: int = MAX_FIELD) -> str | None:
    """A short text field: NULs dropped, trimmed, empty as None, bounded."""
    if value is None:
        return None
    text = value.replace("\x00", "").strip()
    if len(text) > limit:
        raise InvalidInput(f"The {what} has at most {limit:,} characters.")
    return text or None


def parse_kind(value: str | None) -> str | None:
    """An interview kind (phone, video, onsite, take-home; any case), or None."""
    text = _field(value, "interview kind")
    if text is None:
        return None
    kind = text.lower().replace("_", "-").replace(" ", "-")
    kind = {"takehome": "take-home", "on-site": "onsite", "in-person": "onsite"}.get(kind, kind)
    if kind not in INTERVIEW_KINDS:
        raise InvalidInput(f"Unknown interview kind “{value}”. Use one of: {', '.join(INTERVIEW_KINDS)}.")
    return kind


def check_profile_url(value: str | None) -> str | None:
    """A contact's profile URL: http or https with a host, or None; any other scheme is refused."""
    text = _field(value, "profile URL", 2000)
    if text is None:
        return None
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise InvalidInput("A profile URL starts with http:// or https:// and names a site.")
    return text


class CardDetailsService:
    """Interviews, contacts, tags and priority of cards; one transaction per call."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    # Lookup

    def card_id(self, profile: str, job_pool_id: uuid.UUID) -> uuid.UUID:
        """The card of a profile (by name) for a pool job."""
        with self._sessions() as session:
            return card_for(session, profile, job_pool_id)[0]

    def details(self, user_job_id: uuid.UUID) -> CardDetails:
        """Everything the detail pane's sections show for one card."""
        with self._sessions() as session:
            card = session.execute(select(UserJob.tags, UserJob.priority).where(UserJob.id == user_job_id)).first()
            if card is None:
                raise NotFound("That card no longer exists; refresh the board.")
            interviews = self._interviews(session, Interview.user_job_id == user_job_id)
            contacts = [
                _contact(c)
                for c in session.scalars(
                    select(Contact).where(Contact.user_job_id == user_job_id).order_by(Contact.created_at, Contact.id)
                )
            ]
        return CardDetails(user_job_id, interviews, contacts, tuple(card.tags or ()), card.priority)

    # Interviews

    def add_interview(
        self,
        user_job_id: uuid.UUID,
        at: datetime,
        kind: str | None = None,
        with_whom: str | None = None,
        notes: str | None = None,
    ) -> InterviewRecord:
        """Record an interview; `at` must carry its time zone (a naive time is ambiguous)."""
        if at.tzinfo is None or at.utcoffset() is None:
            raise InvalidInput("An interview time needs its time zone (for example 2026-12-01T15:00+01:00).")
        values = {
            "at": at,
            "kind": parse_kind(kind),
            "with_whom": _field(with_whom, "“with” field"),
            "notes": _field(notes, "notes", MAX_NOTES),
        }
        with self._sessions.begin() as session:
            if session.get(UserJob, user_job_id) is None:
                raise NotFound("That card no longer exists; the interview was not saved.")
            row = Interview(user_job_id=user_job_id, **values)
            session.add(row)
            session.flush()
            return self._interviews(session, Interview.id == row.id)[0]

    def remove_interview(self, interview_id: uuid.UUID) -> None:
        """Delete an interview."""
        with self._sessions.begin() as session:
            if affected_rows(session.execute(delete(Interview).where(Interview.id == interview_id))) == 0:
                raise NotFound("That interview no longer exists.")

    def interviews(self, user_id: uuid.UUID, *, upcoming_from: datetime | None = None) -> list[InterviewRecord]:
        """A profile's interviews across its cards, soonest first (only those from a moment on, if given)."""
        condition = UserJob.user_id == user_id
        if upcoming_from is not None:
            condition = condition & (Interview.at >= upcoming_from)
        with self._sessions() as session:
            return self._interviews(session, condition)

    def upcoming_interviews(self, user_id: uuid.UUID, now: datetime | None = None) -> list[InterviewRecord]:
        """A profile's interviews from now on (an interview under way still counts: from an hour ago)."""
        start = (now or datetime.now(UTC)) - _INTERVIEW_LENGTH
        return self.interviews(user_id, upcoming_from=start)

    @staticmethod
    def _interviews(session: Session, condition: Any) -> list[InterviewRecord]:
        rows = session.execute(
            select(Interview, UserJob.job_pool_id, PoolJob.title, PoolJob.company)
            .join(UserJob, UserJob.id == Interview.user_job_id)
            .join(PoolJob, PoolJob.id == UserJob.job_pool_id)
            .where(condition)
            .order_by(Interview.at, Interview.id)
        ).all()
        return [
            InterviewRecord(
                id=i.id,
                user_job_id=i.user_job_id,
                job_pool_id=job_pool_id,
                at=i.at,
                kind=i.kind,
                with_whom=i.with_whom,
                notes=i.notes,
                title=title,
                company=company,
            )
            for i, job_pool_id, title, company in rows
        ]

    # Contacts

    def add_contact(
        self,
        user_job_id: uuid.UUID,
        name: str,
        role: str | None = None,
        email: str | None = None,
        phone: str | None = None,
        url: str | None = None,
        notes: str | None = None,
    ) -> ContactRecord:
        """Record a contact for a card; the profile URL must be http or https."""
        cleaned = _field(name, "name")
        if cleaned is None:
            raise InvalidInput("A contact needs a name.")
        email_text = _field(email, "email")
        if email_text is not None and ("@" not in email_text or any(c.isspace() for c in email_text)):
            raise InvalidInput(f"“{email_text}” is not an email address.")
        values = {
            "name": cleaned,
            "role": _field(role, "role"),
            "email": email_text,
            "phone": _field(phone, "phone number", 60),
            "url": check_profile_url(url),
            "notes": _field(notes, "notes", MAX_NOTES),
        }
        with self._sessions.begin() as session:
            if session.get(UserJob, user_job_id) is None:
                raise NotFound("That card no longer exists; the contact was not saved.")
            row = Contact(user_job_id=user_job_id, **values)
            session.add(row)
            session.flush()
            return _contact(row)

    def remove_contact(self, contact_id: uuid.UUID) -> None:
        """Delete a contact."""
        with self._sessions.begin() as session:
            if affected_rows(session.execute(delete(Contact).where(Contact.id == contact_id))) == 0:
                raise NotFound("That contact no longer exists.")

    # Tags and priority

    def set_tags(self, user_job_id: uuid.UUID, tags: list[str] | tuple[str, ...]) -> tuple[str, ...]:
        """Replace a card's tags (normalized, duplicates dropped); returns them."""
        cleaned = normalize_tags(tags)
        if len(cleaned) > MAX_TAGS:
            raise InvalidInput(f"A card has at most {MAX_TAGS} tags.")
        with self._sessions.begin() as session:
            result = session.execute(
                update(UserJob).where(UserJob.id == user_job_id).values(tags=cleaned, updated_at=func.now())
            )
            if affected_rows(result) == 0:
                raise NotFound("That card no longer exists; its tags were not saved.")
        return tuple(cleaned)

    def change_tags(
        self, user_job_id: uuid.UUID, tags: list[str] | tuple[str, ...], *, remove: bool = False
    ) -> tuple[str, ...]:
        """Add tags to a card (or remove them); returns the card's tags afterwards."""
        given = normalize_tags(tags)
        with self._sessions.begin() as session:
            current = session.scalar(select(UserJob.tags).where(UserJob.id == user_job_id).with_for_update())
            if current is None:
                raise NotFound("That card no longer exists; its tags were not changed.")
            result = [t for t in current if t not in given] if remove else list(dict.fromkeys([*current, *given]))
            if len(result) > MAX_TAGS:
                raise InvalidInput(f"A card has at most {MAX_TAGS} tags.")
            session.execute(update(UserJob).where(UserJob.id == user_job_id).values(tags=result, updated_at=func.now()))
        return tuple(result)

    def set_priority(self, user_job_id: uuid.UUID, priority: str | None) -> str | None:
        """Set a card's priority (low / medium / high) or clear it with None."""
        value = parse_priority(priority)
        with self._sessions.begin() as session:
            result = session.execute(
                update(UserJob).where(UserJob.id == user_job_id).values(priority=value, updated_at=func.now())
            )
            if affected_rows(result) == 0:
                raise NotFound("That card no longer exists; its priority was not saved.")
        return value

    def profile_tags(self, user_id: uuid.UUID) -> list[str]:
        """Every tag a profile uses, alphabetically (for completion)."""
        tag = func.unnest(UserJob.tags).label("tag")
        with self._sessions() as session:
            return list(session.scalars(select(tag).where(UserJob.user_id == user_id).distinct().order_by(tag)))


_INTERVIEW_LENGTH = timedelta(hours=1)  # what an export gives an interview, and how long one stays "upcoming"


def _contact(c: Contact) -> ContactRecord:
    return ContactRecord(
        id=c.id,
        user_job_id=c.user_job_id,
        name=c.name,
        role=c.role,
        email=c.email,
        phone=c.phone,
        url=c.url,
        notes=c.notes,
    )
