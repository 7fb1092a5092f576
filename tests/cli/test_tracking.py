"""`history`, `remind`, `reminders` and the tracking fields of `board` as a user runs them."""

from __future__ import annotations

import json
from datetime import date, timedelta

from tests.support.synthetic import linkedin_items


def _board(jobpool, db_url: str, *args: str) -> list[dict]:
    result = jobpool(db_url, "board", "--profile", "me", "--json", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _setup(jobpool, db_url: str, tmp_path) -> list[dict]:
    path = tmp_path / "jobs.json"
    path.write_text(json.dumps(linkedin_items(0, 3)))
    assert jobpool(db_url, "profiles", "add", "me").returncode == 0
    assert jobpool(db_url, "ingest", "--profile", "me", "--file", str(path)).returncode == 0
    return _board(jobpool, db_url)


def test_history_after_moves_from_the_command_line(db_url: str, jobpool, tmp_path) -> None:
    job = _setup(jobpool, db_url, tmp_path)[0]["job_pool_id"]
    assert jobpool(db_url, "move", "--profile", "me", job, "applied").returncode == 0
    assert jobpool(db_url, "move", "--profile", "me", job, "rejected").returncode == 0
    result = jobpool(db_url, "history", "--profile", "me", job, "--json")
    assert result.returncode == 0 and result.stderr == ""
    events = json.loads(result.stdout)
    assert [(e["from_status"], e["to_status"], e["via"]) for e in events] == [
        (None, "recommended", "import"),
        ("recommended", "applied", "cli"),
        ("applied", "rejected", "cli"),
    ]
    assert set(events[0]) == {"at", "from_status", "to_status", "via"}
    card = next(c for c in _board(jobpool, db_url) if c["job_pool_id"] == job)
    assert card["applied_at"] == events[1]["at"] and card["next_reminder"] is None
    text = jobpool(db_url, "history", "--profile", "me", job)
    assert "(added)" in text.stdout and "Rejected" in text.stdout


def test_remind_and_reminders(db_url: str, jobpool, tmp_path) -> None:
    cards = _setup(jobpool, db_url, tmp_path)
    today = date.today()
    soon, later = cards[0]["job_pool_id"], cards[1]["job_pool_id"]
    assert (
        jobpool(db_url, "remind", "--profile", "me", soon, "--on", today.isoformat(), "--note", "Call Sam").returncode
        == 0
    )
    tomorrow = (today + timedelta(days=1)).isoformat()
    assert jobpool(db_url, "remind", "--profile", "me", later, "--on", tomorrow).returncode == 0
    listed = json.loads(jobpool(db_url, "reminders", "--profile", "me", "--json").stdout)
    assert [(r["job_pool_id"], r["due_on"], r["note"]) for r in listed] == [
        (soon, today.isoformat(), "Call Sam"),
        (later, tomorrow, None),
    ]
    assert set(listed[0]) == {"job_pool_id", "title", "company", "due_on", "note"}
    assert listed[0]["title"] == cards[0]["title"]
    due = json.loads(jobpool(db_url, "reminders", "--profile", "me", "--due", "--json").stdout)
    assert [r["job_pool_id"] for r in due] == [soon]
    assert [c["job_pool_id"] for c in _board(jobpool, db_url, "--due")] == [soon]
    by_job = {c["job_pool_id"]: c for c in _board(jobpool, db_url)}
    assert by_job[later]["next_reminder"] == tomorrow
    assert "Call Sam" in jobpool(db_url, "reminders", "--profile", "me").stdout


def test_user_and_usage_errors(db_url: str, jobpool, tmp_path) -> None:
    job = _setup(jobpool, db_url, tmp_path)[0]["job_pool_id"]
    bad_date = jobpool(db_url, "remind", "--profile", "me", job, "--on", "next week")
    assert bad_date.returncode == 2
    missing = jobpool(db_url, "remind", "--profile", "me", job)
    assert missing.returncode == 2
    for args in (
        ("history", "--profile", "me", "not-a-uuid"),
        ("history", "--profile", "nobody", job),
        ("history", "--profile", "me", "00000000-0000-0000-0000-000000000000"),
        ("remind", "--profile", "me", job, "--on", "2026-01-01", "--note", "x" * 5000),
        ("reminders", "--profile", "nobody"),
    ):
        result = jobpool(db_url, *args)
        assert result.returncode == 1, args
        assert result.stdout == "" and len(result.stderr.strip().splitlines()) == 1, args
