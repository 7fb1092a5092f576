"""Which processes are this data folder's PostgreSQL, and which JobPool processes still use it.

Nothing here signals a process that is not proved to be the postmaster of our pgdata: a postmaster.pid left by a
crash often names a PID that now belongs to something else (after a reboot, PIDs are handed out again).
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import psutil

log = logging.getLogger(__name__)

PID_FILE = "postmaster.pid"
# The postmaster writes its pid file within moments of starting; a process created much earlier is someone else.
_START_SLACK_S = 5.0


def read_pid_file(pgdata: Path) -> tuple[int, float | None] | None:
    """The PID and start time (epoch seconds) in pgdata/postmaster.pid, or None when it is absent or unreadable."""
    try:
        lines = (pgdata / PID_FILE).read_text().splitlines()
        pid = int(lines[0].strip())
    except (OSError, ValueError, IndexError):
        return None
    try:
        started = float(lines[2].strip())
    except (ValueError, IndexError):
        started = None
    return pid, started


def _same_path(a: str, b: Path) -> bool:
    try:
        return Path(a).resolve() == b.resolve()
    except OSError:
        return False


def postmaster_process(pgdata: Path) -> psutil.Process | None:
    """The running postmaster of pgdata, or None: its pid file must name a `postgres -D <pgdata>` process."""
    found = read_pid_file(pgdata)
    if found is None:
        return None
    pid, started = found
    try:
        process = psutil.Process(pid)
        cmdline = process.cmdline()
        created = process.create_time()
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return None
    if not cmdline or Path(cmdline[0]).name != "postgres" or "-D" not in cmdline[:-1]:
        return None
    if not _same_path(cmdline[cmdline.index("-D") + 1], pgdata):
        return None
    if started is not None and abs(created - started) > _START_SLACK_S:
        return None
    return process


def remove_stale_pid_file(pgdata: Path) -> bool:
    """Remove postmaster.pid when no postmaster of pgdata runs (its PID is gone or is another program)."""
    if read_pid_file(pgdata) is None and not (pgdata / PID_FILE).exists():
        return False
    if postmaster_process(pgdata) is not None:
        return False
    log.warning("removing the stale %s in %s: its process is not this folder's PostgreSQL", PID_FILE, pgdata)
    (pgdata / PID_FILE).unlink(missing_ok=True)
    return True


class HandleList:
    """The JobPool processes using the server (PID and start time), in a JSON file; dead entries are pruned."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _read(self) -> list[tuple[int, float]]:
        try:
            raw = json.loads(self.path.read_text() or "[]")
        except (OSError, ValueError):
            return []
        entries: list[tuple[int, float]] = []
        for item in raw if isinstance(raw, list) else []:
            if isinstance(item, list) and len(item) == 2:
                entries.append((int(item[0]), float(item[1])))
            elif isinstance(item, int):  # the older format: PIDs only
                entries.append((item, 0.0))
        return entries

    def _write(self, entries: list[tuple[int, float]]) -> None:
        temp = self.path.with_name(self.path.name + ".tmp")
        temp.write_text(json.dumps([list(e) for e in entries]))
        os.replace(temp, self.path)

    @staticmethod
    def _alive(pid: int, created: float) -> bool:
        try:
            process = psutil.Process(pid)
            same = not created or abs(process.create_time() - created) < 1
            return same and process.status() != psutil.STATUS_ZOMBIE
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            return False

    def live(self) -> list[tuple[int, float]]:
        """The entries whose processes still run (the file is rewritten without the dead ones)."""
        entries = self._read()
        alive = [e for e in entries if self._alive(*e)]
        if alive != entries:
            log.info(
                "pruned dead JobPool processes from the server's handles: %s",
                [pid for pid, _ in entries if (pid, _) not in alive],
            )
            self._write(alive)
        return alive

    def add(self, pid: int) -> None:
        """Record a process as a user of the server."""
        entries = [e for e in self.live() if e[0] != pid]
        entries.append((pid, psutil.Process(pid).create_time()))
        self._write(entries)

    def remove(self, pid: int) -> list[int]:
        """Forget a process; returns the PIDs of the processes still using the server."""
        entries = [e for e in self.live() if e[0] != pid]
        self._write(entries)
        return [e[0] for e in entries]
