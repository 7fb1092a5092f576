"""card_progress and status_event.left_at (revision 0014) follow the history through every kind of write: moves,
events added out of order, events changed, moved to another card or deleted, cards deleted, and the revision's
backfill, on a real PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime

from alembic import command
from sqlalchemy import text

from app.insights.service import DateRange
from app.records import JobStatus
from db.schema import alembic_config, upgrade_connection
from tests.support.history_rows import card_with_history, pool_job
from tests.support.synthetic import linkedin_items

# What both must hold, worked out from the history itself.
_EXPECTED_PROGRESS = """
SELECT user_job_id, min(at) FILTER (WHERE to_status IN ('applied', 'interviewing', 'offer')),
       min(at) FILTER (WHERE to_status IN ('interviewing', 'offer')), min(at) FILTER (WHERE to_status = 'offer')
FROM status_event GROUP BY 1 HAVING bool_or(to_status IN ('applied', 'interviewing', 'offer')) ORDER BY 1
"""
_KEPT_PROGRESS = "SELECT user_job_id, applied_at, interviewing_at, offer_at FROM card_progress ORDER BY 1"
_EXPECTED_LEFT = """
SELECT id, lead(at) OVER (PARTITION BY user_job_id ORDER BY at, id),
       lag(at) OVER (PARTITION BY user_job_id, to_status ORDER BY at, id),
       CASE WHEN from_status IS NULL
            THEN lag(at) OVER (PARTITION BY user_job_id, from_status IS NULL ORDER BY at, id) END
FROM status_event ORDER BY 1
"""
_KEPT_LEFT = "SELECT id, left_at, previous_arrival_at, previous_added_at FROM status_event ORDER BY 1"


def _at(month: int, day: int) -> datetime:
    return datetime(2026, month, day, 9, tzinfo=UTC)


def _assert_consistent(engine) -> None:
    with engine.connect() as conn:
        assert conn.execute(text(_KEPT_PROGRESS)).all() == conn.execute(text(_EXPECTED_PROGRESS)).all()
        assert conn.execute(text(_KEPT_LEFT)).all() == conn.execute(text(_EXPECTED_LEFT)).all()


def _progress(engine, card) -> tuple | None:
    with engine.connect() as conn:
        row = conn.execute(
            text("SELECT applied_at, interviewing_at, offer_at FROM card_progress WHERE user_job_id = :c"), {"c": card}
        ).one_or_none()
        return None if row is None else tuple(row)


def _left(engine, card) -> list[tuple[str, datetime | None]]:
    with engine.connect() as conn:
        return [
            (str(status), left)
            for status, left in conn.execute(
                text("SELECT to_status, left_at FROM status_event WHERE user_job_id = :c ORDER BY at, id"), {"c": card}
            )
        ]


def test_moves_keep_the_first_arrivals_and_each_stays_end(ctx) -> None:
    profile = ctx.profiles.add("Ana")
    ctx.ingestion.run("Ana", [linkedin_items(0, 3)], source="test", embed=False)
    cards = [c.user_job_id for c in ctx.board.cards_for(profile.id)]
    engine = ctx.database.engine
    assert _progress(engine, cards[0]) is None  # added, never applied: no row
    ctx.cards.move([cards[0]], JobStatus.APPLIED)
    ctx.cards.move([cards[0], cards[1]], JobStatus.INTERVIEWING)
    ctx.cards.move([cards[0]], JobStatus.APPLIED)  # back: the first arrivals stay
    ctx.cards.move([cards[0]], JobStatus.OFFER)
    events = ctx.status_history.events(cards[0])
    assert _progress(engine, cards[0]) == (events[1].at, events[2].at, events[4].at)
    assert _progress(engine, cards[1]) == (events[2].at, events[2].at, None)  # straight to Interviewing
    assert [left for _status, left in _left(engine, cards[0])] == [e.at for e in events[1:]] + [None]
    _assert_consistent(engine)


def test_events_written_out_of_order_changed_moved_and_deleted(ctx) -> None:
    engine = ctx.database.engine
    user = ctx.profiles.add("Ana").id
    job, other_job = pool_job(engine, "Data Engineer", "Acme", "linkedin"), pool_job(engine, "Tester", "Beta", "url")
    card = card_with_history(engine, user, job, [
        (None, "recommended", _at(3, 1)), ("recommended", "applied", _at(3, 5)), ("applied", "rejected", _at(3, 20)),
    ])  # fmt: skip
    other = card_with_history(engine, user, other_job, [(None, "applied", _at(3, 2))])
    assert _progress(engine, card) == (_at(3, 5), None, None)
    assert _left(engine, card) == [("recommended", _at(3, 5)), ("applied", _at(3, 20)), ("rejected", None)]
    with engine.begin() as conn:  # an interview recorded late, between the two moves
        conn.execute(
            text(
                "INSERT INTO status_event (user_job_id, at, from_status, to_status, via) "
                "VALUES (:c, :at, 'applied', 'interviewing', 'test')"
            ),
            {"c": card, "at": _at(3, 9)},
        )
    assert _progress(engine, card) == (_at(3, 5), _at(3, 9), None)
    assert _left(engine, card)[1:3] == [("applied", _at(3, 9)), ("interviewing", _at(3, 20))]
    with engine.begin() as conn:  # the application's date corrected to later
        conn.execute(
            text("UPDATE status_event SET at = :at WHERE user_job_id = :c AND to_status = 'applied'"),
            {"c": card, "at": _at(3, 7)},
        )
    assert _progress(engine, card) == (_at(3, 7), _at(3, 9), None)
    assert _left(engine, card)[0] == ("recommended", _at(3, 7))
    with engine.begin() as conn:  # the interview taken back
        conn.execute(
            text("DELETE FROM status_event WHERE user_job_id = :c AND to_status = 'interviewing'"), {"c": card}
        )
    assert _progress(engine, card) == (_at(3, 7), None, None)
    assert _left(engine, card)[1] == ("applied", _at(3, 20))
    with engine.begin() as conn:  # the other card's history joins this one (as a merge of duplicates does)
        conn.execute(text("UPDATE status_event SET user_job_id = :c WHERE user_job_id = :o"), {"c": card, "o": other})
    assert _progress(engine, card) == (_at(3, 2), None, None)
    assert _progress(engine, other) is None
    assert _left(engine, card)[:2] == [("recommended", _at(3, 2)), ("applied", _at(3, 7))]
    _assert_consistent(engine)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM user_job WHERE id = :c"), {"c": card})
    assert _progress(engine, card) is None
    _assert_consistent(engine)


def test_the_revision_backfills_and_goes_down_and_up_again(ctx) -> None:
    engine = ctx.database.engine
    user = ctx.profiles.add("Ana").id
    job = pool_job(engine, "Data Engineer", "Acme", "linkedin")
    card = card_with_history(engine, user, job, [
        (None, "recommended", _at(3, 1)), ("recommended", "applied", _at(3, 5)), ("applied", "offer", _at(3, 9)),
    ])  # fmt: skip
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0014_inbox_notify")
    with engine.begin() as connection:
        upgrade_connection(connection)
    engine.dispose()  # prepared statements of the old table shape go with their connections
    assert _progress(engine, card) == (_at(3, 5), _at(3, 9), _at(3, 9))
    assert _left(engine, card) == [("recommended", _at(3, 5)), ("applied", _at(3, 9)), ("offer", None)]
    _assert_consistent(engine)


def test_a_week_counts_a_card_once_per_kind_also_when_the_range_starts_mid_week(ctx) -> None:
    engine = ctx.database.engine
    user = ctx.profiles.add("Ana").id
    job = pool_job(engine, "Data Engineer", "Acme", "linkedin")
    # Monday March 2: added and applied; Tuesday: taken back; Wednesday: applied again; Thursday: added once more
    # (as a card created in a later column is: a second event with no from_status).
    card = card_with_history(engine, user, job, [
        (None, "recommended", _at(3, 2)),
        ("recommended", "applied", datetime(2026, 3, 2, 10, tzinfo=UTC)),
        ("applied", "recommended", _at(3, 3)),
        ("recommended", "applied", _at(3, 4)),
        (None, "applied", _at(3, 5)),
    ])  # fmt: skip
    assert [(s, a) for s, _left, a, _added in _kept(engine, card)] == [
        ("recommended", None),
        ("applied", None),
        ("recommended", _at(3, 2)),
        ("applied", datetime(2026, 3, 2, 10, tzinfo=UTC)),
        ("applied", _at(3, 4)),
    ]
    assert [added for *_rest, added in _kept(engine, card)] == [None, None, None, None, _at(3, 2)]
    weeks = ctx.insights.for_profile("Ana").weekly
    assert [(w.week, w.added, w.applied) for w in weeks] == [(date(2026, 3, 2), 1, 1)]
    # From Wednesday: the Monday events are outside the range, so Wednesday's application and Thursday's addition
    # are the card's first in that part of the week.
    weeks = ctx.insights.for_profile("Ana", DateRange(date(2026, 3, 4), date(2026, 3, 31))).weekly
    assert [(w.week, w.added, w.applied) for w in weeks] == [(date(2026, 3, 2), 1, 1)]
    weeks = ctx.insights.for_profile("Ana", DateRange(date(2026, 3, 5), date(2026, 3, 31))).weekly
    assert [(w.week, w.added, w.applied) for w in weeks] == [(date(2026, 3, 2), 1, 1)]
    _assert_consistent(engine)


def _kept(engine, card) -> list[tuple[str, datetime | None, datetime | None, datetime | None]]:
    with engine.connect() as conn:
        return [
            (str(row[0]), row[1], row[2], row[3])
            for row in conn.execute(
                text(
                    "SELECT to_status, left_at, previous_arrival_at, previous_added_at FROM status_event "
                    "WHERE user_job_id = :c ORDER BY at, id"
                ),
                {"c": card},
            )
        ]
