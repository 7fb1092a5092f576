"""Saving, listing, pausing and removing a profile's scheduled searches, and reading their recent runs."""

from __future__ import annotations

import builtins
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from app.errors import InvalidInput, NotFound
from app.ingestion.apify_presets import criteria_key, resolve_actor
from app.ingestion.history import IngestionHistory, RunRecord
from app.profiles import find_user
from app.searches.schedule import Schedule
from db.models import IngestionRun, SavedSearch, User

PAUSE_AFTER_FAILURES = 3


@dataclass(frozen=True, slots=True)
class SavedSearchRecord:
    """A saved search as the list, the dialog and `searches list` show it."""

    id: uuid.UUID
    profile: str
    actor: str
    query: str
    location: str | None
    max_items: int
    schedule: Schedule
    next_run_at: datetime
    last_run_at: datetime | None
    last_status: str | None
    last_error: str | None
    paused: bool
    pause_reason: str | None
    # The profiles one run of these criteria serves: this search's own first, then every other profile (visible to
    # the reader) that saved the same criteria; their runs within the freshness window are served from the pool.
    profiles: tuple[str, ...]

    @property
    def every_hours(self) -> int | None:
        """The interval in hours, or None for a weekly schedule."""
        return self.schedule.every_hours

    @property
    def outcome_text(self) -> str:
        """The last outcome in a few words: "paused: …", "failed: …", "succeeded" or "never run"."""
        last = "never run" if self.last_status is None else self.last_status
        if self.last_error:
            last = f"{last}: {self.last_error}"
        if self.paused:
            return f"paused: {self.pause_reason}" if self.pause_reason else f"paused (last: {last})"
        return last


def parse_search_id(value: str | uuid.UUID) -> uuid.UUID:
    """A saved search id from the command line or the window."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(value.strip())
    except ValueError:
        raise InvalidInput(f"not a saved search id: {value!r}") from None


def _profiles_by_criteria(session: Session, keys: set[str]) -> dict[str, set[str]]:
    """The names of the profiles with a saved search of each criteria key (row-level security limits them to the
    profiles the reader may see)."""
    sharing: dict[str, set[str]] = {}
    if keys:
        rows = session.execute(
            select(SavedSearch.criteria_key, User.name)
            .join(User, User.id == SavedSearch.user_id)
            .where(SavedSearch.criteria_key.in_(keys))
        )
        for key, name in rows:
            sharing.setdefault(key, set()).add(name)
    return sharing


class SavedSearchService:
    """The saved searches of every profile."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def add(
        self,
        profile: str | uuid.UUID,
        actor: str,
        query: str,
        location: str | None,
        max_items: int,
        schedule: Schedule,
    ) -> SavedSearchRecord:
        """Save a search for a profile; it is due at once, then on its schedule."""
        query = (query or "").strip()
        if not query:
            raise InvalidInput("A saved search needs a query (the search words).")
        if max_items <= 0:
            raise InvalidInput("--max must be 1 or more.")
        actor = actor.strip()
        resolve_actor(actor)  # an unknown preset or a malformed actor id is refused now, not at 3 a.m.
        location = (location or "").strip() or None
        with self._sessions.begin() as session:
            user = find_user(session, profile)
            row = SavedSearch(
                user_id=user.id,
                actor=actor,
                query=query,
                location=location,
                max_items=max_items,
                criteria_key=criteria_key(actor, query, location, max_items, None),
                every_hours=schedule.every_hours,
                days_of_week=list(schedule.days_of_week) or None,
                at_time=schedule.at_time,
            )
            session.add(row)
            session.flush()
            session.refresh(row)
            return self._record(row, user.name)

    def list(self, profile: str | uuid.UUID | None = None) -> list[SavedSearchRecord]:
        """Every saved search (or one profile's), soonest due first."""
        stmt = (
            select(SavedSearch, User.name)
            .join(User, User.id == SavedSearch.user_id)
            .order_by(SavedSearch.next_run_at, SavedSearch.created_at)
        )
        with self._sessions() as session:
            if profile is not None:
                stmt = stmt.where(SavedSearch.user_id == find_user(session, profile).id)
            found = session.execute(stmt).all()
            sharing = _profiles_by_criteria(session, {row.criteria_key for row, _name in found})
            return [self._record(row, name, sharing.get(row.criteria_key, ())) for row, name in found]

    def get(self, search_id: str | uuid.UUID) -> SavedSearchRecord:
        """One saved search."""
        sid = parse_search_id(search_id)
        with self._sessions() as session:
            found = session.execute(
                select(SavedSearch, User.name).join(User, User.id == SavedSearch.user_id).where(SavedSearch.id == sid)
            ).first()
            if found is None:
                raise NotFound(f"No saved search {sid}.")
            sharing = _profiles_by_criteria(session, {found[0].criteria_key})
            return self._record(found[0], found[1], sharing.get(found[0].criteria_key, ()))

    def remove(self, search_id: str | uuid.UUID) -> None:
        """Delete a saved search; its past runs stay in the ingestion history."""
        sid = parse_search_id(search_id)
        with self._sessions.begin() as session:
            if session.execute(delete(SavedSearch).where(SavedSearch.id == sid)).rowcount == 0:  # type: ignore[attr-defined]
                raise NotFound(f"No saved search {sid}.")

    def set_paused(self, search_id: str | uuid.UUID, paused: bool, reason: str | None = None) -> SavedSearchRecord:
        """Pause a search (with an optional reason), or resume it: a resumed search starts afresh and is due now."""
        sid = parse_search_id(search_id)
        values: dict[str, object] = {"paused": paused, "pause_reason": reason if paused else None}
        if not paused:
            values.update(failures_in_a_row=0, next_run_at=func.least(SavedSearch.next_run_at, func.now()))
        with self._sessions.begin() as session:
            if session.execute(update(SavedSearch).where(SavedSearch.id == sid).values(**values)).rowcount == 0:  # type: ignore[attr-defined]
                raise NotFound(f"No saved search {sid}.")
        return self.get(sid)

    def make_due(self, search_id: str | uuid.UUID) -> None:
        """Make a search due now (the next runner runs it)."""
        sid = parse_search_id(search_id)
        with self._sessions.begin() as session:
            session.execute(update(SavedSearch).where(SavedSearch.id == sid).values(next_run_at=func.now()))

    def recent_runs(self, search_id: str | uuid.UUID, limit: int = 10) -> builtins.list[RunRecord]:
        """The search's latest runs from the ingestion history, newest first."""
        sid = parse_search_id(search_id)
        stmt = (
            select(IngestionRun, User.name)
            .outerjoin(User, User.id == IngestionRun.user_id)
            .where(IngestionRun.saved_search_id == sid)
            .order_by(IngestionRun.started_at.desc())
            .limit(limit)
        )
        with self._sessions() as session:
            return [IngestionHistory.record(run, name) for run, name in session.execute(stmt)]

    @staticmethod
    def _record(row: SavedSearch, profile: str, sharing: Iterable[str] = ()) -> SavedSearchRecord:
        at: time | None = row.at_time
        others = sorted({name for name in sharing if name != profile}, key=lambda name: (name.casefold(), name))
        return SavedSearchRecord(
            id=row.id,
            profile=profile,
            actor=row.actor,
            query=row.query,
            location=row.location,
            max_items=row.max_items,
            schedule=Schedule(row.every_hours, tuple(row.days_of_week or ()), at),
            next_run_at=row.next_run_at,
            last_run_at=row.last_run_at,
            last_status=row.last_status,
            last_error=row.last_error,
            paused=row.paused,
            pause_reason=row.pause_reason,
            profiles=(profile, *others),
        )
