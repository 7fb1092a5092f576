"""Running the saved searches that are due, once each, however many runners (windows, cron jobs) are about.

A runner takes a search by writing its lease row (holder, expires_at) inside a transaction that also holds a
transaction-level advisory lock on the search, so checking "due and not leased" and taking the lease are one step
for every runner. The lease, not a session lock, keeps the search taken while it runs: a runner that crashes or is
killed leaves a lease that simply expires, and the next runner after that runs the search again. A long run renews
its lease as it reports progress.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from psycopg import errors as pg_errors
from sqlalchemy import func, insert, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from app.errors import ApifyError, IngestionCancelled, JobPoolError
from app.ingestion.apify_presets import criteria_dict, resolve_actor
from app.ingestion.apify_search import run_search
from app.ingestion.live import LiveIngestionService, SearchRequest
from app.ingestion.pipeline import IngestProgress
from app.notifications import record_search_outcome
from app.searches.schedule import Schedule
from app.searches.service import PAUSE_AFTER_FAILURES
from db.models import IngestionRun, SavedSearch

log = logging.getLogger(__name__)

DEFAULT_LEASE = timedelta(minutes=30)
LEASE_ENV = "JOBPOOL_SEARCH_LEASE_SECONDS"
_LOCK_PREFIX = "jobpool:saved_search:"


@dataclass(frozen=True, slots=True)
class SearchRunOutcome:
    """What one saved search's run did."""

    search_id: uuid.UUID
    profile: str
    run_id: uuid.UUID | None
    status: str
    actor_run_reused: bool
    pool_inserts: int
    pool_hits: int
    error: str | None
    paused_now: bool


@dataclass(frozen=True, slots=True)
class DueReport:
    """A pass over the due searches: those this runner ran, and how many another runner holds."""

    ran: tuple[SearchRunOutcome, ...]
    skipped_locked: int


@dataclass(frozen=True, slots=True)
class DueProgress:
    """Progress of a pass: which search (1-based) of how many, and what its run is doing."""

    index: int
    total: int
    query: str
    profile: str
    message: str


def lease_from_env(default: timedelta = DEFAULT_LEASE) -> timedelta:
    """The lease length: JOBPOOL_SEARCH_LEASE_SECONDS if set (a positive number), else the default."""
    raw = os.environ.get(LEASE_ENV, "").strip()
    try:
        seconds = float(raw) if raw else 0.0
    except ValueError:
        seconds = 0.0
    return timedelta(seconds=seconds) if seconds > 0 else default


def new_holder() -> str:
    """A name for this runner in the lease rows: host, process and a random tail."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class SavedSearchRunner:
    """Runs due saved searches through the live ingestion service (criteria reuse included)."""

    def __init__(self, sessions: sessionmaker[Session], live: LiveIngestionService) -> None:
        self._sessions = sessions
        self._live = live

    def due_ids(self) -> list[uuid.UUID]:
        """The searches due now and not paused, longest overdue first."""
        with self._sessions() as session:
            return list(
                session.scalars(
                    select(SavedSearch.id)
                    .where(SavedSearch.paused.is_(False), SavedSearch.next_run_at <= func.now())
                    .order_by(SavedSearch.next_run_at)
                )
            )

    def run_due(
        self,
        data_dir: str | Path,
        *,
        holder: str | None = None,
        lease: timedelta | None = None,
        on_progress: Callable[[DueProgress], None] | None = None,
        should_cancel: Callable[[], bool] | None = None,
    ) -> DueReport:
        """Run every due search this runner can take; those another runner holds are counted, not waited for."""
        holder = holder or new_holder()
        lease = lease or lease_from_env()
        ran: list[SearchRunOutcome] = []
        skipped = 0
        due = self.due_ids()
        for index, search_id in enumerate(due, start=1):
            if should_cancel and should_cancel():
                break
            try:
                taken = self.take(search_id, holder, lease)
            except DBAPIError as exc:
                if not isinstance(exc.orig, pg_errors.InsufficientPrivilege):
                    raise
                # Team mode: a coached profile's search is visible, not ours to run.
                log.info("saved search %s is not ours to run: %s", search_id, str(exc.orig).strip().splitlines()[0])
                continue
            if taken is None:
                skipped += 1
                continue
            if not taken:
                continue  # another runner ran it meanwhile: no longer due
            try:
                outcome = self._run_one(search_id, data_dir, holder, lease, index, len(due), on_progress, should_cancel)
            finally:
                self.release(search_id, holder)
            ran.append(outcome)
        return DueReport(tuple(ran), skipped)

    def take(self, search_id: uuid.UUID, holder: str, lease: timedelta) -> bool | None:
        """Take the search's lease: True if taken, False if it is no longer due, None if another runner holds it."""
        with self._sessions.begin() as session:
            locked = session.scalar(
                text("SELECT pg_try_advisory_xact_lock(hashtextextended(:k, 0))"), {"k": f"{_LOCK_PREFIX}{search_id}"}
            )
            if not locked:
                return None
            taken = session.scalar(
                text(
                    "INSERT INTO saved_search_lease (search_id, holder, expires_at) "
                    "SELECT s.id, :holder, now() + :lease FROM saved_search s "
                    "WHERE s.id = :id AND NOT s.paused AND s.next_run_at <= now() "
                    "ON CONFLICT (search_id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at "
                    "WHERE saved_search_lease.expires_at <= now() "
                    "RETURNING search_id"
                ),
                {"id": search_id, "holder": holder, "lease": lease},
            )
            if taken is not None:
                return True
            held = session.scalar(
                text("SELECT 1 FROM saved_search_lease WHERE search_id = :id AND expires_at > now()"), {"id": search_id}
            )
            return None if held else False

    def renew(self, search_id: uuid.UUID, holder: str, lease: timedelta) -> None:
        """Push this runner's lease on the search further out (a long run stays taken)."""
        with self._sessions.begin() as session:
            session.execute(
                text("UPDATE saved_search_lease SET expires_at = now() + :lease WHERE search_id = :id AND holder = :h"),
                {"id": search_id, "h": holder, "lease": lease},
            )

    def release(self, search_id: uuid.UUID, holder: str) -> None:
        """Give the lease back (only this runner's own)."""
        with self._sessions.begin() as session:
            session.execute(
                text("DELETE FROM saved_search_lease WHERE search_id = :id AND holder = :h"),
                {"id": search_id, "h": holder},
            )

    def _run_one(
        self,
        search_id: uuid.UUID,
        data_dir: str | Path,
        holder: str,
        lease: timedelta,
        index: int,
        total: int,
        on_progress: Callable[[DueProgress], None] | None,
        should_cancel: Callable[[], bool] | None,
    ) -> SearchRunOutcome:
        with self._sessions() as session:
            search = session.get_one(SavedSearch, search_id)
            user_id = search.user_id
            request = SearchRequest(search.actor, search.query, search.location, search.max_items)
            schedule = Schedule(search.every_hours, tuple(search.days_of_week or ()), search.at_time)
            profile = session.scalar(text("SELECT name FROM users WHERE id = :id"), {"id": user_id}) or ""
        renewed = [time.monotonic()]

        def progress(step: IngestProgress) -> None:
            if time.monotonic() - renewed[0] > lease.total_seconds() / 3:
                self.renew(search_id, holder, lease)
                renewed[0] = time.monotonic()
            if on_progress:
                on_progress(DueProgress(index, total, request.query, profile, step.message))

        if on_progress:
            on_progress(DueProgress(index, total, request.query, profile, "starting"))
        try:
            report = run_search(
                self._live, data_dir, user_id, request, on_progress=progress, should_cancel=should_cancel
            )
            run_id: uuid.UUID | None = report.run_id
            status, error = report.status, report.error
            reused, inserts, hits = report.served_from_pool, report.pool_inserts, report.pool_hits
        except IngestionCancelled as exc:
            run_id, status, error, reused, inserts, hits = None, "cancelled", exc.message, False, 0, 0
        except JobPoolError as exc:  # no token, a refused start, a lost database: logged as a failed run
            run_id, status, error, reused, inserts, hits = None, "failed", exc.message, False, 0, 0
            if not isinstance(exc, ApifyError):
                log.warning("saved search %s failed: %s", search_id, exc.message)
        paused_now = self._finish(search_id, user_id, request, schedule, run_id, status, error)
        return SearchRunOutcome(search_id, profile, run_id, status, reused, inserts, hits, error, paused_now)

    def _finish(
        self,
        search_id: uuid.UUID,
        user_id: uuid.UUID,
        request: SearchRequest,
        schedule: Schedule,
        run_id: uuid.UUID | None,
        status: str,
        error: str | None,
    ) -> bool:
        """Log the outcome on the run (writing a failed run when none was started), move the schedule on and, for a
        failure, put it (and a pause it brings) in the profile's inbox in the same transaction, so the inbox's
        trigger announces it when the run is recorded."""
        with self._sessions.begin() as session:
            if run_id is None:
                run_id = self._failed_run(session, user_id, request, status, error)
            session.execute(update(IngestionRun).where(IngestionRun.id == run_id).values(saved_search_id=search_id))
            search = session.get_one(SavedSearch, search_id, with_for_update=True)
            now = session.scalar(select(func.now())) or datetime.now(UTC)
            search.last_run_at = now
            search.last_status = status
            search.last_error = error
            if status == "cancelled":
                return False  # the window closed mid-run: still due, not a failure
            search.next_run_at = schedule.next_after(now)
            if status == "succeeded":
                search.failures_in_a_row = 0
                return False
            search.failures_in_a_row += 1
            paused_now = search.failures_in_a_row >= PAUSE_AFTER_FAILURES and not search.paused
            if paused_now:
                search.paused = True
                search.pause_reason = f"{search.failures_in_a_row} failures in a row; the last: {error}"
            session.flush()
            self._tell_inbox(session, run_id, search_id)
            return paused_now

    @staticmethod
    def _tell_inbox(session: Session, run_id: uuid.UUID, search_id: uuid.UUID) -> None:
        try:
            with session.begin_nested():
                record_search_outcome(session, run_id, search_id)
        except DBAPIError as exc:  # the outcome is recorded; the inbox's look at check time brings the row in later
            log.info("inbox row for saved search %s postponed: %s", search_id, str(exc.orig).strip().splitlines()[0])

    @staticmethod
    def _failed_run(
        session: Session, user_id: uuid.UUID, request: SearchRequest, status: str, error: str | None
    ) -> uuid.UUID:
        preset = resolve_actor(request.actor)
        criteria = criteria_dict(request.actor, request.query, request.location, request.max_items, None)
        criteria["preset"] = preset.key
        criteria["query_text"] = request.query
        criteria["location_text"] = request.location or ""
        run_id = session.scalar(
            insert(IngestionRun)
            .values(
                user_id=user_id,
                source=f"apify:{preset.key}",
                criteria=criteria,
                status=status,
                error=error,
                finished_at=func.now(),
            )
            .returning(IngestionRun.id)
        )
        assert run_id is not None
        return run_id
