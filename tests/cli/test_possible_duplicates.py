"""`possible-duplicates --profile P [--json]`: the contract other tools rely on."""

from __future__ import annotations

import json
from pathlib import Path


def _ingest(db_url: str, jobpool, tmp_path: Path, items: list[dict]) -> None:
    path = tmp_path / "items.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    assert jobpool(db_url, "profiles", "add", "alex").returncode == 0
    assert jobpool(db_url, "ingest", "--profile", "alex", "--file", str(path), "--json").returncode == 0


def test_json_lists_pairs(db_url: str, jobpool, tmp_path: Path) -> None:
    _ingest(
        db_url,
        jobpool,
        tmp_path,
        [
            {"title": "Ingénieur Data H/F", "companyName": "Acme", "location": "Paris, A8, FR", "descriptionText": "a"},
            {"title": "Ingénieur data", "companyName": "Acme", "location": "Paris, France", "descriptionText": "b"},
        ],
    )
    result = jobpool(db_url, "possible-duplicates", "--profile", "alex", "--json")
    assert result.returncode == 0 and result.stderr == ""
    [item] = json.loads(result.stdout)
    assert list(item) == ["job_pool_id", "duplicate_of", "reason", "score"]
    assert item["reason"] == "title spelling" and item["score"] == 1.0
    text = jobpool(db_url, "possible-duplicates", "--profile", "alex")
    assert text.returncode == 0 and item["job_pool_id"] in text.stdout and "title spelling" in text.stdout


def test_empty_board_and_errors(db_url: str, jobpool) -> None:
    jobpool(db_url, "profiles", "add", "alex")
    result = jobpool(db_url, "possible-duplicates", "--profile", "alex", "--json")
    assert (result.returncode, json.loads(result.stdout)) == (0, [])
    assert "No possible duplicates" in jobpool(db_url, "possible-duplicates", "--profile", "alex").stdout
    missing = jobpool(db_url, "possible-duplicates", "--profile", "nobody", "--json")
    assert missing.returncode == 1 and missing.stdout == "" and len(missing.stderr.strip().splitlines()) == 1
    assert "Traceback" not in missing.stderr
    assert jobpool(db_url, "possible-duplicates", "--json").returncode == 2
