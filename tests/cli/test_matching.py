"""`profiles set-resume` and `discover` as a user runs them: JSON on stdout, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.matching_samples import JOBS, NURSE_RESUME, PYTHON_RESUME


def test_set_resume_then_discover_round_trip(db_url: str, tmp_path: Path, jobpool) -> None:
    export = tmp_path / "jobs.json"
    export.write_text(json.dumps([{k: v for k, v in job.items() if k != "family"} for job in JOBS]))
    resume = tmp_path / "dana.md"
    resume.write_text(PYTHON_RESUME, encoding="utf-8")
    for name in ("scout", "dana"):
        assert jobpool(db_url, "profiles", "add", name).returncode == 0
    ingested = jobpool(db_url, "ingest", "--profile", "scout", "--file", str(export), "--json")
    assert ingested.returncode == 0, ingested.stderr

    saved = jobpool(db_url, "profiles", "set-resume", "dana", str(resume), "--json")
    assert saved.returncode == 0, saved.stderr
    update = json.loads(saved.stdout)
    assert update["name"] == "dana" and update["links_rescored"] == 0
    assert {"Python", "Django", "PostgreSQL", "Kubernetes"} <= set(update["skills"])
    listed = json.loads(jobpool(db_url, "profiles", "list", "--json").stdout)
    assert {p["name"]: p["has_resume"] for p in listed} == {"scout": False, "dana": True}

    found = jobpool(db_url, "discover", "--profile", "dana", "--limit", "5", "--json")
    assert found.returncode == 0, found.stderr
    items = json.loads(found.stdout)
    assert len(items) == 5
    assert [i["match_score"] for i in items] == sorted((i["match_score"] for i in items), reverse=True)
    python_titles = {job["title"] for job in JOBS if job["family"] == "python"}
    assert {i["title"] for i in items[:3]} == python_titles
    assert items[0]["match_score"] >= 80 and "Python" in items[0]["have"]

    added = jobpool(db_url, "discover", "--profile", "dana", "--limit", "3", "--add")
    assert added.returncode == 0, added.stderr
    assert "Added 3 jobs" in added.stdout
    board = json.loads(jobpool(db_url, "board", "--profile", "dana", "--json").stdout)
    assert {card["title"] for card in board} == python_titles
    assert all(card["match_score"] >= 80 and card["gap_analysis"]["have"] for card in board)
    remaining = json.loads(jobpool(db_url, "discover", "--profile", "dana", "--json").stdout)
    assert len(remaining) == len(JOBS) - 3 and not python_titles & {i["title"] for i in remaining}

    # A new resume rescores the cards already on the board.
    nurse = tmp_path / "nurse.txt"
    nurse.write_text(NURSE_RESUME, encoding="utf-8")
    rescored = json.loads(jobpool(db_url, "profiles", "set-resume", "dana", str(nurse), "--json").stdout)
    assert rescored["links_rescored"] == 3
    board = json.loads(jobpool(db_url, "board", "--profile", "dana", "--json").stdout)
    assert all(card["match_score"] <= 20 for card in board)


def test_user_errors_exit_1_with_one_line(db_url: str, tmp_path: Path, jobpool) -> None:
    assert jobpool(db_url, "profiles", "add", "dana").returncode == 0
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    for args, message in (
        (("profiles", "set-resume", "dana", str(empty)), "is empty"),
        (("profiles", "set-resume", "dana", str(tmp_path / "missing.pdf")), "There is no file"),
        (("profiles", "set-resume", "nobody", str(empty)), "is empty"),
        (("discover", "--profile", "dana"), "no resume"),
        (("discover", "--profile", "nobody"), "No profile named"),
    ):
        result = jobpool(db_url, *args)
        assert result.returncode == 1, (args, result.stderr)
        assert message in result.stderr and "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1 and result.stdout == ""
