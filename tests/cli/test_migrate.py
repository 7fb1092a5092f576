"""`python main.py migrate [--dry-run] [--rollback] [--verify] [--no-backup] [--backup-dir] [--json]`."""

from __future__ import annotations

import json

import pytest

import main
from tests.support.legacy_fixtures import query, snapshot

pytest_plugins = ("tests.support.migration_fixtures",)


def _run(capsys, legacy_db, *args: str) -> tuple[int, str, str]:
    code = main.main(["--db-url", legacy_db.url, "--data-dir", str(legacy_db.data_dir), "migrate", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_dry_run_json_writes_nothing(capsys, legacy_db) -> None:
    before = snapshot(legacy_db.url)
    code, out, _err = _run(capsys, legacy_db, "--dry-run", "--json")
    assert code == 0
    preview = json.loads(out)
    assert (preview["state"], preview["legacy_rows"], preview["pool_jobs"], preview["links"]) == (
        "legacy_v1",
        17,
        11,
        13,
    )
    assert {s["value"] for s in preview["unmapped"]} == {"Maybe later", "🤔 thinking"}
    assert len(preview["merges"]) == 3
    assert snapshot(legacy_db.url) == before


def test_dry_run_text_lists_mappings_and_merges(capsys, legacy_db) -> None:
    code, out, _err = _run(capsys, legacy_db, "--dry-run")
    assert code == 0
    assert "'Phone   Screen' x1 -> interviewing" in out
    assert "'Maybe later' x1 -> recommended   (no mapping: kept visible on the card)" in out
    assert "'Offer', 'rejected'" in out or "'rejected', 'Offer'" in out
    assert "Nothing was written." in out


def test_migrate_json_then_again_then_verify_then_rollback(capsys, legacy_db) -> None:
    before = snapshot(legacy_db.url)
    code, out, err = _run(capsys, legacy_db, "--json")
    assert code == 0, err
    report = json.loads(out)
    assert (report["already_migrated"], report["legacy_rows"], report["links"]) == (False, 17, 13)
    assert report["verification"]["ok"] and report["verification"]["accounted_rows"] == 17
    assert report["backup_path"].startswith(str(legacy_db.data_dir / "backups"))
    assert err == ""  # --json: no progress lines

    code, out, _err = _run(capsys, legacy_db)
    assert (code, out.strip()) == (0, "Already migrated: nothing was changed.")

    code, out, _err = _run(capsys, legacy_db, "--verify")
    assert code == 0 and out.startswith("Verified: all 17 legacy jobs are accounted for")

    code, out, err = _run(capsys, legacy_db, "--rollback", "--no-backup", "--json")
    assert code == 0, err
    assert json.loads(out)["restored_rows"] == 17
    assert snapshot(legacy_db.url) == before


def test_migrate_text_reports_progress_and_unmapped_values(capsys, legacy_db, tmp_path) -> None:
    code, out, err = _run(capsys, legacy_db, "--backup-dir", str(tmp_path / "bk"))
    assert code == 0
    assert "[0/9] Waiting for other JobPool instances" in err
    assert "Migrated 17 legacy jobs of 7 profiles" in out
    assert "status 'Maybe later' x1 had no mapping" in out
    assert str(tmp_path / "bk") in out


def test_failed_backup_is_a_one_line_user_error(capsys, legacy_db, tmp_path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, out, err = _run(capsys, legacy_db, "--backup-dir", str(blocker))
    assert code == 1 and out == ""
    assert err.splitlines()[-1].startswith("jobpool: The backup failed: cannot create")  # after the progress lines
    assert "Traceback" not in err
    assert query(legacy_db.url, "SELECT count(*) AS n FROM job")[0]["n"] == 17


def test_dry_run_and_rollback_together_is_a_usage_error(capsys, legacy_db) -> None:
    with pytest.raises(SystemExit) as exit_info:
        _run(capsys, legacy_db, "--dry-run", "--rollback")
    assert exit_info.value.code == 2


def test_migrate_on_a_current_database_says_there_is_nothing_to_do(capsys, db_url, tmp_path) -> None:
    code = main.main(["--db-url", db_url, "--data-dir", str(tmp_path), "migrate", "--json"])
    out, _err = capsys.readouterr()
    assert code == 0
    assert json.loads(out)["state"] == "current"
