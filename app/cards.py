"""Write side of the board: moving cards between and inside columns, notes."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import Connection, func, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from app.errors import InvalidInput, NotFound
from app.profiles import find_user
from app.records import MoveResult
from db.base import JobStatus
from db.engine import affected_rows, run_prepared
from db.models import UserJob

MIN_GAP = 1e-6
MAX_NOTES = 100_000

# How a status change was made, recorded in its history event (revision 0005 reads the transaction's `jobpool.via`).
VIA_DRAG = "drag"
VIA_KEYBOARD = "keyboard"
VIA_MENU = "menu"
VIA_CLI = "cli"
VIAS = (VIA_DRAG, VIA_KEYBOARD, VIA_MENU, VIA_CLI, "import", "fan-out", "migration", "other")

_SET_VIA = text("SELECT set_config('jobpool.via', :via, true)")


def set_via(session: Session | Connection, via: str) -> None:
    """Name how this transaction changes cards, for their status history ("import", "fan-out", ...)."""
    session.execute(_SET_VIA, {"via": via})


def parse_status(value: str | JobStatus) -> JobStatus:
    """A status from its name, case-insensitive, with a message listing the valid ones."""
    try:
        return JobStatus(str(value).strip().lower())
    except ValueError:
        names = ", ".join(s.value for s in JobStatus)
        raise InvalidInput(f"Unknown status “{value}”. Use one of: {names}.") from None


def lock_new_card_positions(session: Session, user_id: uuid.UUID) -> None:
    """Serialize placing new cards on top of a profile's Recommended column until the transaction ends.

    Positions are computed from the column's current top: two writers reading the same top would hand out the
    same positions. The lock is taken in its own statement, so the insert that follows reads a snapshot that
    includes whatever the previous holder committed.
    """
    session.execute(
        text("SELECT pg_advisory_xact_lock(hashtextextended('jobpool.new-cards:' || CAST(:uid AS text), 0))"),
        {"uid": user_id},
    )


# A move is latency the user feels: its statements are written once, in SQL, instead of being built per call
# (building the equivalent expressions cost about as much as running them). Both paths below share these parts.
_LOCK_CARDS = "SELECT id, user_id FROM user_job WHERE id = ANY(CAST(:ids AS uuid[])) ORDER BY id FOR UPDATE"


def _other_cards(user: str) -> str:
    """The rest of the target column of `user` (an SQL expression): the cards that are not moving."""
    return (
        f"FROM user_job WHERE user_id = {user} AND status = CAST(:status AS job_status) "
        "AND id <> ALL(CAST(:ids AS uuid[]))"
    )


_SET_COLUMN = (
    "status = CAST(:status AS job_status), updated_at = now(), "
    "status_changed_at = CASE WHEN u.status = CAST(:status AS job_status) THEN u.status_changed_at ELSE now() END"
)

# The whole move in one statement: lock the cards, check they are all there and of one profile, find where they
# go (before the anchor card, at the top, or at the end of the column) and write them there. It writes nothing
# when it cannot place them cleanly (a card missing, two profiles, an unpositioned anchor, a gap worn too thin):
# the step-by-step path then explains or renumbers. The move does not wait for its WAL to reach the disk:
# PostgreSQL stays consistent, and only a power cut or OS crash in the next fraction of a second could undo it,
# the same trade as SQLite in WAL mode with synchronous=NORMAL.
_COLUMN = _other_cards("o.user_id")
_MOVE = text(f"""
WITH locked AS MATERIALIZED ({_LOCK_CARDS}
), owner AS MATERIALIZED (
    SELECT min(user_id::text)::uuid AS user_id FROM locked
    HAVING count(*) = cardinality(CAST(:ids AS uuid[])) AND count(DISTINCT user_id) = 1
), anchor AS MATERIALIZED (
    SELECT a.position FROM user_job a, owner o
    WHERE a.id = CAST(:before AS uuid) AND a.user_id = o.user_id AND a.status = CAST(:status AS job_status)
), edges AS MATERIALIZED (
    SELECT EXISTS (SELECT FROM anchor) AS anchored, (SELECT position FROM anchor) AS upper,
        (SELECT max(position) {_COLUMN} AND position < (SELECT position FROM anchor)) AS below,
        (SELECT min(position) {_COLUMN}) AS lowest,
        (SELECT max(position) {_COLUMN}) AS highest,
        set_config('synchronous_commit', 'off', true) AS no_flush_wait,
        set_config('jobpool.via', :via, true) AS via
    FROM owner o
), place AS (
    SELECT anchored, upper,
        CASE WHEN anchored THEN coalesce(below, upper - :k - 1)
             WHEN CAST(:at_top AS boolean) THEN coalesce(lowest, 0) - :k - 1
             ELSE coalesce(highest, 0) END AS base,
        CASE WHEN anchored THEN (upper - coalesce(below, upper - :k - 1)) / (:k + 1) ELSE 1 END AS step
    FROM edges
)
UPDATE user_job u SET {_SET_COLUMN}, position = p.base + p.step * m.ord
FROM unnest(CAST(:ids AS uuid[])) WITH ORDINALITY AS m(id, ord), place p
WHERE u.id = m.id AND (NOT p.anchored OR (p.upper IS NOT NULL AND p.step >= :min_gap))
RETURNING u.id, u.position
""")

# The step-by-step path.
_LOCK = text(_LOCK_CARDS)
_OTHERS = _other_cards(":uid")
_LOWEST = text(f"SELECT min(position) {_OTHERS}")
_HIGHEST = text(f"SELECT max(position) {_OTHERS}")
_BELOW = text(f"SELECT max(position) {_OTHERS} AND position < :upper")
_ANCHOR = text("SELECT position, user_id, CAST(status AS text) AS status FROM user_job WHERE id = :id")
_UPDATE = text(
    f"UPDATE user_job u SET {_SET_COLUMN}, position = m.position "
    "FROM unnest(CAST(:ids AS uuid[]), CAST(:positions AS float8[])) AS m(id, position) WHERE u.id = m.id"
)


def card_for(session: Session, profile: str, job_pool_id: uuid.UUID) -> tuple[uuid.UUID, uuid.UUID]:
    """(user_job_id, user_id) of a profile's card for a pool job, the profile given by name (case-insensitive)."""
    user_id = find_user(session, profile).id
    link = session.scalar(select(UserJob.id).where(UserJob.user_id == user_id, UserJob.job_pool_id == job_pool_id))
    if link is None:
        raise NotFound(f"Profile “{profile}” has no card for pool job {job_pool_id}.")
    return link, user_id


class CardService:
    """Moves cards (status and place in the column) and saves notes, one transaction per call."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions
        # Moves run on a Core connection: a drag-and-drop is latency the user feels, the ORM adds to it.
        self._engine = sessions.kw["bind"]
        self._move_sql = str(_MOVE.compile(dialect=self._engine.dialect))

    def move(
        self,
        user_job_ids: Sequence[uuid.UUID],
        status: JobStatus | str,
        *,
        before: uuid.UUID | None = None,
        at_top: bool = False,
        via: str = VIA_CLI,
    ) -> MoveResult:
        """Put cards, in the given order, into a column: before another card, at the top, or at the end.

        `via` (drag, keyboard, menu, cli) is recorded in the status history of the cards whose column changes.
        """
        target = parse_status(status)
        if via not in VIAS:
            raise InvalidInput(f"Unknown way of moving “{via}”.")
        ids = list(dict.fromkeys(user_job_ids))
        if not ids:
            raise InvalidInput("No card to move.")
        if before in ids:
            before = None
        with self._engine.begin() as session:
            placed = dict(
                run_prepared(
                    session,
                    self._move_sql,
                    {
                        "ids": ids,
                        "status": target.value,
                        "before": before,
                        "at_top": at_top,
                        "k": len(ids),
                        "min_gap": MIN_GAP,
                        "via": via,
                    },
                    generic_plan=True,
                )
            )
            if len(placed) == len(ids):
                return MoveResult(user_job_ids=ids, status=target, positions=[placed[i] for i in ids])
            rows = session.execute(_LOCK, {"ids": ids}).all()
            if len(rows) != len(ids):
                raise NotFound("A card you moved no longer exists; refresh the board.")
            users = {row.user_id for row in rows}
            if len(users) != 1:
                raise InvalidInput("Cards of different profiles cannot move together.")
            user_id = users.pop()
            set_via(session, via)
            positions = self._positions(session, user_id, target, ids, before, at_top)
            session.execute(_UPDATE, {"status": target.value, "ids": ids, "positions": positions})
        return MoveResult(user_job_ids=ids, status=target, positions=positions)

    def _positions(
        self,
        session: Connection,
        user_id: uuid.UUID,
        status: JobStatus,
        moving: list[uuid.UUID],
        before: uuid.UUID | None,
        at_top: bool,
    ) -> list[float]:
        k = len(moving)
        others = {"uid": user_id, "status": status.value, "ids": moving}
        if before is None:
            if at_top:
                low = session.scalar(_LOWEST, others)
                start = (low if low is not None else 0.0) - k
                return [start + i for i in range(k)]
            high = session.scalar(_HIGHEST, others)
            start = (high if high is not None else 0.0) + 1
            return [start + i for i in range(k)]
        anchor = session.execute(_ANCHOR, {"id": before}).first()
        if anchor is None or anchor.user_id != user_id or anchor.status != status.value:
            return self._positions(session, user_id, status, moving, None, at_top)
        if anchor.position is None:
            self._renumber(session, user_id, status)
            return self._positions(session, user_id, status, moving, before, at_top)
        upper = anchor.position
        lower = session.scalar(_BELOW, {**others, "upper": upper})
        if lower is None:
            lower = upper - k - 1
        step = (upper - lower) / (k + 1)
        if step < MIN_GAP:
            self._renumber(session, user_id, status)
            return self._positions(session, user_id, status, moving, before, at_top)
        return [lower + step * (i + 1) for i in range(k)]

    @staticmethod
    def _renumber(session: Connection, user_id: uuid.UUID, status: JobStatus) -> None:
        """Spread a column's positions to whole numbers again, keeping its order."""
        session.execute(
            text(
                "UPDATE user_job u SET position = r.n FROM ("
                "  SELECT id, row_number() OVER (ORDER BY position NULLS LAST, id) AS n FROM user_job"
                "  WHERE user_id = :uid AND status = :status) r WHERE u.id = r.id"
            ),
            {"uid": user_id, "status": status.value},
        )

    def move_job(self, profile: str, job_pool_id: uuid.UUID, status: JobStatus | str) -> MoveResult:
        """Move a profile's card for a pool job to the top of a column (the CLI's `move`)."""
        with self._sessions() as session:
            link, _user_id = card_for(session, profile, job_pool_id)
        return self.move([link], status, at_top=True)

    def set_notes(self, user_job_id: uuid.UUID, notes: str | None) -> None:
        """Save a card's notes."""
        if notes is not None and len(notes) > MAX_NOTES:
            raise InvalidInput(f"Notes can hold at most {MAX_NOTES:,} characters.")
        cleaned = notes.replace("\x00", "") if notes else None
        with self._sessions.begin() as session:
            result = session.execute(
                update(UserJob).where(UserJob.id == user_job_id).values(notes=cleaned or None, updated_at=func.now())
            )
            if affected_rows(result) == 0:
                raise NotFound("That card no longer exists; its notes could not be saved.")

    def mark_seen(self, user_id: uuid.UUID) -> int:
        """Mark every card of a profile as seen (clears "new" markers); returns how many changed."""
        with self._sessions.begin() as session:
            result = session.execute(
                update(UserJob).where(UserJob.user_id == user_id, UserJob.seen_at.is_(None)).values(seen_at=func.now())
            )
            return affected_rows(result)
