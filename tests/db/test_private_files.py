"""Private files: the data folder, backups, settings and logs are readable by their owner only."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import settings as secrets
from db.embedded import stop_embedded
from tests.support.paths import REPO

pytest_plugins = ("tests.support.migration_fixtures",)

ROOT = REPO
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def data_dir() -> Iterator[Path]:
    """A data folder outside pytest's basetemp, its embedded server stopped afterwards."""
    base = Path(tempfile.mkdtemp(prefix="jobpool-private-"))
    yield base / "data"
    stop_embedded(base / "data")
    shutil.rmtree(base, ignore_errors=True)


def test_a_cli_run_leaves_nothing_readable_by_others_in_the_data_folder(data_dir: Path) -> None:
    result = subprocess.run(
        [sys.executable, "main.py", "--data-dir", str(data_dir), "profiles", "add", "me"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "JOBPOOL_DATABASE_URL": ""},
    )
    assert result.returncode == 0, result.stderr
    assert _mode(data_dir) == 0o700
    assert _mode(data_dir / "pgdata") == 0o700
    assert _mode(data_dir / "pgdata" / "log") == 0o600  # the server's log quotes statements and data
    for path in data_dir.iterdir():
        assert _mode(path) & 0o077 == 0, f"{path.name} is {oct(_mode(path))}"


def test_settings_create_an_owner_only_folder(tmp_path: Path) -> None:
    folder = tmp_path / "fresh"
    secrets.save_backups_kept(2, folder)
    assert _mode(folder) == 0o700
    assert _mode(folder / secrets.SETTINGS_FILE) == 0o600
    assert secrets.load_backups_kept(folder) == 2
    assert secrets.load_backups_kept(tmp_path / "none") == secrets.DEFAULT_BACKUPS_KEPT == 3


def test_backups_are_owner_only(legacy_db, service) -> None:
    path = service.migrate().backup_path
    assert path is not None
    assert _mode(path) == 0o600
    assert _mode(path.parent) == 0o700


def test_a_backup_removes_interrupted_dumps_and_keeps_the_newest_n(legacy_db, service) -> None:
    secrets.save_backups_kept(2, legacy_db.data_dir)
    backups = legacy_db.data_dir / "backups"
    backups.mkdir(parents=True)
    orphan = backups / "jobpool-v1-before-migration-20250101-000000.dump.partial"  # a killed pg_dump's leftover
    orphan.write_bytes(b"x" * 1024)
    older = []
    for n in range(3):
        old = backups / f"jobpool-v1-before-migration-2025010{n + 1}-000000.dump"
        old.write_bytes(b"PGDMP")
        os.utime(old, (1_700_000_000 + n, 1_700_000_000 + n))
        older.append(old)
    unrelated = backups / "notes.txt"
    unrelated.write_text("kept")
    path = service.migrate().backup_path
    assert not orphan.exists()
    assert sorted(p.name for p in backups.glob("*.dump")) == sorted([older[-1].name, path.name])
    assert unrelated.exists()
