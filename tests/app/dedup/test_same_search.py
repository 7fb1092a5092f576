"""A user importing LinkedIn, Indeed, valig, JobSpy and bebity exports of one search sees each real job once."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.same_search import REAL_JOBS, write_exports


def test_five_boards_one_card_per_real_job(db_url: str, jobpool, tmp_path: Path) -> None:
    assert jobpool(db_url, "profiles", "add", "alex").returncode == 0
    for path in write_exports(tmp_path / "exports"):
        result = jobpool(db_url, "ingest", "--profile", "alex", "--file", str(path), "--json")
        assert result.returncode == 0, result.stderr
    board = json.loads(jobpool(db_url, "board", "--profile", "alex", "--json").stdout)
    cards = board["cards"] if isinstance(board, dict) else board
    titles = sorted((c["company"], c["title"]) for c in cards)
    # Three real postings, plus Initech's "Sr. QA Analyst (m/w/d)": a near-duplicate kept apart for the user.
    assert len(cards) == REAL_JOBS + 1, titles
    places = {(c["company"].split()[0].strip(",").upper(), c["title"]) for c in cards}
    assert {("ACME", "Data Engineer"), ("GLOBEX", "Backend Engineer"), ("INITECH", "Senior QA Analyst")} <= places

    result = jobpool(db_url, "possible-duplicates", "--profile", "alex", "--json")
    assert result.returncode == 0 and result.stderr == ""
    duplicates = json.loads(result.stdout)
    by_id = {c["job_pool_id"]: c for c in cards}
    assert len(duplicates) == 1
    dup = duplicates[0]
    assert set(dup) == {"job_pool_id", "duplicate_of", "reason", "score"}
    assert {by_id[dup["job_pool_id"]]["title"], by_id[dup["duplicate_of"]]["title"]} == {
        "Senior QA Analyst",
        "Sr. QA Analyst (m/w/d)",
    }
    assert dup["reason"] == "title spelling" and dup["score"] == 1.0


def test_importing_the_same_exports_again_adds_nothing(db_url: str, jobpool, tmp_path: Path) -> None:
    jobpool(db_url, "profiles", "add", "alex")
    paths = write_exports(tmp_path / "exports")
    for path in paths:
        jobpool(db_url, "ingest", "--profile", "alex", "--file", str(path), "--json")
    again = [
        json.loads(jobpool(db_url, "ingest", "--profile", "alex", "--file", str(p), "--json").stdout) for p in paths
    ]
    assert all(report["pool_inserts"] == 0 for report in again), again
