"""`interview`, `interviews`, `contact`, `tag` and the board's tag / priority / salary filters, as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import icalendar
import pytest
from sqlalchemy import create_engine, text

from tests.support.synthetic import linkedin_items


@pytest.fixture
def seeded(db_url: str, tmp_path: Path, jobpool) -> list[dict]:
    path = tmp_path / "export.json"
    path.write_text(json.dumps(linkedin_items(0, 5)))
    assert jobpool(db_url, "profiles", "add", "me").returncode == 0
    assert jobpool(db_url, "ingest", "--profile", "me", "--file", str(path)).returncode == 0
    return json.loads(jobpool(db_url, "board", "--profile", "me", "--json").stdout)


def test_interviews_round_trip_and_calendar(db_url: str, seeded: list[dict], tmp_path: Path, jobpool) -> None:
    job = seeded[0]["job_pool_id"]
    added = jobpool(
        db_url, "interview", "--profile", "me", job, "--at", "2030-05-06T15:30+02:00", "--kind", "onsite",
        "--with", "Ana, Bo", "--note", "bring ID",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert (
        jobpool(
            db_url, "interview", "--profile", "me", seeded[1]["job_pool_id"], "--at", "2030-05-01T09:00Z"
        ).returncode
        == 0
    )
    ics = tmp_path / "out.ics"
    listed = jobpool(db_url, "interviews", "--profile", "me", "--ics", str(ics), "--json")
    assert listed.returncode == 0, listed.stderr
    interviews = json.loads(listed.stdout)  # --json keeps stdout to the one document, even with --ics
    assert [i["at"] for i in interviews] == ["2030-05-01T09:00:00+00:00", "2030-05-06T13:30:00+00:00"]
    assert interviews[1] | {"id": None, "user_job_id": None} == {
        "id": None,
        "user_job_id": None,
        "job_pool_id": job,
        "at": "2030-05-06T13:30:00+00:00",
        "kind": "onsite",
        "with": "Ana, Bo",
        "notes": "bring ID",
        "title": seeded[0]["title"],
        "company": seeded[0]["company"],
    }
    events = icalendar.Calendar.from_ical(ics.read_bytes()).walk("VEVENT")
    assert [str(e["uid"]) for e in events] == [f"{i['id']}@interview.jobpool" for i in interviews]
    plain = jobpool(db_url, "interviews", "--profile", "me")
    assert plain.returncode == 0 and "onsite" in plain.stdout and job in plain.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--at", "tomorrow"], "ISO 8601"),
        (["--at", "2030-05-06T15:30Z", "--kind", "dinner"], "kind"),
    ],
)
def test_interview_errors_are_one_line(db_url: str, seeded: list[dict], jobpool, args, message) -> None:
    result = jobpool(db_url, "interview", "--profile", "me", seeded[0]["job_pool_id"], *args)
    assert result.returncode == 1 and result.stdout == ""
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_usage_errors_exit_2(db_url: str, seeded: list[dict], jobpool) -> None:
    assert jobpool(db_url, "interview", "--profile", "me", seeded[0]["job_pool_id"]).returncode == 2  # no --at
    assert jobpool(db_url, "tag", "--profile", "me", seeded[0]["job_pool_id"]).returncode == 2  # no TAG
    assert jobpool(db_url, "contact", "--profile", "me", seeded[0]["job_pool_id"]).returncode == 2  # no --name


def test_contact(db_url: str, seeded: list[dict], jobpool) -> None:
    job = seeded[0]["job_pool_id"]
    bad = jobpool(db_url, "contact", "--profile", "me", job, "--name", "Eve", "--url", "javascript:alert(1)")
    assert bad.returncode == 1 and "http" in bad.stderr
    good = jobpool(
        db_url, "contact", "--profile", "me", job, "--name", "Sam", "--role", "Recruiter", "--email", "sam@x.example",
        "--phone", "+1 555", "--url", "https://example.org/in/sam", "--json",
    )  # fmt: skip
    assert good.returncode == 0, good.stderr
    assert json.loads(good.stdout)["url"] == "https://example.org/in/sam"
    missing = jobpool(db_url, "contact", "--profile", "me", "not-a-uuid", "--name", "Sam")
    assert missing.returncode == 1 and "job pool id" in missing.stderr


def test_tags_priority_and_board_filters(db_url: str, seeded: list[dict], jobpool) -> None:
    a, b, c = (card["job_pool_id"] for card in seeded[:3])
    assert jobpool(db_url, "tag", "--profile", "me", a, "Remote", "fintech").returncode == 0
    assert jobpool(db_url, "tag", "--profile", "me", b, "remote").returncode == 0
    removed = jobpool(db_url, "tag", "--profile", "me", a, "fintech", "--remove", "--json")
    assert json.loads(removed.stdout) == {"job_pool_id": a, "tags": ["remote"]}
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE user_job SET priority = 'high' WHERE job_pool_id IN (:a, :c)"), {"a": a, "c": c})
        conn.execute(
            text("UPDATE job_pool SET salary_min = 60, salary_max = 70, salary_period = 'hour' WHERE id = :b"), {"b": b}
        )
    engine.dispose()

    def board(*args: str) -> list[dict]:
        result = jobpool(db_url, "board", "--profile", "me", "--json", *args)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    cards = {card["job_pool_id"]: card for card in board()}
    assert cards[a]["tags"] == ["remote"] and cards[a]["priority"] == "high"
    assert cards[seeded[4]["job_pool_id"]]["tags"] == [] and cards[seeded[4]["job_pool_id"]]["priority"] is None
    assert {x["job_pool_id"] for x in board("--tag", "REMOTE")} == {a, b}
    assert {x["job_pool_id"] for x in board("--tag", "remote", "--priority", "high")} == {a}
    assert {x["job_pool_id"] for x in board("--search", "tag:remote", "--min-salary", "140k")} == {b}  # 70 × 2080
    bad = jobpool(db_url, "board", "--profile", "me", "--priority", "urgent")
    assert bad.returncode == 1 and "priority" in bad.stderr
