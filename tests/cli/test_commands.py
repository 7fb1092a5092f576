"""The headless commands as a user runs them: JSON on stdout, exit codes, one-line errors.

Most run main.main in this process (the `jobpool` fixture); a smoke test and the broken-pipe test start real
processes.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.paths import REPO
from tests.support.synthetic import linkedin_items

ROOT = REPO


@pytest.fixture
def export_file(tmp_path: Path) -> Path:
    path = tmp_path / "export.json"
    items = [*linkedin_items(0, 40), {"title": "No company here"}, linkedin_items(0, 1)[0]]
    path.write_text(json.dumps(items))
    return path


def test_round_trip(db_url: str, export_file: Path, jobpool) -> None:
    assert jobpool(db_url, "profiles", "add", "me").returncode == 0
    assert jobpool(db_url, "profiles", "add", "partner").returncode == 0

    first = jobpool(db_url, "ingest", "--profile", "me", "--file", str(export_file), "--json")
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert report["fetched"] == 42
    assert report["pool_inserts"] == 40 and report["pool_hits"] == 0
    assert report["links_created"] == 40 and report["links_existing"] == 0
    assert [r["reason"] for r in report["rejected"]] == ["no company"]
    assert report["seconds"] >= 0

    second = json.loads(jobpool(db_url, "ingest", "--profile", "partner", "--file", str(export_file), "--json").stdout)
    assert (second["pool_inserts"], second["pool_hits"], second["links_created"]) == (0, 40, 40)

    board = jobpool(db_url, "board", "--profile", "me", "--json")
    assert board.returncode == 0
    cards = json.loads(board.stdout)
    assert len(cards) == 40
    required = {
        "user_job_id",
        "job_pool_id",
        "title",
        "company",
        "location",
        "status",
        "position",
        "match_score",
        "gap_analysis",
        "notes",
        "url",
        "source",
    }
    assert required <= set(cards[0])

    target = cards[0]["job_pool_id"]
    moved = jobpool(db_url, "move", "--profile", "me", target, "interviewing")
    assert moved.returncode == 0, moved.stderr
    column = json.loads(jobpool(db_url, "board", "--profile", "me", "--status", "interviewing", "--json").stdout)
    assert [c["job_pool_id"] for c in column] == [target]
    partner = json.loads(jobpool(db_url, "board", "--profile", "partner", "--status", "interviewing", "--json").stdout)
    assert partner == []

    listing = json.loads(jobpool(db_url, "profiles", "list", "--json").stdout)
    assert {p["name"]: p["cards"] for p in listing} == {"me": 40, "partner": 40}

    assert jobpool(db_url, "profiles", "rename", "partner", "Sam").returncode == 0
    removed = jobpool(db_url, "profiles", "remove", "Sam")
    assert removed.returncode == 0 and "pool keeps" in removed.stdout


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("board", "--profile", "ghost"), 1, "No profile named"),
        (("move", "--profile", "me", "not-a-uuid", "applied"), 1, "not a job pool id"),
        (("move", "--profile", "me", "00000000-0000-0000-0000-000000000000", "applied"), 1, "has no card"),
        (("board", "--profile", "me", "--status", "hired"), 1, "Unknown status"),
        (("ingest", "--profile", "me"), 1, "Give either --file"),
        (("ingest", "--profile", "me", "--file", "/nonexistent/export.json"), 1, ""),
        (("profiles", "add", "me"), 1, "exists already"),
        (("frobnicate",), 2, "invalid choice"),
        (("board",), 2, "--profile"),
    ],
)
def test_errors_are_one_line_without_traceback(db_url: str, args, code: int, message: str, jobpool) -> None:
    jobpool(db_url, "profiles", "add", "me")
    result = jobpool(db_url, *args)
    assert result.returncode == code
    assert "Traceback" not in result.stderr
    assert message in result.stderr
    assert result.stdout == ""


def test_unreachable_database_is_one_clear_line() -> None:
    result = subprocess.run(
        [sys.executable, "main.py", "--db-url", "postgresql://nobody@127.0.0.1:9/none", "profiles", "list"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "Cannot connect" in result.stderr


def test_unwritable_data_dir_is_one_clear_line(tmp_path: Path, capsys, monkeypatch) -> None:
    import main

    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("JOBPOOL_DATABASE_URL", "")
    assert main.main(["--data-dir", str(blocker / "sub"), "profiles", "list"]) == 1
    stderr = capsys.readouterr().err
    assert "not writable" in stderr and "Traceback" not in stderr


def test_a_reader_that_stops_early_gets_no_traceback(db_url: str, tmp_path: Path, jobpool) -> None:
    export = tmp_path / "many.json"
    export.write_text(json.dumps(linkedin_items(0, 400)))  # a board larger than the pipe's buffer
    assert jobpool(db_url, "profiles", "add", "me").returncode == 0
    assert jobpool(db_url, "ingest", "--profile", "me", "--file", str(export)).returncode == 0
    # `board | head -1`: the reader closes the pipe after one line, while the board is still being written.
    board = subprocess.Popen(
        [sys.executable, "main.py", "--db-url", db_url, "board", "--profile", "me", "--json"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        bufsize=1,
    )
    assert board.stdout is not None and board.stdout.readline()
    board.stdout.close()
    _, stderr = board.communicate(timeout=120)
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr, stderr
    assert board.returncode == 0


def test_a_command_loads_no_qt(db_url: str) -> None:
    """The command line runs headless: a command imports no Qt module and makes no QApplication."""
    probe = (
        "import sys, main\n"
        f"code = main.main(['--db-url', {db_url!r}, 'profiles', 'list'])\n"
        "print(code, sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'ui')))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "0 []"
