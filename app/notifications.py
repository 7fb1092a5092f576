"""The notifications inbox: per profile, the events worth hearing about, each recorded once.

New jobs above the profile's score arrive grouped, one row per ingestion run and profile ("14 new for Sam, best
82 %"); due follow-ups and failed or interrupted runs are looked for (`sync`) and land once each, keyed by the event
(`dedup_key`, unique per profile). A saved search's runner writes its failure or pause when it records the run
(`record_search_outcome`, under the same keys), so the inbox's trigger announces it at once. The desktop is told
about each row at most once (`take_undelivered`).
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, and_, any_, bindparam, func, literal, or_, select, update
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from app.errors import JobPoolError
from app.records import counted
from app.settings import DEFAULT_NOTIFY_MIN_SCORE
from db.models import IngestionRun, IngestionRunJob, Notification, PoolJob, Reminder, SavedSearch, User, UserJob

log = logging.getLogger(__name__)

NEW_JOBS = "new_jobs"
REMINDER_DUE = "reminder_due"
RUN_FAILED = "run_failed"
MIGRATION = "migration"
BACKUP = "backup"
MAX_TITLE = 300
# Failed runs older than this are not brought into an inbox (a first look after upgrading stays short).
FAILED_RUN_LOOKBACK_DAYS = 7


@dataclass(frozen=True, slots=True)
class InboxItem:
    """One notification of a profile's inbox."""

    id: uuid.UUID
    user_id: uuid.UUID
    kind: str
    title: str
    created_at: datetime
    read: bool
    job_pool_id: uuid.UUID | None
    user_job_id: uuid.UUID | None = None  # the profile's card for job_pool_id, where inbox() looked it up

    def to_json(self) -> dict[str, Any]:
        """The `notifications --json` shape."""
        return {
            "id": str(self.id),
            "kind": self.kind,
            "title": self.title,
            "created_at": self.created_at.isoformat(),
            "read": self.read,
            "job_pool_id": str(self.job_pool_id) if self.job_pool_id else None,
        }


@dataclass(frozen=True, slots=True)
class InboxCheck:
    """What one look at the inboxes found: rows for the desktop, and the current profile's unread count."""

    undelivered: list[InboxItem]
    unread: int


def new_jobs_title(count: int, profile_name: str, best: int | None) -> str:
    """ "14 new for Sam, best 82 %"."""
    best_text = f", best {best} %" if best is not None else ""
    return f"{count:,} new for {profile_name}{best_text}"


def _clip(title: str) -> str:
    cleaned = " ".join(title.replace("\x00", "").split())
    return cleaned if len(cleaned) <= MAX_TITLE else cleaned[: MAX_TITLE - 1] + "…"


_COLUMNS = (
    Notification.id,
    Notification.user_id,
    Notification.kind,
    Notification.title,
    Notification.created_at,
    Notification.read_at,
    Notification.job_pool_id,
)


def _item(row: Any) -> InboxItem:
    card = row[7] if len(row) > 7 else None
    return InboxItem(row[0], row[1], row[2], row[3], row[4], row[5] is not None, row[6], card)


def _failed_runs(*where: Any) -> Select[Any]:
    """The "Failed: …" rows of the failed or interrupted runs that match, keyed by run."""
    return select(
        IngestionRun.user_id,
        literal(RUN_FAILED),
        func.left(
            func.initcap(IngestionRun.status)
            + literal(": ")
            + IngestionRun.source
            + func.coalesce(" — " + IngestionRun.error, ""),
            MAX_TITLE,
        ),
        literal("run-failed:") + func.cast(IngestionRun.id, Notification.title.type),
        literal(None, type_=Notification.job_pool_id.type),
    ).where(IngestionRun.status.in_(("failed", "interrupted")), *where)


def _paused_searches(*where: Any) -> Select[Any]:
    """The rows of the paused saved searches that match: once per pause (the search's last run marks the pause)."""
    return select(
        SavedSearch.user_id,
        literal(RUN_FAILED),
        func.left(
            literal("Saved search paused: ") + SavedSearch.query + func.coalesce(" — " + SavedSearch.pause_reason, ""),
            MAX_TITLE,
        ),
        literal("search-paused:")
        + func.cast(SavedSearch.id, Notification.title.type)
        + ":"
        + func.coalesce(func.cast(SavedSearch.last_run_at, Notification.title.type), ""),
        literal(None, type_=Notification.job_pool_id.type),
    ).where(SavedSearch.paused.is_(True), *where)


def _insert_rows(session: Session, rows: Select[Any]) -> int:
    result = session.execute(
        insert(Notification)
        .from_select(["user_id", "kind", "title", "dedup_key", "job_pool_id"], rows)
        .on_conflict_do_nothing(index_elements=[Notification.user_id, Notification.dedup_key])
        .returning(Notification.id)
    )
    return len(result.all())


def record_search_outcome(session: Session, run_id: uuid.UUID, search_id: uuid.UUID) -> int:
    """In the caller's transaction (the one that records the run): the run's "Failed: …" row if it failed, and the
    search's paused row if it is paused; each under the key `sync` uses, so a later look adds neither again. Returns
    how many rows were added."""
    return _insert_rows(session, _failed_runs(IngestionRun.id == run_id)) + _insert_rows(
        session, _paused_searches(SavedSearch.id == search_id)
    )


class NotificationService:
    """Records, lists and marks inbox rows; one transaction per call."""

    def __init__(self, sessions: sessionmaker[Session], *, min_score: int = DEFAULT_NOTIFY_MIN_SCORE) -> None:
        self._sessions = sessions
        self.min_score = min_score

    # -- recording --------------------------------------------------------------------------------------
    def post(
        self, user_id: uuid.UUID, kind: str, title: str, dedup_key: str, job_pool_id: uuid.UUID | None = None
    ) -> bool:
        """Add one row unless its event is already in the inbox; returns whether it was added."""
        with self._sessions.begin() as session:
            result = session.execute(
                insert(Notification)
                .values(user_id=user_id, kind=kind, title=_clip(title), dedup_key=dedup_key, job_pool_id=job_pool_id)
                .on_conflict_do_nothing(index_elements=[Notification.user_id, Notification.dedup_key])
                .returning(Notification.id)
            )
            return result.first() is not None

    def post_all(self, kind: str, title: str, dedup_key: str) -> int:
        """Add one row to every profile's inbox (migration and backup results); returns how many were added."""
        with self._sessions.begin() as session:
            rows = select(User.id, literal(kind), literal(_clip(title)), literal(dedup_key))
            result = session.execute(
                insert(Notification)
                .from_select(["user_id", "kind", "title", "dedup_key"], rows)
                .on_conflict_do_nothing(index_elements=[Notification.user_id, Notification.dedup_key])
                .returning(Notification.id)
            )
            return len(result.all())

    def after_ingest(self, user_id: uuid.UUID, new_pool_ids: list[uuid.UUID], run_id: uuid.UUID | None = None) -> None:
        """Ingestion hook (after scoring and fan-out): one grouped new-jobs row per profile that got good cards."""
        try:
            self.record_run(user_id, new_pool_ids, run_id)
        except (DBAPIError, JobPoolError) as exc:  # the cards are in; the inbox row is a courtesy
            log.warning("new-job notifications skipped: %s", exc)

    def record_run(self, user_id: uuid.UUID, new_pool_ids: Sequence[uuid.UUID], run_id: uuid.UUID | None = None) -> int:
        """Group the cards a run brought (the profile's own, and the others' fanned-out ones) scoring at least
        min_score into one row per profile; returns how many rows were added. Without run_id, the profile's
        latest finished run."""
        with self._sessions() as session:
            run_filter = IngestionRun.id == run_id if run_id else IngestionRun.user_id == user_id
            run = session.execute(
                select(IngestionRun.id, IngestionRun.started_at)
                .where(run_filter, IngestionRun.finished_at.is_not(None))
                .order_by(IngestionRun.finished_at.desc())
                .limit(1)
            ).first()
            if run is None:
                return 0
            own = and_(
                UserJob.user_id == user_id,
                UserJob.job_pool_id.in_(select(IngestionRunJob.job_pool_id).where(IngestionRunJob.run_id == run[0])),
            )
            # One array parameter, not one bound value per job: a run of thousands compiles in no time.
            new_ids = bindparam("new_ids", list(new_pool_ids), type_=ARRAY(PG_UUID(as_uuid=True)))
            others = and_(UserJob.user_id != user_id, UserJob.job_pool_id == any_(new_ids))
            rows = session.execute(
                select(UserJob.user_id, User.name, UserJob.job_pool_id, UserJob.match_score)
                .join(User, User.id == UserJob.user_id)
                .where(
                    UserJob.added_at >= run[1],
                    UserJob.match_score >= self.min_score,
                    or_(own, others) if new_pool_ids else own,
                )
                .order_by(UserJob.user_id, UserJob.match_score.desc(), UserJob.job_pool_id)
            ).all()
        groups: dict[uuid.UUID, list[Any]] = defaultdict(list)
        for row in rows:
            groups[row[0]].append(row)
        added = 0
        for profile_id, cards in groups.items():
            best = cards[0]
            title = new_jobs_title(len(cards), best[1], best[3])
            try:
                added += self.post(profile_id, NEW_JOBS, title, f"run:{run[0]}", best[2])
            except DBAPIError as exc:  # team mode: a profile this role may read (coached) but not write
                log.info("no new-job row for profile %s: %s", profile_id, str(exc.orig).strip().splitlines()[0])
        return added

    def sync(self, user_id: uuid.UUID, today: date | None = None) -> int:
        """Bring due follow-ups, failed or interrupted runs and paused saved searches into a profile's inbox, each once;
        returns how many."""
        today = today or date.today()
        due = (
            select(
                UserJob.user_id,
                literal(REMINDER_DUE),
                func.left(
                    literal("Follow up: ") + PoolJob.title + func.coalesce(" at " + PoolJob.company, ""), MAX_TITLE
                ),
                literal("reminder:")
                + func.cast(Reminder.id, Notification.title.type)
                + ":"
                + func.cast(Reminder.due_on, Notification.title.type),
                UserJob.job_pool_id,
            )
            .join(UserJob, UserJob.id == Reminder.user_job_id)
            .join(PoolJob, PoolJob.id == UserJob.job_pool_id)
            .where(UserJob.user_id == user_id, Reminder.done_at.is_(None), Reminder.due_on <= today)
        )
        failed = _failed_runs(
            IngestionRun.user_id == user_id,
            IngestionRun.finished_at >= func.now() - func.make_interval(0, 0, 0, FAILED_RUN_LOOKBACK_DAYS),
        )
        paused = _paused_searches(SavedSearch.user_id == user_id)
        with self._sessions.begin() as session:
            return sum(_insert_rows(session, rows) for rows in (due, failed, paused))

    # -- reading and marking ----------------------------------------------------------------------------
    def inbox(self, user_id: uuid.UUID, *, unread_only: bool = False, limit: int = 200) -> list[InboxItem]:
        """A profile's notifications, newest first."""
        stmt = (
            select(*_COLUMNS, UserJob.id)
            .outerjoin(
                UserJob, and_(UserJob.user_id == Notification.user_id, UserJob.job_pool_id == Notification.job_pool_id)
            )
            .where(Notification.user_id == user_id)
        )
        if unread_only:
            stmt = stmt.where(Notification.read_at.is_(None))
        stmt = stmt.order_by(Notification.created_at.desc(), Notification.id).limit(limit)
        with self._sessions() as session:
            return [_item(row) for row in session.execute(stmt)]

    def unread_count(self, user_id: uuid.UUID) -> int:
        """How many of a profile's notifications are unread."""
        with self._sessions() as session:
            return int(
                session.scalar(
                    select(func.count())
                    .select_from(Notification)
                    .where(Notification.user_id == user_id, Notification.read_at.is_(None))
                )
                or 0
            )

    def mark_read(self, user_id: uuid.UUID, ids: Sequence[uuid.UUID] | None = None) -> int:
        """Mark some (or, with None, all) of a profile's notifications read; returns how many changed."""
        stmt = update(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
        if ids is not None:
            stmt = stmt.where(Notification.id.in_(list(ids)))
        with self._sessions.begin() as session:
            return len(session.execute(stmt.values(read_at=func.now()).returning(Notification.id)).all())

    def check(self, user_ids: Sequence[uuid.UUID], current: uuid.UUID | None, today: date | None = None) -> InboxCheck:
        """The window's periodic look: bring events into these profiles' inboxes, take what the desktop has not
        heard yet, and count the current profile's unread rows."""
        for user_id in user_ids:
            try:
                self.sync(user_id, today)
            except DBAPIError as exc:  # team mode: a coached profile's inbox is the client's to fill
                log.info(
                    "inbox of profile %s not brought up to date: %s", user_id, str(exc.orig).strip().splitlines()[0]
                )
        undelivered = self.take_undelivered(user_ids)
        return InboxCheck(undelivered, self.unread_count(current) if current else 0)

    def take_undelivered(self, user_ids: Sequence[uuid.UUID] | None = None) -> list[InboxItem]:
        """Rows the desktop has not been told about yet, marked told; oldest first."""
        stmt = update(Notification).where(Notification.notified_at.is_(None))
        if user_ids is not None:
            stmt = stmt.where(Notification.user_id.in_(list(user_ids)))
        with self._sessions.begin() as session:
            rows = session.execute(stmt.values(notified_at=func.now()).returning(*_COLUMNS)).all()
        return sorted((_item(row) for row in rows), key=lambda item: (item.created_at, str(item.id)))


def desktop_lines(items: Sequence[InboxItem], profile_names: dict[uuid.UUID, str], most: int = 3) -> list[str]:
    """What the desktop shows for new rows: due follow-ups grouped per profile, and at most `most` lines in all."""
    lines: list[str] = []
    due: dict[uuid.UUID, int] = defaultdict(int)
    for item in items:
        if item.kind == REMINDER_DUE:
            due[item.user_id] += 1
        else:
            lines.append(item.title)
    for user_id, count in due.items():
        lines.append(f"{counted(count, 'follow-up')} due for {profile_names.get(user_id, 'a profile')}")
    if len(lines) > most:
        lines = [*lines[: most - 1], f"and {len(lines) - most + 1:,} more in the inbox"]
    return lines
