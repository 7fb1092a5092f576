"""Read side of the board: column pages, counts, full card lists, one card's detail."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    CompoundSelect,
    Numeric,
    Select,
    Text,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal_column,
    select,
    text,
    union_all,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker

from app.card_filter import DUE_WORD, PERIOD_TO_YEAR, CardFilter, parse_search
from app.errors import InvalidInput, NotFound
from app.records import APPLIED_STATUSES, STATUSES, BoardCard, ColumnPage, JobDetail
from db.base import JobStatus
from db.engine import run_prepared
from db.models import PoolJob, PoolSighting, Reminder, StatusEvent, UserJob, UserJobCount

Statement = Select | CompoundSelect  # a card query: one column's page, or several columns' pages in a UNION ALL

_WORD = re.compile(r"\w+", re.UNICODE)

# A literal list, not a bound one: card queries are compiled once and prepared (run_prepared).
_APPLIED: ColumnElement[bool] = literal_column(
    "user_job.status IN (" + ", ".join(f"'{status.value}'" for status in APPLIED_STATUSES) + ")"
)

_CARD_COLUMNS = (
    UserJob.id,
    UserJob.job_pool_id,
    PoolJob.title,
    PoolJob.company,
    PoolJob.location,
    UserJob.status,
    UserJob.position,
    UserJob.match_score,
    UserJob.gap_analysis,
    UserJob.notes,
    PoolJob.url,
    PoolJob.source,
    PoolJob.is_remote,
    PoolJob.posted_at,
    UserJob.added_at,
    UserJob.status_changed_at,
    UserJob.seen_at.is_not(None).label("seen"),
    UserJob.tags,
    UserJob.priority,
    # The last move into Applied and the open follow-up: one index probe each per card read.
    select(func.max(StatusEvent.at))
    .where(StatusEvent.user_job_id == UserJob.id, StatusEvent.to_status == text("'applied'::job_status"))
    .scalar_subquery()
    .label("applied_at"),
    select(Reminder.due_on)
    .where(Reminder.user_job_id == UserJob.id, Reminder.done_at.is_(None))
    .scalar_subquery()
    .label("next_reminder"),
    PoolJob.salary_min,
    PoolJob.salary_max,
    PoolJob.salary_currency,
    PoolJob.salary_period,
    func.coalesce(PoolSighting.first_seen_at, PoolJob.scraped_at).label("first_seen_at"),
    PoolSighting.reposted_at.is_not(None).label("reposted"),
    # The job came back after a gap and this profile had applied before that: the earlier version's application.
    case(
        (
            and_(
                PoolSighting.reposted_at.is_not(None),
                _APPLIED,
                UserJob.status_changed_at < PoolSighting.reposted_at,
            ),
            UserJob.status_changed_at,
        ),
        else_=None,
    ).label("applied_before"),
)


# The card columns as read over the binary protocol, where a type psycopg does not know (the job_status enum) would
# arrive as bytes: the status is read as text.
_WIRE_CARD_COLUMNS = (*_CARD_COLUMNS[:5], cast(UserJob.status, Text), *_CARD_COLUMNS[6:])
_STATUS_OF: dict[Any, JobStatus] = {**{s.value: s for s in STATUSES}, **{s: s for s in STATUSES}}  # Enum() is slow


def _as_filter(search: str | CardFilter | None) -> CardFilter:
    """A filter from a search line (with `tag:` / `priority:` / `salary:` words) or as given."""
    return search if isinstance(search, CardFilter) else parse_search(search)


def _shape(filt: CardFilter) -> tuple[bool, int, bool, bool, bool]:
    """The SQL shape of a filter; the text part counts only when it holds a searchable word."""
    return (
        search_query(filt.text) is not None,
        len(filt.tags),
        filt.priority is not None,
        filt.min_salary is not None,
        filt.due,
    )


def _filtering(filt: CardFilter) -> bool:
    return any(_shape(filt))


# In a search, this word keeps only cards whose follow-up is due today or overdue (the toolbar's Due toggle).
DUE_TOKEN = "due:"


def wants_due(search: str | None) -> bool:
    """Whether a search asks for due follow-ups only (it holds the word `due:`); never fails on a half-typed line."""
    return bool(DUE_WORD.search(search or ""))


def search_query(search: str | None) -> str | None:
    """A prefix tsquery ("pyth berl" -> "pyth:* & berl:*") from free text, or None when nothing is searchable."""
    words = _WORD.findall((search or "").lower())
    return " & ".join(f"{w}:*" for w in words) if words else None


# Cards a column loads at a time: two screens of cards on a tall monitor; scrolling fetches the next page.
PAGE_SIZE = 50

# A searched column's first page is found by walking the column in order when that reads at most this many cards.
WALK_CARDS = 5_000


def _walks(matches: int, cards: int, limit: int) -> bool:
    """Whether a text search's page of a column (`matches` of its `cards` match) is found sooner by walking the
    column in order, checking each card's words (about limit * cards / matches cards read), than through the words'
    GIN index. The index scan reads every profile's matches, and the planner, costing it low, would repeat it for
    each column of the board: 3 ms a column at 12,000 matches over all profiles (bench/bench.py, pool 1,000,000).
    """
    return limit * cards <= WALK_CARDS * matches


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
        return lambda c: (
            c.match_score is None,
            -(c.match_score or 0),
            c.position is None,
            c.position or 0.0,
            c.user_job_id,
        )
    return lambda c: (c.position is None, c.position or 0.0, c.user_job_id)


# BoardCard's slot setters, in card-column order: a frozen dataclass's __init__ goes through object.__setattr__ per
# field, three times slower than these, and a board open builds hundreds of cards.
_new = object.__new__
(
    _set_user_job_id,
    _set_job_pool_id,
    _set_title,
    _set_company,
    _set_location,
    _set_status,
    _set_position,
    _set_match_score,
    _set_gap_analysis,
    _set_notes,
    _set_url,
    _set_source,
    _set_is_remote,
    _set_posted_at,
    _set_added_at,
    _set_status_changed_at,
    _set_seen,
    _set_tags,
    _set_priority,
    _set_applied_at,
    _set_next_reminder,
    _set_salary_min,
    _set_salary_max,
    _set_salary_currency,
    _set_salary_period,
    _set_first_seen_at,
    _set_reposted,
    _set_applied_before,
) = (
    getattr(BoardCard, name).__set__
    for name in (
        "user_job_id",
        "job_pool_id",
        "title",
        "company",
        "location",
        "status",
        "position",
        "match_score",
        "gap_analysis",
        "notes",
        "url",
        "source",
        "is_remote",
        "posted_at",
        "added_at",
        "status_changed_at",
        "seen",
        "tags",
        "priority",
        "applied_at",
        "next_reminder",
        "salary_min",
        "salary_max",
        "salary_currency",
        "salary_period",
        "first_seen_at",
        "reposted",
        "applied_before",
    )
)


def card_from_row(row: Any) -> BoardCard:
    """Build a card from a row selected with the card columns (every field set, as __init__ would)."""
    card = _new(BoardCard)
    _set_user_job_id(card, row[0])
    _set_job_pool_id(card, row[1])
    _set_title(card, row[2])
    _set_company(card, row[3])
    _set_location(card, row[4])
    _set_status(card, _STATUS_OF[row[5]])
    _set_position(card, row[6])
    _set_match_score(card, row[7])
    _set_gap_analysis(card, row[8])
    _set_notes(card, row[9])
    _set_url(card, row[10])
    _set_source(card, row[11])
    _set_is_remote(card, row[12])
    _set_posted_at(card, row[13])
    _set_added_at(card, row[14])
    _set_status_changed_at(card, row[15])
    _set_seen(card, row[16])
    _set_tags(card, tuple(row[17] or ()))
    _set_priority(card, row[18])
    _set_applied_at(card, row[19])
    _set_next_reminder(card, row[20])
    _set_salary_min(card, row[21])
    _set_salary_max(card, row[22])
    _set_salary_currency(card, row[23])
    _set_salary_period(card, row[24])
    _set_first_seen_at(card, row[25])
    _set_reposted(card, row[26])
    _set_applied_before(card, row[27])
    return card


# A posting's pay as a yearly amount (the top of its range, or its only figure), for the salary filter. Literal SQL:
# card statements are compiled once and prepared, and these constants are part of their shape, not parameters.
_YEARLY_SALARY: ColumnElement[Any] = literal_column(
    "coalesce(job_pool.salary_max, job_pool.salary_min) * CASE lower(job_pool.salary_period) "
    + " ".join(f"WHEN '{period}' THEN {factor}" for period, factor in PERIOD_TO_YEAR.items() if factor != 1)
    + " ELSE 1 END"
)


def _filter_params(filt: CardFilter) -> dict[str, Any]:
    """The bind parameters of a filter's SQL (see BoardQueries._bound_cards)."""
    return {
        "query": search_query(filt.text),
        "tags": list(filt.tags),
        "priority": filt.priority,
        "min_salary": filt.min_salary,
        "today": date.today(),
    }


class BoardQueries:
    """Queries over one profile's links joined to the pool."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        # Reads go through Core connections: the ORM's row loading costs more than the query at 1,000 cards.
        self._engine = sessions.kw["bind"]
        self._sql: dict[tuple[Any, ...], str] = {}

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        """A connection for card reads, in a transaction ended with COMMIT even when only the driver's cursor ran:
        the ROLLBACK the pool would otherwise send makes psycopg forget the connection's prepared statements, and
        card reads are prepared (and planned) once per connection."""
        with self._engine.begin() as connection:
            yield connection

    def _rows(
        self,
        connection: Connection,
        key: tuple[Any, ...],
        build: Callable[[], Statement],
        params: dict[str, Any],
        *,
        generic: bool = False,
        custom: bool = False,
    ) -> list[Any]:
        """Rows of a statement compiled once per shape (key), prepared once per connection, read binary.

        Building and compiling a six-part UNION costs about as much as running it, and text-protocol decoding of
        300 rows about as much again; card reads are what a board open is made of.
        """
        sql = self._sql.get(key)
        if sql is None:
            sql = self._sql[key] = str(build().compile(dialect=self._engine.dialect))
        return run_prepared(connection, sql, params, generic_plan=generic, custom_plan=custom, binary=True)

    def _card_rows(
        self,
        connection: Connection,
        key: tuple[Any, ...],
        build: Callable[[], Statement],
        params: dict[str, Any],
        *,
        generic: bool = False,
        custom: bool = False,
    ) -> list[BoardCard]:
        rows = self._rows(connection, key, build, params, generic=generic, custom=custom)
        return [card_from_row(row) for row in rows]

    @classmethod
    def _bound_cards(cls, status_param: str | None, filt: CardFilter, *, walk: bool = False) -> Select:
        """The card columns of one profile (and one column, and a filter), every value a bind parameter."""
        stmt = (
            select(*_WIRE_CARD_COLUMNS)
            .join(PoolJob, PoolJob.id == UserJob.job_pool_id)
            .outerjoin(PoolSighting, PoolSighting.job_pool_id == UserJob.job_pool_id)
        )
        return cls._matching(stmt, status_param, filt, walk=walk)

    @staticmethod
    def _matching(stmt: Select, status_param: str | None, filt: CardFilter, *, walk: bool = False) -> Select:
        """A statement over user_job narrowed to one profile's cards (and one column, and a filter).

        The words are looked up in the card's own copy of the pool job's vector (revision 0017): its GIN index and
        the profile's cards intersect without reading the pool, which can be a million postings. `walk` keeps the
        words' index out of the plan (the column is walked in order, each card's words checked; see _walks).
        """
        stmt = stmt.where(UserJob.user_id == bindparam("user_id"))
        if status_param is not None:
            stmt = stmt.where(UserJob.status == bindparam(status_param, type_=UserJob.status.type))
        if search_query(filt.text) is not None:
            matched = UserJob.search_vector.op("@@")(func.to_tsquery(text("'simple'::regconfig"), bindparam("query")))
            stmt = stmt.where(matched.is_(True) if walk else matched)
        if filt.tags:
            stmt = stmt.where(UserJob.tags.contains(cast(bindparam("tags"), ARRAY(Text))))
        if filt.priority is not None:
            stmt = stmt.where(UserJob.priority == bindparam("priority", type_=Text))
        if filt.min_salary is not None:
            stmt = stmt.where(bindparam("min_salary", type_=Numeric) <= _YEARLY_SALARY)
        if filt.due:
            stmt = stmt.where(
                select(Reminder.id)
                .where(
                    Reminder.user_job_id == UserJob.id,
                    Reminder.done_at.is_(None),
                    Reminder.due_on <= bindparam("today", type_=Reminder.due_on.type),
                )
                .exists()
            )
        return stmt

    def _base(self) -> Select:
        return (
            select(*_CARD_COLUMNS)
            .join(PoolJob, PoolJob.id == UserJob.job_pool_id)
            .outerjoin(PoolSighting, PoolSighting.job_pool_id == UserJob.job_pool_id)
        )

    def _counts(
        self, connection: Connection, user_id: uuid.UUID, search: str | CardFilter | None
    ) -> dict[JobStatus, int]:
        """Every column's card count: the trigger-kept user_job_count, or a GROUP BY over a filter's matches."""
        filt = _as_filter(search)
        filtering = _filtering(filt)

        def build() -> Select:
            if not filtering:
                return select(cast(UserJobCount.status, Text), UserJobCount.cards).where(
                    UserJobCount.user_id == bindparam("user_id")
                )
            # Only the salary filter needs the pool job: the count of a search reads the profile's cards alone.
            links = select(UserJob.status)
            if filt.min_salary is not None:
                links = links.join(PoolJob, PoolJob.id == UserJob.job_pool_id)
            matches = self._matching(links, None, filt).subquery()
            return select(cast(matches.c.status, Text), func.count()).group_by(matches.c.status)

        counts = dict.fromkeys(STATUSES, 0)
        params = {"user_id": user_id, **_filter_params(filt)}
        key = ("counts", _shape(filt))
        for status, n in self._rows(connection, key, build, params, generic=not filtering, custom=filtering):
            counts[_STATUS_OF[status]] = int(n)
        return counts

    def column_counts(self, user_id: uuid.UUID, search: str | CardFilter | None = None) -> dict[JobStatus, int]:
        """Exact card count of every column (a search counts its matches)."""
        with self._read() as connection:
            return self._counts(connection, user_id, search)

    def open_board(
        self,
        user_id: uuid.UUID,
        limits: int | dict[JobStatus, int] = PAGE_SIZE,
        search: str | CardFilter | None = None,
        orders: dict[JobStatus, str] | None = None,
    ) -> dict[JobStatus, ColumnPage]:
        """Every column's exact count and first page, in two prepared statements on one connection.

        `orders` sorts a column by match score (ORDER_SCORE) instead of the profile's own order.
        """
        sizes = limits if isinstance(limits, dict) else dict.fromkeys(STATUSES, limits)
        order_of = {status: (orders or {}).get(status, ORDER_POSITION) for status in STATUSES}
        cards: dict[JobStatus, list[BoardCard]] = {status: [] for status in STATUSES}
        filt = _as_filter(search)
        filtering = _filtering(filt)
        with self._read() as connection:
            counts = self._counts(connection, user_id, filt)
            wanted = tuple(
                (status, order_of[status]) for status in STATUSES if counts[status] and sizes.get(status, PAGE_SIZE) > 0
            )
            walks = tuple(False for _ in wanted)
            if wanted and search_query(filt.text) is not None:
                cards_in = self._counts(connection, user_id, None)
                walks = tuple(  # in the profile's order: a column by score is sorted whole anyway
                    order == ORDER_POSITION and _walks(counts[status], cards_in[status], sizes.get(status, PAGE_SIZE))
                    for status, order in wanted
                )
            if wanted:

                def build() -> Statement:
                    parts = [
                        select(
                            _ordered(self._bound_cards(f"status_{i}", filt, walk=walks[i]), order)
                            .limit(bindparam(f"limit_{i}"))
                            .subquery()
                        )
                        for i, (_status, order) in enumerate(wanted)
                    ]
                    return union_all(*parts) if len(parts) > 1 else parts[0]

                params: dict[str, Any] = {"user_id": user_id, **_filter_params(filt)}
                for i, (status, _order) in enumerate(wanted):
                    params[f"status_{i}"] = status.value
                    params[f"limit_{i}"] = sizes.get(status, PAGE_SIZE)
                # Every column's first page walks the (user_id, status, position) index whatever the profile: plan
                # once (1-2 ms a call). A search is planned on every call for its words and profile; the full list
                # and later pages, whose best plan depends on how many cards the profile has, are left to PostgreSQL.
                key = ("open", wanted, _shape(filt), walks)
                rows = self._card_rows(connection, key, build, params, generic=not filtering, custom=filtering)
                for card in rows:
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
        limit: int = PAGE_SIZE,
        search: str | CardFilter | None = None,
        order: str = ORDER_POSITION,
        total: int | None = None,
    ) -> ColumnPage:
        """A page of one column in board order (or best match first with order=ORDER_SCORE)."""
        filt = _as_filter(search)
        _ordered(select(), order)  # an unknown order is refused before any SQL

        def build() -> Select:
            return (
                _ordered(self._bound_cards("status", filt), order).offset(bindparam("offset")).limit(bindparam("limit"))
            )

        params = {
            "user_id": user_id,
            "status": JobStatus(status).value,
            **_filter_params(filt),
            "offset": offset,
            "limit": limit,
            "today": date.today(),
        }
        with self._read() as session:
            cards = self._card_rows(session, ("page", order, _shape(filt)), build, params, custom=_filtering(filt))
            if total is None:
                total = self._counts(session, user_id, filt)[JobStatus(status)]
        return ColumnPage(status=JobStatus(status), cards=cards, offset=offset, total=total)

    def cards_for(
        self,
        user_id: uuid.UUID,
        status: JobStatus | None = None,
        search: str | CardFilter | None = None,
        *,
        due: bool = False,
    ) -> list[BoardCard]:
        """Every card of a profile (optionally one column, a filter, only due follow-ups), in board order."""
        filt = _as_filter(search)
        if due:
            filt = replace(filt, due=True)
        column = "status" if status is not None else None

        def build() -> Select:
            return self._bound_cards(column, filt).order_by(UserJob.status, UserJob.position, UserJob.id)

        params = {"user_id": user_id, "status": JobStatus(status).value if status else None, **_filter_params(filt)}
        with self._read() as connection:
            return self._card_rows(connection, ("all", column, _shape(filt)), build, params, custom=_filtering(filt))

    def card(self, user_job_id: uuid.UUID) -> BoardCard:
        """One card by its link id."""
        with self._engine.connect() as session:
            row = session.execute(self._base().where(UserJob.id == user_job_id)).first()
        if row is None:
            raise NotFound("That card no longer exists; refresh the board.")
        return card_from_row(row)

    def card_id_for(self, user_id: uuid.UUID, job_pool_id: uuid.UUID) -> uuid.UUID:
        """The id of a profile's card for a pool job."""
        with self._engine.connect() as session:
            found = session.scalar(
                select(UserJob.id).where(UserJob.user_id == user_id, UserJob.job_pool_id == job_pool_id)
            )
        if found is None:
            raise NotFound("This profile has no card for that pool job (see `board --json` for the ids).")
        return found

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
        stmt = (
            self._base()
            .add_columns(
                PoolJob.description,
                PoolJob.apply_url,
                PoolJob.salary_min,
                PoolJob.salary_max,
                PoolJob.salary_currency,
                PoolJob.salary_period,
                PoolJob.job_type,
                PoolJob.skills,
                PoolJob.criteria_tags,
                PoolJob.scraped_at,
                UserJob.legacy_status,
                others,
                PoolJob.metadata_,
                PoolJob.posted_at_inferred,
                PoolJob.source_format,
                func.coalesce(PoolSighting.last_seen_at, PoolJob.scraped_at),
                func.coalesce(PoolSighting.times_seen, 1),
                PoolSighting.reposted_at,
                PoolJob.external_id,
                UserJob.updated_at,
            )
            .where(UserJob.id == user_job_id)
        )
        with self._engine.connect() as session:
            row = session.execute(stmt).first()
        if row is None:
            raise NotFound("That card no longer exists; refresh the board.")
        n = len(_CARD_COLUMNS)
        metadata = row[n + 12] or {}
        return JobDetail(
            card=card_from_row(row),
            description=row[n],
            apply_url=row[n + 1],
            salary_min=row[n + 2],
            salary_max=row[n + 3],
            salary_currency=row[n + 4],
            salary_period=row[n + 5],
            job_type=row[n + 6],
            skills=row[n + 7],
            criteria_tags=row[n + 8] or [],
            scraped_at=row[n + 9],
            legacy_status=row[n + 10],
            other_profiles=int(row[n + 11] or 0),
            description_html=metadata.get("description_html"),
            metadata=metadata,
            posted_at_inferred=bool(row[n + 13]),
            source_format=row[n + 14],
            last_seen_at=row[n + 15],
            times_seen=int(row[n + 16] or 0),
            reposted_at=row[n + 17],
            external_id=row[n + 18],
            updated_at=row[n + 19],
        )
