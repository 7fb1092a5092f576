"""Backups, failures and interruptions: whatever happens, the v1 data is either migrated or exactly as before."""

from __future__ import annotations

import os
import re
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from app.errors import WriteFailed
from app.migration.backup import find_pg_dump
from app.migration.service import PAUSE_ENV, MigrationService
from db.schema import SchemaState
from tests.conftest import create_database, drop_database
from tests.support.legacy_fixtures import libpq_url, query, snapshot
from tests.support.paths import REPO

pytest_plugins = ("tests.support.migration_fixtures",)


MIGRATE_SCRIPT = """
import sys
from app.database import open_database
from app.migration.service import MigrationService
database = open_database(sys.argv[1], sys.argv[2], upgrade=False)
try:
    service = MigrationService(database)
    report = service.rollback(backup=False) if sys.argv[3] == "rollback" else service.migrate(backup=False)
    print(report.message, flush=True)
finally:
    database.close()
"""


def _start_migration(url: str, data_dir: Path, pause_at: str, action: str = "migrate") -> subprocess.Popen:
    env = {**os.environ, PAUSE_ENV: pause_at, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-c", MIGRATE_SCRIPT, url, str(data_dir), action],
        cwd=REPO,
        env=env,
        text=True,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _kill(process: subprocess.Popen) -> None:
    os.kill(process.pid, signal.SIGKILL)
    assert process.wait(timeout=60) == -signal.SIGKILL


def _wait_for_pause(process: subprocess.Popen, phase: str, timeout: float = 120) -> None:
    """Read the child's stderr until it says it paused inside the transaction (or fail with what it said)."""
    marker = f"jobpool-migration-paused:{phase}"
    said: list[str] = []
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as selector:
        selector.register(process.stderr, selectors.EVENT_READ)
        while time.monotonic() < deadline:
            if not selector.select(timeout=deadline - time.monotonic()):
                break
            line = process.stderr.readline()
            if not line:
                break
            said.append(line)
            if line.strip() == marker:
                return
    process.kill()
    pytest.fail(f"the migration never paused at {phase}: {''.join(said)}")


@pytest.fixture
def restore_db(pg_server_url: str):
    """An empty database to restore a backup into."""
    url = create_database(pg_server_url)
    yield url
    drop_database(pg_server_url, url)


def test_backup_is_taken_first_and_restores_the_v1_database(legacy_db, service, restore_db) -> None:
    before = snapshot(legacy_db.url)
    report = service.migrate()
    path = report.backup_path
    assert path is not None and path.parent == legacy_db.data_dir / "backups"
    assert re.fullmatch(r"jobpool-v1-before-migration-\d{8}-\d{6}\.dump", path.name)
    assert path.stat().st_size > 0
    assert str(path) in report.message
    pg_restore = find_pg_dump(tool="pg_restore")
    subprocess.run(
        [str(pg_restore), "--no-owner", f"--dbname={libpq_url(restore_db)}", str(path)], check=True, capture_output=True
    )
    assert snapshot(restore_db) == before


def test_backup_dir_option_and_no_backup(legacy_db, service, tmp_path) -> None:
    elsewhere = tmp_path / "elsewhere" / "nested"
    report = service.migrate(backup_dir=elsewhere)
    assert report.backup_path is not None and report.backup_path.parent == elsewhere
    service.rollback(backup=False)
    assert service.migrate(backup=False).backup_path is None
    assert not (legacy_db.data_dir / "backups").exists()


def test_a_failed_backup_stops_the_migration(legacy_db, service, database, tmp_path) -> None:
    before = snapshot(legacy_db.url)
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("in the way")
    with pytest.raises(WriteFailed, match="backup failed"):
        service.migrate(backup_dir=not_a_folder)
    assert snapshot(legacy_db.url) == before
    assert database.state is SchemaState.LEGACY_V1


def test_a_backup_that_cannot_read_a_locked_table_stops_the_migration(legacy_db, database) -> None:
    before = snapshot(legacy_db.url)
    with psycopg.connect(libpq_url(legacy_db.url)) as other:  # a program holding a table for itself
        other.execute("LOCK TABLE tailored_resume IN ACCESS EXCLUSIVE MODE")
        with pytest.raises(WriteFailed, match=r"backup failed: another program keeps a table locked"):
            MigrationService(database, lock_timeout_ms=300).migrate()
        other.rollback()
    assert snapshot(legacy_db.url) == before


def test_a_v1_app_still_using_the_tables_makes_the_migration_wait_then_give_up(legacy_db, database) -> None:
    before = snapshot(legacy_db.url)
    with psycopg.connect(libpq_url(legacy_db.url)) as old_app:
        old_app.execute("SELECT id FROM job LIMIT 1 FOR UPDATE")  # an open transaction of the old version
        with pytest.raises(WriteFailed, match="busy"):
            MigrationService(database, lock_timeout_ms=300).migrate(backup=False)
        old_app.rollback()
    assert snapshot(legacy_db.url) == before
    assert MigrationService(database).migrate(backup=False).verification.ok


@pytest.mark.parametrize("phase", ["links", "commit"])
def test_a_migration_killed_half_way_leaves_the_database_exactly_as_before(legacy_db, phase) -> None:
    before = snapshot(legacy_db.url)
    process = _start_migration(legacy_db.url, legacy_db.data_dir, phase)
    try:
        _wait_for_pause(process, phase)
        assert query(legacy_db.url, "SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory'")[0]["n"] == 1
        _kill(process)
    finally:
        process.kill()
        process.communicate()
    assert snapshot(legacy_db.url) == before
    database = legacy_db.open()
    try:
        assert database.state is SchemaState.LEGACY_V1
        assert MigrationService(database).migrate(backup=False).verification.ok
    finally:
        database.close()


def test_a_rollback_killed_half_way_leaves_the_migrated_database_as_it_was(legacy_db, service) -> None:
    service.migrate(backup=False)
    migrated = snapshot(legacy_db.url)
    process = _start_migration(legacy_db.url, legacy_db.data_dir, "commit", "rollback")
    try:
        _wait_for_pause(process, "commit")  # job is back and the v2 tables are gone, inside the transaction
        _kill(process)
    finally:
        process.kill()
        process.communicate()
    assert snapshot(legacy_db.url) == migrated
    assert service.verify().ok


def test_two_instances_cannot_migrate_at_once(legacy_db, database) -> None:
    process = _start_migration(legacy_db.url, legacy_db.data_dir, "pool")
    try:
        _wait_for_pause(process, "pool")
        impatient = MigrationService(database, lock_timeout_ms=300)
        with pytest.raises(WriteFailed, match="Another JobPool is migrating"):
            impatient.migrate(backup=False)
        with pytest.raises(WriteFailed, match="busy"):
            impatient.preview()  # the tables are locked until the other instance finishes
        out, err = process.communicate("go on\n", timeout=120)
        assert process.returncode == 0, err
        assert out.startswith("Migrated 17 legacy jobs")
    finally:
        process.kill()
    second = MigrationService(database).migrate()
    assert second.already_migrated
    assert MigrationService(database).verify().ok
