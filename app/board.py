"""Read side of the board: column pages, counts, full card lists, one card's detail."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Select, Text, and_, bindparam, cast, func, literal_column, select, text, union_all
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker

from app.errors import InvalidInput, NotFound
from app.records import STATUSES, BoardCard, ColumnPage, JobDetail
from db.base import JobStatus
from db.models import PoolJob, UserJob, UserJobCount

_WORD = re.compile(r"\w+", re.UNICODE)

_CARD_COLUMNS = (
    UserJob.id, UserJob.job_pool_id, PoolJob.title, PoolJob.company, PoolJob.location, UserJob.status,
    UserJob.position, UserJob.match_score, UserJob.gap_analysis, UserJob.notes, PoolJob.url, PoolJob.source,
    PoolJob.is_remote, PoolJob.posted_at, UserJob.added_at, UserJob.status_changed_at, UserJob.seen_at,
)


# The card columns as read over the binary protocol, where a type psycopg does not know (the job_status enum) would
# arrive as bytes: the status is read as text.
_WIRE_CARD_COLUMNS = (*_CARD_COLUMNS[:5], cast(UserJob.status, Text), *_CARD_COLUMNS[6:])
_STATUS_OF: dict[Any, JobStatus] = {**{s.value: s for s in STATUSES}, **{s: s for s in STATUSES}}  # Enum() is slow


def search_query(search: str | None) -> str | None:
    """A prefix tsquery ("pyth berl" -> "pyth:* & berl:*") from free text, or None when nothing is searchable."""
    words = _WORD.findall((search or "").lower())
    return " & ".join(f"{w}:*" for w in words) if words else None


ORDER_POSITION = "position"  # the profile's own order (drag-and-drop)
ORDER_SCORE = "score"  # best match first, unscored cards last
ORDERS = (ORDER_POSITION, ORDER_SCORE)


def _ordered(stmt: Select, order: str) -> Select:
    if order not in ORDERS:
        raise InvalidInput(f"A column is ordered by {' or '.join(ORDERS)}, not “{order}”.")
    if order == ORDER_SCORE:
        return stmt.order_by(UserJob.match_score.desc().nulls_last(), UserJob.position, UserJob.id)
    return stmt.order_by(UserJob.position, UserJob.id)


def _sort_key(order: str) -> Callable[[BoardCard], tuple[Any, ...]]:
    """The Python twin of _ordered (for rows that came through UNION ALL)."""
    if order == ORDER_SCORE:
        return lambda c: (c.match_score is None, -(c.match_score or 0), c.position is None, c.position or 0.0,
                          c.user_job_id)
    return lambda c: (c.position is None, c.position or 0.0, c.user_job_id)


def card_from_row(row: Any) -> BoardCard:
    """Build a card from a row selected with the card columns."""
    return BoardCard(
        user_job_id=row[0], job_pool_id=row[1], title=row[2], company=row[3], location=row[4],
        status=_STATUS_OF[row[5]], position=row[6], match_score=row[7], gap_analysis=row[8], notes=row[9],
        url=row[10], source=row[11], is_remote=row[12], posted_at=row[13], added_at=row[14],
        status_changed_at=row[15], seen=row[16] is not None,
    )


class BoardQueries:
    """Queries over one profile's links joined to the pool."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        # Reads go through Core connections: the ORM's row loading costs more than the query at 1,000 cards.
        self._engine = sessions.kw["bind"]
        self._sql: dict[tuple[Any, ...], str] = {}

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        """A connection for card reads, ended with COMMIT: a ROLLBACK would make psycopg drop the connection's
        prepared statements (DEALLOCATE ALL), and card reads are prepared once per connection."""
        with self._engine.connect() as connection:
            yield connection
            connection.commit()

    def _card_rows(
        self, connection: Connection, key: tuple[Any, ...], build: Callable[[], Select], params: dict[str, Any]
    ) -> list[BoardCard]:
        """Cards from a statement compiled once per shape (key) and read over psycopg's binary protocol.

        Building and compiling a six-part UNION costs about as much as running it, and text-protocol decoding of
        600 rows about as much again; card reads are what a board open is made of.
        """
        sql = self._sql.get(key)
        if sql is None:
            sql = self._sql[key] = str(build().compile(dialect=self._engine.dialect))
        with connection.connection.driver_connection.cursor(binary=True) as cursor:
            if key[0] == "open" and params.get("query") is None:
                # Every column's first page walks the (user_id, status, position) index whatever the profile:
                # prepare once per connection, plan once (1-2 ms a call). A search keeps per-call plans, as does
                # the full list, whose best plan depends on how many cards the profile has.
                cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
            return [card_from_row(row) for row in cursor.execute(sql, params, prepare=True).fetchall()]

    @staticmethod
    def _bound_cards(status_param: str | None, searching: bool) -> Select:
        """The card columns of one profile (and one column, and a search), every value a bind parameter."""
        stmt = (
            select(*_WIRE_CARD_COLUMNS).join(PoolJob, PoolJob.id == UserJob.job_pool_id)
            .where(UserJob.user_id == bindparam("user_id"))
        )
        if status_param is not None:
            stmt = stmt.where(UserJob.status == bindparam(status_param, type_=UserJob.status.type))
        if searching:
            stmt = stmt.where(
                PoolJob.search_vector.op("@@")(func.to_tsquery(text("'simple'::regconfig"), bindparam("query")))
            )
        return stmt

    @staticmethod
    def _filtered(stmt: Select, user_id: uuid.UUID, status: JobStatus | None, search: str | None) -> Select:
        stmt = stmt.where(UserJob.user_id == user_id)
        if status is not None:
            stmt = stmt.where(UserJob.status == JobStatus(status))
        query = search_query(search)
        if query:
            stmt = stmt.where(PoolJob.search_vector.op("@@")(func.to_tsquery(text("'simple'::regconfig"), query)))
        return stmt

    def _base(self) -> Select:
        return select(*_CARD_COLUMNS).join(PoolJob, PoolJob.id == UserJob.job_pool_id)

    def _count_statement(self, user_id: uuid.UUID, search: str | None) -> Select:
        """(status, cards) rows: the trigger-kept user_job_count, or a GROUP BY over the matches of a search."""
        if not search_query(search):
            return select(UserJobCount.status, UserJobCount.cards).where(UserJobCount.user_id == user_id)
        stmt = select(UserJob.status, func.count()).group_by(UserJob.status)
        stmt = stmt.join(PoolJob, PoolJob.id == UserJob.job_pool_id)
        return self._filtered(stmt, user_id, None, search)

    def column_counts(self, user_id: uuid.UUID, search: str | None = None) -> dict[JobStatus, int]:
        """Exact card count of every column (a search counts its matches)."""
        stmt = self._count_statement(user_id, search)
        counts = dict.fromkeys(STATUSES, 0)
        with self._engine.connect() as session:
            for status, n in session.execute(stmt):
                counts[JobStatus(status)] = int(n)
        return counts

    def open_board(
        self,
        user_id: uuid.UUID,
        limits: int | dict[JobStatus, int] = 100,
        search: str | None = None,
        orders: dict[JobStatus, str] | None = None,
    ) -> dict[JobStatus, ColumnPage]:
        """Every column's exact count and first page, in two statements on one connection.

        `orders` sorts a column by match score (ORDER_SCORE) instead of the profile's own order.
        """
        sizes = limits if isinstance(limits, dict) else dict.fromkeys(STATUSES, limits)
        order_of = {status: (orders or {}).get(status, ORDER_POSITION) for status in STATUSES}
        counts = dict.fromkeys(STATUSES, 0)
        count_stmt = self._count_statement(user_id, search)
        cards: dict[JobStatus, list[BoardCard]] = {status: [] for status in STATUSES}
        query = search_query(search)
        with self._read() as connection:
            for status, n in connection.execute(count_stmt):
                counts[JobStatus(status)] = int(n)
            wanted = tuple(
                (status, order_of[status]) for status in STATUSES if counts[status] and sizes.get(status, 100) > 0
            )
            if wanted:

                def build() -> Select:
                    parts = [
                        select(
                            _ordered(self._bound_cards(f"status_{i}", query is not None), order)
                            .limit(bindparam(f"limit_{i}")).subquery()
                        )
                        for i, (_status, order) in enumerate(wanted)
                    ]
                    return union_all(*parts) if len(parts) > 1 else parts[0]

                params: dict[str, Any] = {"user_id": user_id, "query": query}
                for i, (status, _order) in enumerate(wanted):
                    params[f"status_{i}"] = status.value
                    params[f"limit_{i}"] = sizes.get(status, 100)
                for card in self._card_rows(connection, ("open", wanted, query is not None), build, params):
                    cards[card.status].append(card)
        for status, column in cards.items():
            # UNION ALL keeps no promise about order across its parts: restore each column's order.
            column.sort(key=_sort_key(order_of[status]))
        return {
            status: ColumnPage(status=status, cards=cards[status], offset=0, total=counts[status])
            for status in STATUSES
        }

    def column_page(
        self,
        user_id: uuid.UUID,
        status: JobStatus,
        offset: int = 0,
        limit: int = 100,
        search: str | None = None,
        order: str = ORDER_POSITION,
        total: int | None = None,
    ) -> ColumnPage:
        """A page of one column in board order (or best match first with order=ORDER_SCORE)."""
        query = search_query(search)
        _ordered(select(), order)  # an unknown order is refused before any SQL

        def build() -> Select:
            return (
                _ordered(self._bound_cards("status", query is not None), order)
                .offset(bindparam("offset")).limit(bindparam("limit"))
            )

        params = {"user_id": user_id, "status": JobStatus(status).value, "query": query, "offset": offset,
                  "limit": limit}
        with self._read() as session:
            cards = self._card_rows(session, ("page", order, query is not None), build, params)
            if total is None:
                if search_query(search):
                    count_stmt = self._filtered(
                        select(func.count()).select_from(UserJob).join(PoolJob, PoolJob.id == UserJob.job_pool_id),
                        user_id, status, search,
                    )
                else:
                    count_stmt = select(UserJobCount.cards).where(
                        UserJobCount.user_id == user_id, UserJobCount.status == status
                    )
                total = int(session.scalar(count_stmt) or 0)
        return ColumnPage(status=JobStatus(status), cards=cards, offset=offset, total=total)

    def cards_for(
        self, user_id: uuid.UUID, status: JobStatus | None = None, search: str | None = None
    ) -> list[BoardCard]:
        """Every card of a profile (optionally one column, optionally matching a search), in board order."""
        query = search_query(search)
        column = "status" if status is not None else None

        def build() -> Select:
            return self._bound_cards(column, query is not None).order_by(UserJob.status, UserJob.position, UserJob.id)

        params = {"user_id": user_id, "status": JobStatus(status).value if status else None, "query": query}
        with self._read() as connection:
            return self._card_rows(connection, ("all", column, query is not None), build, params)

    def card(self, user_job_id: uuid.UUID) -> BoardCard:
        """One card by its link id."""
        with self._engine.connect() as session:
            row = session.execute(self._base().where(UserJob.id == user_job_id)).first()
        if row is None:
            raise NotFound("That card no longer exists; refresh the board.")
        return card_from_row(row)

    def detail(self, user_job_id: uuid.UUID) -> JobDetail:
        """Everything the detail pane shows, including how many other profiles track the same job."""
        others = (
            select(func.count())
            .select_from(UserJob.__table__.alias("other"))
            .where(
                and_(
                    literal_column("other.job_pool_id") == UserJob.job_pool_id,
                    literal_column("other.user_id") != UserJob.user_id,
                )
            )
            .scalar_subquery()
        )
        stmt = self._base().add_columns(
            PoolJob.description, PoolJob.apply_url, PoolJob.salary_min, PoolJob.salary_max, PoolJob.salary_currency,
            PoolJob.salary_period, PoolJob.job_type, PoolJob.skills, PoolJob.criteria_tags, PoolJob.scraped_at,
            UserJob.legacy_status, others, PoolJob.metadata_,
        ).where(UserJob.id == user_job_id)
        with self._engine.connect() as session:
            row = session.execute(stmt).first()
        if row is None:
            raise NotFound("That card no longer exists; refresh the board.")
        n = len(_CARD_COLUMNS)
        metadata = row[n + 12] or {}
        return JobDetail(
            card=card_from_row(row), description=row[n], apply_url=row[n + 1], salary_min=row[n + 2],
            salary_max=row[n + 3], salary_currency=row[n + 4], salary_period=row[n + 5], job_type=row[n + 6],
            skills=row[n + 7], criteria_tags=row[n + 8] or [], scraped_at=row[n + 9], legacy_status=row[n + 10],
            other_profiles=int(row[n + 11] or 0), description_html=metadata.get("description_html"),
            metadata=metadata,
        )
