"""A full disk: JobPool opens read-only with a clear message; reads work and writes are refused in one line."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from db.embedded import stop_embedded
from tests.support.paths import DATASETS, REPO

ROOT = REPO
FIXTURES = DATASETS


@pytest.fixture
def tiny_disk() -> Iterator[Path]:
    """A real, small file system (a tmpfs mounted for the test) that the test can fill up."""
    if sys.platform == "win32" or os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a tmpfs needs root")
    mount_point = Path(tempfile.mkdtemp(prefix="jobpool-disk-"))
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=160m,mode=0755", "tmpfs", str(mount_point)], capture_output=True, text=True
    )
    if mounted.returncode != 0:
        mount_point.rmdir()
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield mount_point
    finally:
        (mount_point / "filler").unlink(missing_ok=True)
        stop_embedded(mount_point / "data")
        subprocess.run(["umount", "-l", str(mount_point)], check=False)
        mount_point.rmdir()


def _jobpool(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "JOBPOOL_DATABASE_URL": ""}
    return subprocess.run(
        [sys.executable, "main.py", "--data-dir", str(data_dir), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def _fill(disk: Path) -> None:
    chunk = b"\0" * (1 << 20)
    with open(disk / "filler", "wb", buffering=0) as handle:
        try:
            while True:
                handle.write(chunk)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    with pytest.raises(OSError, match="No space left"), open(disk / "probe", "wb", buffering=0) as probe:
        probe.write(b"x" * 8192)


def test_a_full_disk_opens_read_only_reads_work_and_writes_are_refused(tiny_disk: Path, monkeypatch) -> None:
    from db.embedded import start_embedded

    data_dir = tiny_disk / "data"
    start_embedded(data_dir)  # this process plays the window that keeps the server running
    assert _jobpool(data_dir, "profiles", "add", "me").returncode == 0
    ingest = _jobpool(data_dir, "ingest", "--profile", "me", "--file", str(FIXTURES / "linkedin_curious.json"))
    assert ingest.returncode == 0, ingest.stderr
    _fill(tiny_disk)

    board = _jobpool(data_dir, "board", "--profile", "me", "--json")
    assert board.returncode == 0, board.stderr
    assert len(json.loads(board.stdout)) > 0
    assert "Disk full" in board.stderr and "read-only" in board.stderr
    assert "choose another" not in board.stderr.lower()

    listed = _jobpool(data_dir, "profiles", "list")
    assert listed.returncode == 0, listed.stderr
    assert "me" in listed.stdout

    refused = _jobpool(data_dir, "profiles", "add", "other")
    assert refused.returncode == 1
    assert "Traceback" not in refused.stderr
    assert refused.stderr.splitlines()[-1].startswith("jobpool: not saved: Disk full")
    (tiny_disk / "filler").unlink()
    assert "other" not in _jobpool(data_dir, "profiles", "list").stdout


def test_the_window_on_a_full_disk_shows_the_board_with_a_read_only_banner(
    tiny_disk: Path, qtbot, qapp, tmp_path
) -> None:
    from app.context import open_context
    from db.embedded import start_embedded
    from tests.ui.helpers import ScriptedPrompts, qasync_running
    from ui.shell.main_window import MainWindow
    from ui.support.window_state import AppSettings

    data_dir = tiny_disk / "data"
    start_embedded(data_dir)  # another JobPool keeps the server running
    assert _jobpool(data_dir, "profiles", "add", "me").returncode == 0
    _fill(tiny_disk)
    ctx = open_context(data_dir=data_dir)
    try:
        with qasync_running(qapp):
            assert ctx.database.read_only
            window = MainWindow(ctx, settings=AppSettings(tmp_path / "settings.ini"), prompts=ScriptedPrompts())
            qtbot.addWidget(window)
            window.show()
            qtbot.waitUntil(lambda: window.read_only_banner.isVisible())
            assert window.read_only_banner.text().startswith("Disk full")
            assert "read-only" in window.read_only_banner.text()
            qtbot.waitUntil(lambda: [p.name for p in window.profiles] == ["me"])
            window.close()
    finally:
        ctx.close()
