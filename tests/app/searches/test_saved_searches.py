"""Saved searches run by the runner: the real apify-client against the fake Apify server, a real PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from app.errors import InvalidInput, NotFound
from app.searches.schedule import Schedule
from tests.app.searches.conftest import ACTOR, TOKEN
from tests.support.fake_apify import Script
from tests.support.synthetic import linkedin_items


@pytest.fixture
def app(apify_ctx):
    """The context with Apify pointed at the fake, and two profiles."""
    ctx = apify_ctx
    ctx.profiles.add("Ana")
    ctx.profiles.add("Ben")
    return ctx


def _data_dir(ctx):
    return ctx.database.location.data_dir


def test_two_profiles_with_the_same_saved_search_make_one_actor_run(app, fake) -> None:
    fake.add_actor(ACTOR, Script(items=linkedin_items(0, 40), token=TOKEN))
    ana = app.searches.add("Ana", "linkedin", "Python Developer", "Berlin", 40, Schedule(24))
    ben = app.searches.add("Ben", "linkedin", "  python developer", "BERLIN", 40, Schedule(12))

    report = app.search_runner.run_due(_data_dir(app))

    assert len(fake.runs_started(ACTOR)) == 1
    assert sorted(o.status for o in report.ran) == ["succeeded", "succeeded"]
    assert sorted(o.actor_run_reused for o in report.ran) == [False, True]
    assert sum(o.pool_inserts for o in report.ran) == 40 and report.skipped_locked == 0
    assert len(app.board.cards_for(app.profiles.get("Ben").id)) == 40
    for search in (ana, ben):
        runs = app.searches.recent_runs(search.id)
        assert [r.status for r in runs] == ["succeeded"]
        after = app.searches.get(search.id)
        assert after.last_status == "succeeded" and after.last_run_at is not None
        assert after.next_run_at - after.last_run_at == timedelta(hours=search.every_hours or 0)
    # Nothing is due any more: a second pass runs nothing.
    assert app.search_runner.run_due(_data_dir(app)).ran == ()
    assert len(fake.runs_started(ACTOR)) == 1


def test_a_search_leased_by_another_runner_is_skipped_until_the_lease_is_given_back(app, fake) -> None:
    fake.add_actor(ACTOR, Script(items=linkedin_items(0, 5), token=TOKEN))
    search = app.searches.add("Ana", "linkedin", "go developer", None, 5, Schedule(6))
    runner = app.search_runner
    assert runner.take(search.id, "other-runner", timedelta(minutes=5)) is True
    assert runner.take(search.id, "me", timedelta(minutes=5)) is None  # held

    report = runner.run_due(_data_dir(app))
    assert report.ran == () and report.skipped_locked == 1
    assert fake.runs_started(ACTOR) == []

    runner.release(search.id, "other-runner")
    report = runner.run_due(_data_dir(app))
    assert [o.status for o in report.ran] == ["succeeded"] and report.skipped_locked == 0
    assert runner.take(search.id, "me", timedelta(minutes=5)) is False  # ran: no longer due


def test_three_failures_in_a_row_pause_the_search_and_say_why(app, fake) -> None:
    fake.add_actor(ACTOR, Script(items=linkedin_items(0, 5), refuse_start=(402, "not-enough-usage-to-run-paid-actor")))
    search = app.searches.add("Ana", "linkedin", "rust developer", "Remote", 5, Schedule(24))
    runner = app.search_runner

    for attempt in range(3):
        report = runner.run_due(_data_dir(app))
        assert [o.status for o in report.ran] == ["failed"]
        assert "out of credit" in (report.ran[0].error or "")
        assert report.ran[0].paused_now is (attempt == 2)
        app.searches.make_due(search.id)

    paused = app.searches.get(search.id)
    assert paused.paused
    assert paused.pause_reason and "3 failures in a row" in paused.pause_reason and "HTTP 402" in paused.pause_reason
    assert paused.outcome_text.startswith("paused: 3 failures in a row")
    # Every attempt is in the ingestion history, tied to the search.
    runs = app.searches.recent_runs(search.id)
    assert [r.status for r in runs] == ["failed"] * 3 and all("402" in (r.error or "") for r in runs)
    # Paused: due or not, it does not run.
    assert runner.run_due(_data_dir(app)).ran == ()

    resumed = app.searches.set_paused(search.id, False)
    assert not resumed.paused and resumed.pause_reason is None
    assert [o.status for o in runner.run_due(_data_dir(app)).ran] == ["failed"]
    assert not app.searches.get(search.id).paused  # the count started afresh


def test_a_bad_token_fails_with_a_reason_and_a_success_resets_the_count(app, fake, monkeypatch) -> None:
    fake.add_actor(ACTOR, Script(items=linkedin_items(0, 5), token=TOKEN))
    search = app.searches.add("Ana", "linkedin", "kotlin", None, 5, Schedule(24))
    monkeypatch.setenv("APIFY_TOKEN", "wrong-token")
    failed = app.search_runner.run_due(_data_dir(app)).ran[0]
    assert failed.status == "failed" and "rejected the token" in (failed.error or "")
    with app.database.engine.connect() as conn:
        assert conn.execute(text("SELECT failures_in_a_row FROM saved_search")).scalar() == 1
    paused_by_hand = app.searches.set_paused(search.id, True)
    assert paused_by_hand.outcome_text.startswith("paused (last: failed: Apify rejected the token")
    app.searches.set_paused(search.id, False)  # resumed: due again, the count starts afresh

    monkeypatch.setenv("APIFY_TOKEN", TOKEN)
    app.searches.make_due(search.id)
    assert [o.status for o in app.search_runner.run_due(_data_dir(app)).ran] == ["succeeded"]
    with app.database.engine.connect() as conn:
        assert conn.execute(text("SELECT failures_in_a_row FROM saved_search")).scalar() == 0


def test_saving_checks_its_input(app) -> None:
    with pytest.raises(InvalidInput, match="query"):
        app.searches.add("Ana", "linkedin", "   ", None, 10, Schedule(1))
    with pytest.raises(InvalidInput, match="unknown actor"):
        app.searches.add("Ana", "<script>", "x", None, 10, Schedule(1))
    with pytest.raises(NotFound):
        app.searches.add("Nobody", "linkedin", "x", None, 10, Schedule(1))
    with pytest.raises(NotFound):
        app.searches.remove("00000000-0000-0000-0000-000000000000")
    with pytest.raises(InvalidInput):
        app.searches.remove("not-an-id")


def test_removing_a_profile_removes_its_searches_and_keeps_the_history(app, fake) -> None:
    fake.add_actor(ACTOR, Script(items=linkedin_items(0, 3), token=TOKEN))
    search = app.searches.add("Ana", "linkedin", "scala", None, 3, Schedule(24))
    app.search_runner.run_due(_data_dir(app))
    app.searches.remove(search.id)
    assert app.searches.list() == []
    assert [r.status for r in app.history.runs()] == ["succeeded"]
