"""Read side of the board: column pages, counts, full card lists, one card's detail."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import Select, and_, func, literal_column, select, text, union_all
from sqlalchemy.orm import Session, sessionmaker

from app.errors import InvalidInput, NotFound
from app.records import STATUSES, BoardCard, ColumnPage, JobDetail
from db.base import JobStatus
from db.models import PoolJob, UserJob

_WORD = re.compile(r"\w+", re.UNICODE)

_CARD_COLUMNS = (
    UserJob.id, UserJob.job_pool_id, PoolJob.title, PoolJob.company, PoolJob.location, UserJob.status,
    UserJob.position, UserJob.match_score, UserJob.gap_analysis, UserJob.notes, PoolJob.url, PoolJob.source,
    PoolJob.is_remote, PoolJob.posted_at, UserJob.added_at, UserJob.status_changed_at, UserJob.seen_at,
)


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
        status=row[5], position=row[6], match_score=row[7], gap_analysis=row[8], notes=row[9],
        url=row[10], source=row[11], is_remote=row[12], posted_at=row[13], added_at=row[14],
        status_changed_at=row[15], seen=row[16] is not None,
    )


class BoardQueries:
    """Queries over one profile's links joined to the pool."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        # Reads go through Core connections: the ORM's row loading costs more than the query at 1,000 cards.
        self._engine = sessions.kw["bind"]

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

    def column_counts(self, user_id: uuid.UUID, search: str | None = None) -> dict[JobStatus, int]:
        """Exact card count of every column, in one GROUP BY."""
        stmt = select(UserJob.status, func.count()).group_by(UserJob.status)
        if search_query(search):
            stmt = stmt.join(PoolJob, PoolJob.id == UserJob.job_pool_id)
        stmt = self._filtered(stmt, user_id, None, search)
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
        count_stmt = select(UserJob.status, func.count()).group_by(UserJob.status)
        if search_query(search):
            count_stmt = count_stmt.join(PoolJob, PoolJob.id == UserJob.job_pool_id)
        count_stmt = self._filtered(count_stmt, user_id, None, search)
        cards: dict[JobStatus, list[BoardCard]] = {status: [] for status in STATUSES}
        with self._engine.connect() as connection:
            for status, n in connection.execute(count_stmt):
                counts[JobStatus(status)] = int(n)
            parts = [
                select(
                    _ordered(self._filtered(self._base(), user_id, status, search), order_of[status])
                    .limit(sizes.get(status, 100))
                    .subquery()
                )
                for status in STATUSES
                if counts[status] and sizes.get(status, 100) > 0
            ]
            if parts:
                for row in connection.execute(union_all(*parts) if len(parts) > 1 else parts[0]).all():
                    card = card_from_row(row)
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
        stmt = _ordered(self._filtered(self._base(), user_id, status, search), order).offset(offset).limit(limit)
        with self._engine.connect() as session:
            cards = [card_from_row(row) for row in session.execute(stmt).all()]
            if total is None:
                count_stmt = self._filtered(select(func.count()).select_from(UserJob), user_id, status, None)
                if search_query(search):
                    count_stmt = self._filtered(
                        select(func.count()).select_from(UserJob).join(PoolJob, PoolJob.id == UserJob.job_pool_id),
                        user_id, status, search,
                    )
                total = int(session.scalar(count_stmt) or 0)
        return ColumnPage(status=JobStatus(status), cards=cards, offset=offset, total=total)

    def cards_for(
        self, user_id: uuid.UUID, status: JobStatus | None = None, search: str | None = None
    ) -> list[BoardCard]:
        """Every card of a profile (optionally one column, optionally matching a search), in board order."""
        stmt = self._filtered(self._base(), user_id, status, search).order_by(
            UserJob.status, UserJob.position, UserJob.id
        )
        with self._engine.connect() as session:
            # .all() fetches in one call; iterating the result fetches row by row (3x slower at 1,000 cards).
            return [card_from_row(row) for row in session.execute(stmt).all()]

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
