"""Saved-search runs and the inbox: a run served from an earlier run's results gets its grouped row, and a failed or
paused run is in the inbox as soon as the runner records it (real apify-client, fake Apify server, real PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app.notifications import NEW_JOBS, RUN_FAILED
from app.searches.schedule import Schedule
from tests.app.searches.conftest import ACTOR, TOKEN
from tests.support.fake_apify import Script
from tests.support.matching_samples import JOBS, PYTHON_RESUME

# The hand-made postings as the LinkedIn actor writes them.
ITEMS = [{**job, "descriptionText": job["description"]} for job in JOBS]


@pytest.fixture
def app(apify_ctx):
    return apify_ctx


def _data_dir(ctx):
    return ctx.database.location.data_dir


def _profile(ctx, name: str, resume: str):
    profile = ctx.profiles.add(name)
    ctx.matching.resumes.set_resume(name, resume)
    return profile


def _keys(ctx, user_id) -> list[str]:
    with ctx.database.engine.connect() as conn:
        return list(
            conn.scalars(
                text("SELECT dedup_key FROM notification WHERE user_id = :u ORDER BY created_at, dedup_key"),
                {"u": user_id},
            )
        )


def _good_cards(ctx, user_id) -> list[int]:
    with ctx.database.engine.connect() as conn:
        return list(
            conn.scalars(
                text("SELECT match_score FROM user_job WHERE user_id = :u AND match_score >= :m ORDER BY 1 DESC"),
                {"u": user_id, "m": ctx.notifications.min_score},
            )
        )


def test_a_search_served_from_an_earlier_run_gets_one_grouped_row(app, fake) -> None:
    fake.add_actor(ACTOR, Script(items=ITEMS, token=TOKEN))
    dana = _profile(app, "Dana", PYTHON_RESUME)
    app.searches.add("Dana", "linkedin", "backend", "Berlin", 50, Schedule(24))
    first = app.search_runner.run_due(_data_dir(app)).ran
    assert [(o.status, o.actor_run_reused) for o in first] == [("succeeded", False)]
    assert _keys(app, dana.id) == [f"run:{first[0].run_id}"]

    # A profile that saves the same search later is served from Dana's run: no actor run, and its own row.
    lee = _profile(app, "Lee", PYTHON_RESUME)
    app.searches.add("Lee", "linkedin", "Backend", "berlin", 50, Schedule(24))
    (served,) = app.search_runner.run_due(_data_dir(app)).ran
    assert served.status == "succeeded" and served.actor_run_reused
    assert len(fake.runs_started(ACTOR)) == 1
    good = _good_cards(app, lee.id)
    assert good, "the Python postings score well for a Python résumé"
    (row,) = app.notifications.inbox(lee.id)
    assert row.kind == NEW_JOBS and row.title == f"{len(good)} new for Lee, best {good[0]} %"
    assert _keys(app, lee.id) == [f"run:{served.run_id}"]

    # The same run seen again adds nothing.
    app.notifications.after_ingest(lee.id, [], served.run_id)
    app.ingestion.run_after_ingest(lee.id, [], served.run_id)
    assert len(app.notifications.inbox(lee.id)) == 1
    assert _keys(app, dana.id) == [f"run:{first[0].run_id}"]


def test_a_failed_run_and_the_pause_are_in_the_inbox_when_the_runner_records_them(app, fake) -> None:
    fake.add_actor(ACTOR, Script(items=ITEMS, refuse_start=(402, "not-enough-usage-to-run-paid-actor")))
    ana = app.profiles.add("Ana")
    search = app.searches.add("Ana", "linkedin", "rust developer", "Remote", 5, Schedule(24))

    for attempt in range(3):
        (outcome,) = app.search_runner.run_due(_data_dir(app)).ran
        assert outcome.status == "failed"
        # No look at the inbox in between: the runner wrote the row with the run.
        rows = app.notifications.inbox(ana.id)
        failed = [row for row in rows if row.title.startswith("Failed: apify:linkedin — ")]
        paused = [row for row in rows if row.title.startswith("Saved search paused: rust developer — 3 failures")]
        assert (len(failed), len(paused)) == (attempt + 1, 1 if attempt == 2 else 0)
        assert all(row.kind == RUN_FAILED and "HTTP 402" in row.title for row in failed)
        assert f"run-failed:{outcome.run_id}" in _keys(app, ana.id)
        app.searches.make_due(search.id)

    # The look at check time finds them already there.
    assert app.notifications.sync(ana.id) == 0
    assert len(app.notifications.inbox(ana.id)) == 4


def test_the_runner_announces_the_failure_on_the_changes_channel(app, fake) -> None:
    fake.add_actor(ACTOR, Script(items=ITEMS, refuse_start=(402, "not-enough-usage-to-run-paid-actor")))
    ana = app.profiles.add("Ana")
    app.searches.add("Ana", "linkedin", "rust developer", "Remote", 5, Schedule(24))
    raw = app.database.engine.raw_connection()
    try:
        listener = raw.driver_connection
        listener.autocommit = True
        listener.execute("LISTEN jobpool_changes")
        assert [o.status for o in app.search_runner.run_due(_data_dir(app)).ran] == ["failed"]
        payloads = [note.payload for note in listener.notifies(timeout=2, stop_after=1)]
    finally:
        raw.close()
    assert payloads == [f'{{"inbox" : "{ana.id}"}}']
