"""`stats` as a user runs it: one JSON document of the documented shape, exit codes 0, 1 and 2."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from tests.support.synthetic import linkedin_items


def _setup(jobpool, db_url: str, tmp_path) -> list[dict]:
    path = tmp_path / "jobs.json"
    path.write_text(json.dumps(linkedin_items(0, 3)))
    assert jobpool(db_url, "profiles", "add", "me").returncode == 0
    assert jobpool(db_url, "ingest", "--profile", "me", "--file", str(path)).returncode == 0
    board = jobpool(db_url, "board", "--profile", "me", "--json")
    return json.loads(board.stdout)


def test_stats_json_after_moves(db_url: str, jobpool, tmp_path) -> None:
    cards = _setup(jobpool, db_url, tmp_path)
    first, second = cards[0]["job_pool_id"], cards[1]["job_pool_id"]
    for job, status in ((first, "applied"), (first, "interviewing"), (first, "rejected"), (second, "applied")):
        assert jobpool(db_url, "move", "--profile", "me", job, status).returncode == 0
    result = jobpool(db_url, "stats", "--profile", "me", "--json")
    assert result.returncode == 0 and result.stderr == ""
    doc = json.loads(result.stdout)
    assert set(doc) == {
        "by_status",
        "reached",
        "conversion",
        "response_rate",
        "median_days_to_response",
        "by_source",
        "weekly",
        "stale",
    }
    assert doc["by_status"] == {
        "recommended": 1,
        "applied": 1,
        "interviewing": 0,
        "offer": 0,
        "rejected": 1,
        "archived": 0,
    }
    assert doc["reached"] == {"applied": 2, "interviewing": 1, "offer": 0}
    assert doc["conversion"] == {"applied_to_interviewing": 0.5, "interviewing_to_offer": 0.0}
    assert doc["response_rate"] == 0.5
    assert doc["stale"] == []
    week = datetime.now(UTC).date().isocalendar()
    assert [w["week"] for w in doc["weekly"]] == [datetime.fromisocalendar(week[0], week[1], 1).date().isoformat()]
    assert doc["weekly"][0]["added"] == 3 and doc["weekly"][0]["rejections"] == 1
    assert sum(row["applied"] for row in doc["by_source"]) == 2

    text = jobpool(db_url, "stats", "--profile", "me")
    assert text.returncode == 0 and "response rate 50%" in text.stdout

    since_tomorrow = jobpool(db_url, "stats", "--profile", "me", "--since", "2999-01-01", "--json")
    empty = json.loads(since_tomorrow.stdout)
    assert empty["reached"]["applied"] == 0 and empty["response_rate"] is None


def test_stats_all_profiles_json(db_url: str, jobpool, tmp_path) -> None:
    cards = _setup(jobpool, db_url, tmp_path)
    assert jobpool(db_url, "move", "--profile", "me", cards[0]["job_pool_id"], "applied").returncode == 0
    result = jobpool(db_url, "stats", "--all-profiles", "--json")
    assert result.returncode == 0 and result.stderr == ""
    doc = json.loads(result.stdout)
    assert [p["profile"] for p in doc["profiles"]] == ["me"]
    assert doc["profiles"][0]["reached"]["applied"] == 1
    assert doc["pooled"]["response_rate"] == 0.0
    assert doc["collisions"] == {"jobs": [], "companies": []}
    assert jobpool(db_url, "stats", "--all-profiles").returncode == 0


def test_stats_errors(db_url: str, jobpool) -> None:
    unknown = jobpool(db_url, "stats", "--profile", "nobody", "--json")
    assert unknown.returncode == 1 and unknown.stdout == "" and len(unknown.stderr.strip().splitlines()) == 1
    backwards = jobpool(db_url, "stats", "--all-profiles", "--since", "2026-03-02", "--until", "2026-03-01")
    assert backwards.returncode == 1 and "--since" in backwards.stderr
    assert jobpool(db_url, "stats", "--profile", "x", "--since", "March").returncode == 2
    assert jobpool(db_url, "stats").returncode == 2
    assert jobpool(db_url, "stats", "--profile", "x", "--all-profiles").returncode == 2
