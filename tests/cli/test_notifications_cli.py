"""`notifications` as a user runs it: the inbox as JSON or a table, --unread, errors."""

from __future__ import annotations

import json
from datetime import date, timedelta

from tests.support.synthetic import linkedin_items


def _setup(jobpool, db_url: str, tmp_path) -> str:
    path = tmp_path / "jobs.json"
    path.write_text(json.dumps(linkedin_items(0, 2)))
    assert jobpool(db_url, "profiles", "add", "me").returncode == 0
    assert jobpool(db_url, "ingest", "--profile", "me", "--file", str(path)).returncode == 0
    board = json.loads(jobpool(db_url, "board", "--profile", "me", "--json").stdout)
    return board[0]["job_pool_id"]


def test_notifications_lists_a_due_follow_up_once(db_url: str, jobpool, tmp_path) -> None:
    job = _setup(jobpool, db_url, tmp_path)
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    assert jobpool(db_url, "remind", "--profile", "me", job, "--on", yesterday, "--note", "call").returncode == 0
    for _ in range(2):  # looking twice does not add it twice
        result = jobpool(db_url, "notifications", "--profile", "me", "--json")
        assert result.returncode == 0 and result.stderr == ""
        items = json.loads(result.stdout)
        assert len(items) == 1
    (item,) = items
    assert set(item) == {"id", "kind", "title", "created_at", "read", "job_pool_id"}
    assert item["kind"] == "reminder_due" and item["read"] is False and item["job_pool_id"] == job
    unread = json.loads(jobpool(db_url, "notifications", "--profile", "ME", "--unread", "--json").stdout)
    assert [i["id"] for i in unread] == [item["id"]]
    table = jobpool(db_url, "notifications", "--profile", "me")
    assert table.returncode == 0 and "reminder_due" in table.stdout and job in table.stdout


def test_an_empty_inbox_and_errors(db_url: str, jobpool, tmp_path) -> None:
    assert jobpool(db_url, "profiles", "add", "me").returncode == 0
    assert json.loads(jobpool(db_url, "notifications", "--profile", "me", "--json").stdout) == []
    assert "No unread notifications" in jobpool(db_url, "notifications", "--profile", "me", "--unread").stdout
    missing = jobpool(db_url, "notifications", "--profile", "nobody", "--json")
    assert missing.returncode == 1 and missing.stdout == "" and len(missing.stderr.strip().splitlines()) == 1
    assert jobpool(db_url, "notifications").returncode == 2
