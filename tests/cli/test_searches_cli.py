"""`searches` and `run-due` as separate processes: the real apify-client against the fake Apify server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import text

from db.engine import make_engine
from tests.support.fake_apify import FakeApify, Script
from tests.support.paths import REPO
from tests.support.synthetic import linkedin_items

ACTOR = "curious_coder/linkedin-jobs-scraper"
TOKEN = "apify_api_test_token_123"


@pytest.fixture
def fake():
    with FakeApify() as server:
        yield server


@pytest.fixture
def sql(db_url):
    engine = make_engine(db_url)

    def query(statement: str):
        with engine.connect() as conn:
            return conn.execute(text(statement)).all()

    yield query
    engine.dispose()


def _run_due(db_url: str, fake: FakeApify, lease_seconds: float | None = None) -> subprocess.Popen:
    env = dict(os.environ, APIFY_TOKEN=TOKEN, APIFY_API_URL=fake.url)
    if lease_seconds is not None:
        env["JOBPOOL_SEARCH_LEASE_SECONDS"] = str(lease_seconds)
    return subprocess.Popen(
        [sys.executable, "main.py", "--db-url", db_url, "run-due", "--json"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _save(jobpool, db_url: str, profile: str, *extra: str) -> str:
    result = jobpool(db_url, "searches", "add", "--profile", profile, "--actor", "linkedin", *extra)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()[2]


def test_searches_add_list_remove(jobpool, db_url) -> None:
    assert jobpool(db_url, "profiles", "add", "Ana").returncode == 0
    search_id = _save(jobpool, db_url, "Ana", "--query", "<b>data</b> engineer", "--location", "Berlin", "--every", "6")

    listed = jobpool(db_url, "searches", "list", "--profile", "Ana", "--json")
    assert listed.returncode == 0 and listed.stderr == ""
    [item] = json.loads(listed.stdout)
    assert item["id"] == search_id and item["profiles"] == ["Ana"]
    assert (item["actor"], item["query"], item["location"], item["every_hours"]) == (
        "linkedin",
        "<b>data</b> engineer",
        "Berlin",
        6,
    )
    assert item["last_status"] is None and item["paused"] is False and item["next_run_at"]
    assert "<b>data</b> engineer" in jobpool(db_url, "searches", "list").stdout

    assert jobpool(db_url, "searches", "remove", search_id).returncode == 0
    assert json.loads(jobpool(db_url, "searches", "list", "--json").stdout) == []
    gone = jobpool(db_url, "searches", "remove", search_id)
    assert gone.returncode == 1 and len(gone.stderr.strip().splitlines()) == 1 and "Traceback" not in gone.stderr


def test_searches_list_names_every_profile_one_run_serves(jobpool, db_url) -> None:
    for name in ("Ana", "Ben", "Cy"):
        assert jobpool(db_url, "profiles", "add", name).returncode == 0
    ana = _save(
        jobpool, db_url, "Ana", "--query", "Data Engineer", "--location", "Remote", "--max", "30", "--every", "24"
    )
    # The same criteria written differently (case, spaces) and on another schedule: one run serves both.
    ben = _save(
        jobpool, db_url, "Ben", "--query", "data  engineer", "--location", "remote", "--max", "30", "--every", "8"
    )
    ben_berlin = _save(jobpool, db_url, "Ben", "--query", "Data Engineer", "--location", "Berlin", "--every", "8")
    cy = _save(jobpool, db_url, "Cy", "--query", "Data Engineer", "--location", "Remote", "--max", "50", "--every", "8")

    listed = {item["id"]: item for item in json.loads(jobpool(db_url, "searches", "list", "--json").stdout)}
    assert {search_id: item["profiles"] for search_id, item in listed.items()} == {
        ana: ["Ana", "Ben"],
        ben: ["Ben", "Ana"],  # the search's own profile first
        ben_berlin: ["Ben"],
        cy: ["Cy"],  # another --max is another run
    }

    bens = json.loads(jobpool(db_url, "searches", "list", "--profile", "Ben", "--json").stdout)
    assert sorted((item["id"], item["profiles"]) for item in bens) == sorted(
        [(ben, ["Ben", "Ana"]), (ben_berlin, ["Ben"])]
    )
    text = jobpool(db_url, "searches", "list", "--profile", "Ben").stdout
    assert "PROFILES" in text.splitlines()[0]
    assert [line.split()[1:3] for line in text.splitlines()[1:] if line.startswith(ben)] == [["Ben,", "Ana"]]

    assert jobpool(db_url, "searches", "remove", ana).returncode == 0  # an id still names one profile's search
    after = {item["id"]: item["profiles"] for item in json.loads(jobpool(db_url, "searches", "list", "--json").stdout)}
    assert after == {ben: ["Ben"], ben_berlin: ["Ben"], cy: ["Cy"]}


@pytest.mark.parametrize(
    "args",
    [
        ("--query", "x"),  # no --every
        ("--query", "x", "--every", "soon"),
    ],
)
def test_searches_add_usage_errors(jobpool, db_url, args) -> None:
    jobpool(db_url, "profiles", "add", "Ana")
    assert jobpool(db_url, "searches", "add", "--profile", "Ana", "--actor", "linkedin", *args).returncode == 2


def test_searches_add_user_errors(jobpool, db_url) -> None:
    jobpool(db_url, "profiles", "add", "Ana")
    for args in (("--every", "0"), ("--every", "3", "--max", "0")):
        result = jobpool(db_url, "searches", "add", "--profile", "Ana", "--actor", "linkedin", "--query", "x", *args)
        assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1


def test_two_concurrent_run_due_processes_make_one_actor_run(jobpool, db_url, fake, sql, qtbot) -> None:
    gate = threading.Event()
    fake.add_actor(ACTOR, Script(items=linkedin_items(0, 30), token=TOKEN, hold=gate))
    jobpool(db_url, "profiles", "add", "Ana")
    jobpool(db_url, "profiles", "add", "Ben")
    _save(jobpool, db_url, "Ana", "--query", "Data Engineer", "--location", "Remote", "--max", "30", "--every", "24")
    _save(jobpool, db_url, "Ben", "--query", "data engineer", "--location", "remote", "--max", "30", "--every", "8")

    first, second = _run_due(db_url, fake), _run_due(db_url, fake)
    try:
        # Both runners are at work (each holds the lease of one search) before the actor may finish.
        qtbot.waitUntil(lambda: len(sql("SELECT 1 FROM saved_search_lease")) == 2, timeout=60_000)
        assert fake.wait_for_runs(ACTOR, 1, timeout=30)
        gate.set()
        outputs = [process.communicate(timeout=120) for process in (first, second)]
    finally:
        gate.set()
        for process in (first, second):
            process.kill()
    assert [p.returncode for p in (first, second)] == [0, 0], [err for _, err in outputs]
    reports = [json.loads(out) for out, _ in outputs]

    assert len(fake.runs_started(ACTOR)) == 1
    ran = [item for report in reports for item in report["ran"]]
    assert len(ran) == 2 and sorted(item["actor_run_reused"] for item in ran) == [False, True]
    assert sorted(item["pool_inserts"] for item in ran) == [0, 30]
    # The runner that finished first may also find the other's search still leased: one or two skips, never a rerun.
    assert sum(report["skipped_locked"] for report in reports) in (1, 2)
    assert sql("SELECT count(*) FROM saved_search_lease") == [(0,)]
    assert sql("SELECT count(*) FROM user_job") == [(60,)]
    logged = sql("SELECT status, saved_search_id IS NOT NULL FROM ingestion_run")
    assert sorted(logged) == [("succeeded", True), ("succeeded", True)]


def test_a_killed_runners_search_runs_again_after_its_lease_expires(jobpool, db_url, fake, sql, ctx, qtbot) -> None:
    gate = threading.Event()
    fake.add_actor(ACTOR, Script(items=linkedin_items(0, 10), token=TOKEN, hold=gate))
    jobpool(db_url, "profiles", "add", "Ana")
    search_id = _save(jobpool, db_url, "Ana", "--query", "sre", "--max", "10", "--every", "24")

    doomed = _run_due(db_url, fake, lease_seconds=10)
    try:
        assert fake.wait_for_runs(ACTOR, 1, timeout=60)
    finally:
        doomed.kill()
        doomed.wait()
    [(holder,)] = sql("SELECT holder FROM saved_search_lease")
    assert str(doomed.pid) in holder

    # While the dead runner's lease lasts, no other runner may take the search...
    assert ctx.search_runner.take(uuid.UUID(search_id), "another-runner", timedelta(minutes=5)) is None
    # ...and once it has expired by itself, the next runner runs it.
    qtbot.waitUntil(lambda: not sql("SELECT 1 FROM saved_search_lease WHERE expires_at > now()"), timeout=60_000)
    gate.set()
    again = _run_due(db_url, fake)
    out, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    report = json.loads(out)
    assert [item["search_id"] for item in report["ran"]] == [search_id], (out, err)
    assert report["skipped_locked"] == 0 and report["ran"][0]["pool_inserts"] == 10, out
    assert len(fake.runs_started(ACTOR)) == 2
    statuses = sorted(status for (status,) in sql("SELECT status FROM ingestion_run"))
    assert statuses == ["interrupted", "succeeded"]  # the dead runner's run is marked when the next one starts
    assert sql("SELECT count(*) FROM saved_search_lease") == [(0,)]


def test_a_paused_search_says_why(jobpool, db_url, fake) -> None:
    fake.add_actor(ACTOR, Script(items=linkedin_items(0, 5), refuse_start=(402, "not-enough-usage-to-run-paid-actor")))
    jobpool(db_url, "profiles", "add", "Ana")
    search_id = _save(jobpool, db_url, "Ana", "--query", "ml engineer", "--every", "1")
    engine = make_engine(db_url)
    try:
        for _ in range(3):
            result = _run_due(db_url, fake)
            out, err = result.communicate(timeout=120)
            assert result.returncode == 0, err
            assert json.loads(out)["ran"][0]["status"] == "failed"
            with engine.begin() as conn:  # as if the retry time had come
                conn.execute(text("UPDATE saved_search SET next_run_at = now()"))
    finally:
        engine.dispose()
    assert f"saved search {search_id} paused" in err and "out of credit" in err

    [item] = json.loads(jobpool(db_url, "searches", "list", "--json").stdout)
    assert item["paused"] is True and item["last_status"] == "failed"
    assert "3 failures in a row" in item["pause_reason"] and "HTTP 402" in item["pause_reason"]
    assert "paused: 3 failures in a row" in jobpool(db_url, "searches", "list").stdout
    assert json.loads(jobpool(db_url, "run-due", "--json").stdout) == {"ran": [], "skipped_locked": 0}
