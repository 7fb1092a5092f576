"""Change notifications from user_job's triggers, and the listener that hears them (embedded server)."""

from __future__ import annotations

import queue
import threading
import time
import uuid

import psycopg
import pytest

from app.changes import CardsChanged, ChangeListener, InboxChanged, libpq_url, parse_payload
from app.notifications import RUN_FAILED
from app.records import JobStatus
from tests.support.synthetic import linkedin_items


@pytest.fixture
def heard(db_url):
    """A started listener on the test database; yields (listener, queue of what it heard, resync event)."""
    changes: queue.Queue[CardsChanged] = queue.Queue()
    resynced = threading.Event()
    listener = ChangeListener(db_url, changes.put, resynced.set)
    listener.start()
    assert listener.listening.wait(10)
    yield listener, changes, resynced
    listener.stop()


def _seed(ctx, name: str, count: int) -> tuple[uuid.UUID, list[uuid.UUID]]:
    profile = ctx.profiles.add(name)
    ctx.ingestion.run(profile.id, [linkedin_items(0, count)], source="test", embed=False)
    return profile.id, [card.user_job_id for card in ctx.board.cards_for(profile.id)]


def test_a_move_and_a_note_are_heard_within_a_second_with_ids_only(ctx, heard):
    _listener, changes, _resynced = heard
    profile, cards = _seed(ctx, "Alex", 3)
    seeded = changes.get(timeout=1)
    assert seeded == CardsChanged(profile, frozenset(cards))
    started = time.monotonic()
    ctx.cards.move([cards[0]], JobStatus.APPLIED)
    assert changes.get(timeout=1) == CardsChanged(profile, frozenset({cards[0]}))
    ctx.cards.set_notes(cards[1], "x" * 100_000)  # a huge note: the payload still carries ids only
    assert changes.get(timeout=1) == CardsChanged(profile, frozenset({cards[1]}))
    assert time.monotonic() - started < 2.0


def test_a_large_ingestion_sends_one_small_notification_meaning_reload(ctx, heard):
    _listener, changes, _resynced = heard
    profile, _cards = _seed(ctx, "Alex", 120)
    assert changes.get(timeout=2) == CardsChanged(profile, None)
    assert changes.empty()


def test_listening_resumes_after_the_connection_is_lost_and_asks_for_a_resync(ctx, db_url, heard):
    listener, changes, resynced = heard
    with psycopg.connect(libpq_url(db_url), autocommit=True) as admin:
        killed = admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE application_name = 'jobpool-listen' AND datname = current_database()"
        ).fetchone()
    assert killed == (1,)
    assert resynced.wait(10)
    assert listener.listening.wait(10)
    profile, cards = _seed(ctx, "Alex", 1)
    assert changes.get(timeout=1) == CardsChanged(profile, frozenset(cards))


def test_inbox_rows_added_or_marked_read_are_heard_once_per_profile_and_statement(ctx, heard):
    _listener, changes, _resynced = heard
    ana, bo = ctx.profiles.add("Ana").id, ctx.profiles.add("Bo").id
    assert ctx.notifications.post(ana, RUN_FAILED, "Failed: test", "t:1")
    assert changes.get(timeout=1) == InboxChanged(ana)
    assert not ctx.notifications.post(ana, RUN_FAILED, "Failed: test", "t:1")  # already there: nothing added
    assert ctx.notifications.post_all("migration", "Migrated", "t:all") == 2
    assert {changes.get(timeout=1), changes.get(timeout=1)} == {InboxChanged(ana), InboxChanged(bo)}
    ctx.notifications.take_undelivered()  # told: an update every look makes, not announced
    ctx.notifications.sync(ana)  # a look that finds nothing new
    assert ctx.notifications.mark_read(bo, [row.id for row in ctx.notifications.inbox(ana)]) == 0  # not Bo's rows
    assert ctx.notifications.mark_read(ana) == 2  # read: announced once for the statement, so every bell recounts
    assert changes.get(timeout=1) == InboxChanged(ana)
    assert ctx.notifications.mark_read(ana) == 0  # nothing left to mark: nothing to announce
    assert ctx.notifications.post(bo, RUN_FAILED, "Failed: again", "t:2")
    assert changes.get(timeout=1) == InboxChanged(bo)
    assert changes.empty()


def test_an_inbox_payload_names_a_profile():
    profile = uuid.uuid4()
    assert parse_payload(f'{{"inbox": "{profile}"}}') == InboxChanged(profile)
    assert parse_payload('{"inbox": "nope"}') is None


@pytest.mark.parametrize(
    "payload",
    [
        "",
        "not json",
        "[]",
        '["inbox"]',
        '"inbox"',
        '{"profile": "nope"}',
        '{"cards": []}',
        '{"profile": 1, "cards": "x"}',
        '{"inbox": ["x"]}',
    ],
)
def test_a_payload_it_does_not_understand_is_ignored(payload):
    assert parse_payload(payload) is None
