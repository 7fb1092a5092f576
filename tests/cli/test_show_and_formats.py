"""`ingest` names the shape it read, `--format` overrides it, `show` prints one card in full, `board --json` salary."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.real_exports import flattened_csv, indeed_scraper_item, jobspy_csv


@pytest.fixture
def indeed_export(tmp_path: Path) -> Path:
    path = tmp_path / "indeed_scraper_export.csv"
    path.write_bytes(flattened_csv([indeed_scraper_item("a1b2"), indeed_scraper_item("c3d4", title="Data Analyst")]))
    return path


def test_ingest_reports_the_detected_format_and_source(db_url: str, indeed_export: Path, jobpool) -> None:
    assert jobpool(db_url, "profiles", "add", "alex").returncode == 0

    result = jobpool(db_url, "ingest", "--profile", "alex", "--file", str(indeed_export), "--json")
    plain = jobpool(db_url, "ingest", "--profile", "alex", "--file", str(indeed_export))

    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert (report["format"], report["source"], report["run_source"]) == ("indeed-scraper", "indeed", "file:csv")
    assert report["formats"] == {"indeed-scraper": 2} and report["dates_inferred"] == 0
    assert "Read as indeed-scraper, jobs from indeed." in plain.stdout


def test_format_overrides_detection(db_url: str, indeed_export: Path, jobpool) -> None:
    jobpool(db_url, "profiles", "add", "alex")

    forced = jobpool(
        db_url, "ingest", "--profile", "alex", "--file", str(indeed_export), "--format", "generic", "--json"
    )
    unknown = jobpool(db_url, "ingest", "--profile", "alex", "--file", str(indeed_export), "--format", "monster")

    assert json.loads(forced.stdout)["format"] == "generic"
    assert unknown.returncode == 2 and "monster" in unknown.stderr


def test_show_prints_every_pool_field_and_the_link(db_url: str, tmp_path: Path, jobpool) -> None:
    path = tmp_path / "jobspy.csv"
    path.write_bytes(jobspy_csv(r"Build R\&D tools, bac\+5."))
    jobpool(db_url, "profiles", "add", "alex")
    jobpool(db_url, "ingest", "--profile", "alex", "--file", str(path))
    card = json.loads(jobpool(db_url, "board", "--profile", "alex", "--json").stdout)[0]

    shown = jobpool(db_url, "show", "--profile", "alex", card["job_pool_id"], "--json")
    text = jobpool(db_url, "show", "--profile", "alex", card["job_pool_id"])

    assert (card["salary_min"], card["salary_max"], card["salary_currency"], card["salary_period"]) == (
        23.5,
        29.4,
        "USD",
        "hour",
    )
    assert card["reposted"] is False and card["first_seen_at"]
    assert shown.returncode == 0, shown.stderr
    data = json.loads(shown.stdout)
    assert data["description"] == "Build R&D tools, bac+5."
    assert data["salary_text"] == "23.50–29.40 USD / hour"
    assert (data["format"], data["source"], data["posted_at_inferred"], data["times_seen"]) == (
        "jobspy",
        "indeed",
        False,
        1,
    )
    assert data["posted_at"].startswith("2026-11-20") and data["first_seen_at"] and data["last_seen_at"]
    assert (data["status"], data["user_job_id"]) == ("recommended", card["user_job_id"])
    assert {"notes", "match_score", "added_at", "status_changed_at", "url", "apply_url", "location"} <= set(data)
    assert "Salary:          23.50–29.40 USD / hour" in text.stdout and "Build R&D tools, bac+5." in text.stdout


@pytest.mark.parametrize(
    ("job_id", "message"),
    [("not-a-uuid", "is not a job pool id"), ("00000000-0000-0000-0000-000000000000", "no card for that pool job")],
)
def test_show_of_an_unknown_job_is_one_line(db_url: str, job_id: str, message: str, jobpool) -> None:
    jobpool(db_url, "profiles", "add", "alex")

    result = jobpool(db_url, "show", "--profile", "alex", job_id, "--json")

    assert result.returncode == 1 and result.stdout == ""
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
