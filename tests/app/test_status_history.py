"""Status history against a real PostgreSQL: every column change recorded with how it was made, kept for good."""

from __future__ import annotations

import uuid

import pytest
from alembic import command
from sqlalchemy import text

from app.context import build_context
from app.database import open_database
from app.errors import InvalidInput, NotFound
from app.records import JobStatus
from db.engine import make_engine
from db.schema import alembic_config
from tests.support.matching_samples import JOBS, NURSE_RESUME, PYTHON_RESUME
from tests.support.synthetic import linkedin_items


def _seed(ctx, name: str = "Ana", n: int = 5):
    profile = ctx.profiles.add(name)
    ctx.ingestion.run(name, [linkedin_items(0, n)], source="test", embed=False)
    return profile, ctx.board.cards_for(profile.id)


def _path(ctx, user_job_id) -> list[tuple[str | None, str, str]]:
    return [
        (e.from_status.value if e.from_status else None, e.to_status.value, e.via)
        for e in ctx.status_history.events(user_job_id)
    ]


def test_ingested_cards_start_with_an_added_event(ctx) -> None:
    _profile, cards = _seed(ctx)
    for card in cards:
        events = ctx.status_history.events(card.user_job_id)
        assert [(e.from_status, e.to_status, e.via) for e in events] == [(None, JobStatus.RECOMMENDED, "import")]
        assert events[0].at == card.added_at


def test_every_move_is_recorded_with_its_way_in_order_and_reorders_are_not(ctx) -> None:
    _profile, cards = _seed(ctx)
    card, other = cards[0].user_job_id, cards[1].user_job_id
    ctx.cards.move([card], JobStatus.APPLIED, via="drag")
    ctx.cards.move([card], JobStatus.APPLIED, at_top=True, via="keyboard")  # same column: a reorder, no event
    ctx.cards.move([card, other], JobStatus.INTERVIEWING, before=None, via="menu")
    ctx.cards.move([card], JobStatus.REJECTED)
    assert _path(ctx, card) == [
        (None, "recommended", "import"),
        ("recommended", "applied", "drag"),
        ("applied", "interviewing", "menu"),
        ("interviewing", "rejected", "cli"),
    ]
    assert _path(ctx, other)[-1] == ("recommended", "interviewing", "menu")
    times = [e.at for e in ctx.status_history.events(card)]
    assert times == sorted(times)
    rejected = ctx.board.card(card)
    assert rejected.applied_at == ctx.status_history.events(card)[1].at


def test_the_step_by_step_move_path_records_its_way_too(ctx) -> None:
    _profile, cards = _seed(ctx, n=3)
    anchor, moving = cards[0].user_job_id, cards[1].user_job_id
    ctx.cards.move([anchor], JobStatus.OFFER)
    with ctx.database.engine.begin() as conn:  # an anchor without a position sends the move down the slow path
        conn.execute(text("UPDATE user_job SET position = NULL WHERE id = :id"), {"id": anchor})
    ctx.cards.move([moving], JobStatus.OFFER, before=anchor, via="drag")
    assert _path(ctx, moving)[-1] == ("recommended", "offer", "drag")


def test_an_unknown_way_is_refused_and_nothing_moves(ctx) -> None:
    _profile, cards = _seed(ctx, n=1)
    with pytest.raises(InvalidInput):
        ctx.cards.move([cards[0].user_job_id], JobStatus.APPLIED, via="telepathy")
    assert ctx.board.card(cards[0].user_job_id).status is JobStatus.RECOMMENDED
    assert len(ctx.status_history.events(cards[0].user_job_id)) == 1


def test_a_write_that_names_no_way_is_still_recorded(ctx) -> None:
    _profile, cards = _seed(ctx, n=1)
    with ctx.database.engine.begin() as conn:
        conn.execute(text("UPDATE user_job SET status = 'archived' WHERE id = :id"), {"id": cards[0].user_job_id})
        conn.execute(text("UPDATE user_job SET match_score = 50 WHERE id = :id"), {"id": cards[0].user_job_id})
    assert _path(ctx, cards[0].user_job_id)[1:] == [("recommended", "archived", "other")]


def test_a_later_transaction_does_not_inherit_the_way_of_an_earlier_one(ctx) -> None:
    _profile, cards = _seed(ctx, n=1)
    card = cards[0].user_job_id
    ctx.cards.move([card], JobStatus.APPLIED, via="drag")
    with ctx.database.engine.begin() as conn:  # the pool hands out the connection the move used
        conn.execute(text("UPDATE user_job SET status = 'offer' WHERE id = :id"), {"id": card})
    assert _path(ctx, card)[-1] == ("applied", "offer", "other")


def test_history_survives_rejection_archive_and_a_restart(ctx, db_url, tmp_path) -> None:
    _profile, cards = _seed(ctx, n=2)
    card = cards[0].user_job_id
    for status in (JobStatus.APPLIED, JobStatus.REJECTED, JobStatus.ARCHIVED):
        ctx.cards.move([card], status, via="menu")
    before = _path(ctx, card)
    ctx.close()
    reopened = build_context(open_database(db_url, tmp_path / "again"))
    try:
        assert _path(reopened, card) == before
        assert len(before) == 4
        job = reopened.board.card(card).job_pool_id
        assert [e.to_status for e in reopened.status_history.events_for_job("ana", job)][-1] is JobStatus.ARCHIVED
    finally:
        reopened.close()


def test_history_goes_with_its_card_and_only_its_card(ctx) -> None:
    profile, cards = _seed(ctx, n=2)
    ctx.cards.move([cards[0].user_job_id], JobStatus.APPLIED)
    ctx.profiles.remove(profile.name)
    with ctx.database.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM status_event")).scalar() == 0
    with pytest.raises(NotFound):
        ctx.status_history.events(cards[0].user_job_id)
    with pytest.raises(NotFound):
        ctx.status_history.events_for_job("Ana", uuid.uuid4())


def test_fan_out_cards_are_added_by_fan_out(ctx) -> None:
    for name, resume in (("Dana", PYTHON_RESUME), ("Maria", NURSE_RESUME)):
        ctx.profiles.add(name)
        ctx.matching.resumes.set_resume(name, resume)
    ctx.ingestion.run("Maria", [JOBS], source="test")
    dana = ctx.board.cards_for(ctx.profiles.get("Dana").id)
    assert dana
    for card in dana:
        assert _path(ctx, card.user_job_id) == [(None, "recommended", "fan-out")]
    maria = ctx.board.cards_for(ctx.profiles.get("Maria").id)
    assert {_path(ctx, c.user_job_id)[0][2] for c in maria} == {"import"}


def test_the_revision_backfills_what_existing_cards_know(empty_db_url) -> None:
    engine = make_engine(empty_db_url)
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "0004_run_interrupted")
            conn.execute(text("INSERT INTO users (id, name) VALUES ('00000000-0000-0000-0000-000000000001', 'Ana')"))
            conn.execute(
                text(
                    "INSERT INTO job_pool (id, hash, title) VALUES "
                    "('00000000-0000-0000-0000-00000000000a', 'h1', 'A'), "
                    "('00000000-0000-0000-0000-00000000000b', 'h2', 'B')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO user_job (id, user_id, job_pool_id, status, added_at, status_changed_at) VALUES "
                    "('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-000000000001', "
                    " '00000000-0000-0000-0000-00000000000a', 'applied', "
                    " '2026-03-01 00:00+00', '2026-03-03 14:02+00'), "
                    "('00000000-0000-0000-0000-0000000000b1', '00000000-0000-0000-0000-000000000001', "
                    " '00000000-0000-0000-0000-00000000000b', 'recommended', "
                    " '2026-03-02 00:00+00', '2026-03-02 00:00+00')"
                )
            )
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "head")
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT right(user_job_id::text, 2), to_char(at AT TIME ZONE 'UTC', 'MM-DD HH24:MI'), "
                    "from_status::text, to_status::text, via FROM status_event ORDER BY 1, at"
                )
            ).all()
        assert [tuple(r) for r in rows] == [
            ("a1", "03-01 00:00", None, "recommended", "migration"),
            ("a1", "03-03 14:02", None, "applied", "migration"),
            ("b1", "03-02 00:00", None, "recommended", "migration"),
        ]
        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0004_run_interrupted")
            assert conn.execute(text("SELECT to_regclass('status_event')")).scalar() is None
            conn.execute(text("UPDATE user_job SET status = 'offer'"))  # no trigger left behind
    finally:
        engine.dispose()
