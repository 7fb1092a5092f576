"""`profiles add-resume`, `profiles resumes` and the board's `best_resume`, as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.matching_samples import NURSE_RESUME, PYTHON_RESUME
from tests.support.synthetic import linkedin_items


def test_add_resume_list_and_best_resume_on_the_board(db_url: str, tmp_path: Path, jobpool) -> None:
    data, care, backend = tmp_path / "export.json", tmp_path / "care.txt", tmp_path / "backend.md"
    data.write_text(json.dumps(linkedin_items(0, 4)))
    care.write_text(NURSE_RESUME)
    backend.write_text(PYTHON_RESUME)
    assert jobpool(db_url, "profiles", "add", "me").returncode == 0
    assert jobpool(db_url, "ingest", "--profile", "me", "--file", str(data)).returncode == 0

    added = jobpool(db_url, "profiles", "add-resume", "me", str(care), "--label", "Care", "--focus", "ICU")
    assert added.returncode == 0, added.stderr
    assert "“Care”" in added.stdout and "rescored 4 cards" in added.stdout
    added = jobpool(db_url, "profiles", "add-resume", "me", str(backend), "--label", "Backend", "--primary")
    assert added.returncode == 0, added.stderr

    listed = jobpool(db_url, "profiles", "resumes", "me", "--json")
    assert listed.returncode == 0, listed.stderr
    resumes = json.loads(listed.stdout)
    assert [(r["label"], r["primary"], r["focus"]) for r in resumes] == [
        ("Backend", True, None),
        ("Care", False, "ICU"),
    ]
    assert resumes[0]["characters"] == len(PYTHON_RESUME.strip()) and "Python" in resumes[0]["skills"]
    table = jobpool(db_url, "profiles", "resumes", "me")
    assert table.returncode == 0 and "Backend" in table.stdout and "ICU" in table.stdout

    cards = json.loads(jobpool(db_url, "board", "--profile", "me", "--json").stdout)
    assert {card["best_resume"] for card in cards} <= {"Backend", "Care"}
    assert all(card["best_resume"] == card["gap_analysis"]["resume"] for card in cards)
    assert all(card["match_score"] is not None for card in cards)


def test_resume_commands_report_user_and_usage_errors(db_url: str, tmp_path: Path, jobpool) -> None:
    resume = tmp_path / "cv.txt"
    resume.write_text(PYTHON_RESUME)
    assert jobpool(db_url, "profiles", "add", "me").returncode == 0
    missing_label = jobpool(db_url, "profiles", "add-resume", "me", str(resume))
    assert missing_label.returncode == 2
    blank = jobpool(db_url, "profiles", "add-resume", "me", str(resume), "--label", "  ")
    assert blank.returncode == 1 and len(blank.stderr.strip().splitlines()) == 1 and "Traceback" not in blank.stderr
    nobody = jobpool(db_url, "profiles", "resumes", "nobody", "--json")
    assert nobody.returncode == 1 and nobody.stdout == ""
    empty = jobpool(db_url, "profiles", "resumes", "me", "--json")
    assert empty.returncode == 0 and json.loads(empty.stdout) == []
