"""Live searches: the real apify-client against the fake Apify server, into a real PostgreSQL."""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import text

from app.ingestion.live import ApifyConfig, SearchRequest
from tests.conftest import CliResult
from tests.support.fake_apify import FakeApify, Script
from tests.support.synthetic import linkedin_items

ACTOR = "curious_coder/linkedin-jobs-scraper"
TOKEN = "apify_api_test_token_123"


@pytest.fixture
def fake():
    with FakeApify() as server:
        yield server


@pytest.fixture
def live(ctx, fake):
    ctx.live.config = ApifyConfig(token=TOKEN, api_url=fake.url, poll_interval=0.0)
    ctx.profiles.add("Ana")
    ctx.profiles.add("Ben")
    return ctx


def _runs(ctx) -> list[dict]:
    with ctx.database.engine.connect() as conn:
        rows = conn.execute(text("SELECT * FROM ingestion_run ORDER BY started_at")).mappings().all()
    return [dict(r) for r in rows]


def test_second_profile_is_served_from_the_pool_without_calling_apify(live, fake) -> None:
    fake.add_actor(ACTOR, Script(items=linkedin_items(0, 2500), polls_running=3, token=TOKEN))
    request = SearchRequest("linkedin", "Python Developer", "Berlin", max_items=2500)
    first = live.live.search("Ana", request)
    assert first.status == "succeeded", first.error
    assert (first.fetched, first.pool_inserts, first.links_created) == (2500, 2500, 2500)
    assert len(fake.runs_started(ACTOR)) == 1

    again = SearchRequest("linkedin", "  python   developer ", "BERLIN", max_items=2500)
    second = live.live.search("Ben", again)
    assert second.served_from_pool and second.status == "succeeded"
    assert (second.pool_inserts, second.pool_hits, second.links_created) == (0, 2500, 2500)
    assert len(fake.runs_started(ACTOR)) == 1  # no second paid run
    ana, ben = live.profiles.get("Ana"), live.profiles.get("Ben")
    ana_jobs = {c.job_pool_id for c in live.board.cards_for(ana.id)}
    assert ana_jobs == {c.job_pool_id for c in live.board.cards_for(ben.id)}

    runs = _runs(live)
    assert [r["source"] for r in runs] == ["apify:linkedin", "pool"]
    assert runs[0]["apify_run_id"] and runs[0]["dataset_id"]
    assert runs[1]["served_from_run_id"] == runs[0]["id"]
    assert runs[0]["criteria_key"] == runs[1]["criteria_key"]


def test_a_stale_search_calls_the_actor_again(live, fake) -> None:
    fake.add_actor(ACTOR, Script(items=linkedin_items(0, 30)))
    request = SearchRequest("linkedin", "python", None, max_items=30)
    live.live.search("Ana", request)
    report = live.live.search("Ben", request, freshness=timedelta(0))
    assert not report.served_from_pool and report.pool_hits == 30
    assert len(fake.runs_started(ACTOR)) == 2


def test_two_threads_with_the_same_criteria_make_one_actor_run(live, fake) -> None:
    gate = threading.Event()
    fake.add_actor(ACTOR, Script(items=linkedin_items(0, 200), polls_running=2, hold=gate))
    request = SearchRequest("linkedin", "data engineer", "Remote", max_items=200)
    reports = {}

    def search(profile: str) -> None:
        reports[profile] = live.live.search(profile, request)

    first = threading.Thread(target=search, args=("Ana",))
    first.start()
    assert fake.wait_for_runs(ACTOR, 1, timeout=10)
    second = threading.Thread(target=search, args=("Ben",))
    second.start()
    gate.set()
    first.join(30)
    second.join(30)
    assert len(fake.runs_started(ACTOR)) == 1
    assert reports["Ana"].pool_inserts == 200 and not reports["Ana"].served_from_pool
    assert reports["Ben"].served_from_pool and reports["Ben"].links_created == 200


def test_items_before_a_failed_run_are_kept(live, fake) -> None:
    fake.add_actor(
        ACTOR,
        Script(
            items=linkedin_items(0, 500),
            polls_running=2,
            final_status="FAILED",
            fail_after=120,
            status_message="The actor crashed",
        ),
    )
    report = live.live.search("Ana", SearchRequest("linkedin", "python", None, max_items=500))
    assert report.status == "failed"
    assert "FAILED" in report.error or "failed" in report.error.lower()
    assert report.pool_inserts == 120
    run = _runs(live)[0]
    assert (run["status"], run["fetched"], run["pool_inserts"]) == ("failed", 120, 120)
    assert run["error"]
    # A failed run is never a source for reuse: the next search calls the actor again.
    fake.add_actor(ACTOR, Script(items=linkedin_items(0, 10)))
    again = live.live.search("Ben", SearchRequest("linkedin", "python", None, max_items=500))
    assert not again.served_from_pool


def test_cancel_aborts_the_apify_run(live, fake) -> None:
    fake.add_actor(ACTOR, Script(items=linkedin_items(0, 50), never_finishes=True))
    seen = []

    def progress(p) -> None:
        seen.append(p.phase)

    report = live.live.search(
        "Ana",
        SearchRequest("linkedin", "python", None, max_items=100),
        on_progress=progress,
        should_cancel=lambda: "scraping" in seen and len(seen) > 3,
    )
    assert report.status == "cancelled"
    assert fake.aborted_run_ids() == [r.run_id for r in fake.runs_started(ACTOR)]
    assert _runs(live)[0]["status"] == "cancelled"


@pytest.mark.parametrize(
    ("script", "message"),
    [
        (Script(token="another-token"), "token"),
        (Script(transient_errors=10**6, transient_status=500, transient_on=("start",)), "Apify"),
        (Script(refuse_start=(403, "actor-is-not-rented")), "rent"),
    ],
)
def test_failures_are_recorded_with_clear_messages(live, fake, script, message) -> None:
    fake.add_actor(ACTOR, script)
    live.live.config.api_url = fake.url
    from app.ingestion.apify import ApifySource

    original = live.live.config.source
    live.live.config.source = lambda: ApifySource(  # keep the client's retries short for the 5xx case
        TOKEN, fake.url, poll_interval=0.0, max_retries=1, min_delay_between_retries=timedelta(milliseconds=1)
    )
    try:
        report = live.live.search("Ana", SearchRequest("linkedin", "python", None, max_items=10))
    finally:
        live.live.config.source = original
    assert report.status == "failed"
    assert message.lower() in report.error.lower()
    assert TOKEN not in report.error
    assert _runs(live)[0]["status"] == "failed"


def test_rate_limit_then_success(live, fake) -> None:
    fake.add_actor(ACTOR, Script(items=linkedin_items(0, 40), transient_errors=2, transient_status=429))
    from app.ingestion.apify import ApifySource

    live.live.config.source = lambda: ApifySource(
        TOKEN, fake.url, poll_interval=0.0, min_delay_between_retries=timedelta(milliseconds=1)
    )
    report = live.live.search("Ana", SearchRequest("linkedin", "python", None, max_items=40))
    assert report.status == "succeeded" and report.pool_inserts == 40


def test_missing_token_is_a_clear_failure(live, fake) -> None:
    live.live.config.token = None
    report = live.live.search("Ana", SearchRequest("linkedin", "python", None, max_items=10))
    assert report.status == "failed" and "APIFY_TOKEN" in report.error
    assert fake.runs_started() == []


def test_cli_actor_round_trip(db_url: str, fake, monkeypatch, jobpool: Callable[..., CliResult]) -> None:
    fake.add_actor(
        "misceres/indeed-scraper",
        Script(
            items=[
                {
                    "id": f"in-{i}",
                    "positionName": f"Nurse {i}",
                    "company": "City Hospital",
                    "location": "Boston, MA",
                    "url": f"https://www.indeed.com/viewjob?jk={i}",
                    "description": "Care.",
                }
                for i in range(12)
            ]
        ),
    )
    monkeypatch.setenv("APIFY_TOKEN", TOKEN)
    monkeypatch.setenv("APIFY_API_URL", fake.url)
    cli = functools.partial(jobpool, db_url)

    assert cli("profiles", "add", "me").returncode == 0
    assert cli("profiles", "add", "you").returncode == 0
    first = cli(
        "ingest",
        "--profile",
        "me",
        "--actor",
        "indeed",
        "--query",
        "nurse",
        "--location",
        "Boston",
        "--max",
        "12",
        "--json",
    )
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["pool_inserts"] == 12
    second = cli(
        "ingest",
        "--profile",
        "you",
        "--actor",
        "indeed",
        "--query",
        "Nurse",
        "--location",
        "boston",
        "--max",
        "12",
        "--json",
    )
    assert json.loads(second.stdout)["served_from_pool"] is True
    assert len(fake.runs_started("misceres/indeed-scraper")) == 1
    bad = cli("ingest", "--profile", "me", "--actor", "linkdin", "--query", "x")
    assert bad.returncode == 1 and "unknown actor" in bad.stderr and "Traceback" not in bad.stderr


def test_history_lists_both_runs_and_rebuilds_the_search(live, fake) -> None:
    from app.ingestion.live import SearchRequest as Request

    fake.add_actor(ACTOR, Script(items=linkedin_items(0, 20)))
    request = Request("linkedin", "Site Reliability", "Vienna", max_items=20)
    live.live.search("Ana", request)
    live.live.search("Ben", request)
    runs = live.history.runs()
    assert [(r.profile, r.served_from_pool) for r in runs] == [("Ben", True), ("Ana", False)]
    assert runs[1].criteria_text == "Site Reliability · Vienna · max 20"
    assert all(r.is_search and r.seconds is not None for r in runs)
    rebuilt = Request.from_criteria(runs[1].criteria)
    assert (rebuilt.actor, rebuilt.query, rebuilt.location, rebuilt.max_items) == (
        "linkedin",
        "Site Reliability",
        "Vienna",
        20,
    )
    again = live.live.search("Ana", rebuilt)
    assert again.served_from_pool and again.links_existing == 20
