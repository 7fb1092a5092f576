"""The embedded server: reachable by its owner only, never signalling other processes, recovering from crashes."""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psutil
import psycopg
import pytest

from db.embedded import embedded_url, stop_embedded
from db.postmaster import postmaster_process
from tests.support.paths import REPO

ROOT = REPO
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="Unix sockets and OS users")


def _long_dir(base: Path) -> Path:
    """A data folder whose socket path would not fit in sun_path (≈115 characters, like some home folders)."""
    path = base / ("very-long-home-folder-name-" * 4)
    path = path / ("x" * max(1, 115 - len(str(path)) - 1))
    assert len(str(path)) >= 112
    return path


@pytest.fixture
def base_dir() -> Iterator[Path]:
    """A scratch folder outside pytest's basetemp; servers started in it are stopped afterwards."""
    path = Path(tempfile.mkdtemp(prefix="jobpool-srv-"))
    yield path
    for pgdata in path.rglob("pgdata"):
        stop_embedded(pgdata.parent)
    shutil.rmtree(path, ignore_errors=True)


def _socket_dir(url: str) -> Path:
    return Path(url.split("host=", 1)[1])


def _as_nobody(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["runuser", "-u", "nobody", "--", *args], capture_output=True, text=True, timeout=60, cwd="/")


def _psql() -> str:
    from db.embedded import _bin_dir

    return str(_bin_dir() / "psql")


needs_root = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0 or not shutil.which("runuser"),
    reason="switching to another OS user needs root and runuser",
)


@needs_root
@pytest.mark.parametrize("long_path", [False, True], ids=["short-path", "long-path"])
def test_another_os_user_cannot_reach_the_server(base_dir: Path, long_path: bool) -> None:
    data_dir = _long_dir(base_dir) if long_path else base_dir / "data"
    url = embedded_url(data_dir)
    socket_dir = _socket_dir(url)
    assert stat.S_IMODE(socket_dir.stat().st_mode) == 0o700
    with psycopg.connect(url.replace("+psycopg", "")) as conn:
        assert conn.execute("SHOW listen_addresses").fetchone() == ("",)
        assert conn.execute("SHOW unix_socket_permissions").fetchone() == ("0700",)
    # Another OS user, as superuser: refused (it cannot even reach the socket).
    attempt = _as_nobody(
        _psql(), "-h", str(socket_dir), "-U", "postgres", "-d", "postgres", "-c", "COPY (SELECT 1) TO PROGRAM 'true'"
    )
    assert attempt.returncode != 0, attempt.stdout
    # Even given a way in, pg_hba lets in only the owner (peer authentication).
    opened = [d for d in (socket_dir, *socket_dir.parents) if not d.stat().st_mode & stat.S_IXOTH]
    modes = {d: stat.S_IMODE(d.stat().st_mode) for d in opened}
    for directory in opened:
        os.chmod(directory, modes[directory] | 0o011)
    os.chmod(socket_dir / ".s.PGSQL.5432", 0o777)
    try:
        peer = _as_nobody(_psql(), "-h", str(socket_dir), "-U", "postgres", "-d", "postgres", "-c", "SELECT 1")
    finally:
        for directory, mode in modes.items():
            os.chmod(directory, mode)
    assert peer.returncode != 0
    assert "authentication failed" in peer.stderr or "no pg_hba.conf entry" in peer.stderr, peer.stderr


def _sleeper(user: str | None = None) -> subprocess.Popen[bytes]:
    command = ["sleep", "1000"]
    if user:
        command = ["runuser", "-u", user, "--", *command]
    return subprocess.Popen(command)


def _sleep_pid(process: subprocess.Popen[bytes]) -> int:
    """The PID of the sleep itself (runuser forks it)."""
    if Path(process.args[0]).name == "sleep":
        return process.pid
    parent = psutil.Process(process.pid)
    for _ in range(2000):
        children = parent.children()
        if children:
            return children[0].pid
        psutil.wait_procs([], timeout=0.005)
    raise AssertionError("no sleep started")


@pytest.mark.parametrize("owner", [None, "nobody"], ids=["same-user", "nobody"])
def test_a_stale_pid_file_naming_another_process_is_recovered_and_that_process_spared(
    base_dir: Path, owner: str | None
) -> None:
    if owner and (os.geteuid() != 0 or not shutil.which("runuser")):
        pytest.skip("needs root and runuser")
    data_dir = base_dir / "data"
    embedded_url(data_dir)
    stop_embedded(data_dir)
    pgdata = data_dir / "pgdata"
    assert postmaster_process(pgdata) is None
    process = _sleeper(owner)
    pid = _sleep_pid(process)
    try:
        started = int(psutil.Process(pid).create_time())
        # What a crash leaves behind, after the PID went to another program.
        (pgdata / "postmaster.pid").write_text(f"{pid}\n{pgdata}\n{started}\n5432\n{pgdata}\n\n  1 2\nready   \n")
        url = embedded_url(data_dir)
        with psycopg.connect(url.replace("+psycopg", "")) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
        assert postmaster_process(pgdata) is not None
        stop_embedded(data_dir)
        assert postmaster_process(pgdata) is None
        assert psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    finally:
        os.kill(pid, signal.SIGKILL)
        process.wait()


def test_the_lock_is_per_data_folder_not_shared_in_tmp(base_dir: Path) -> None:
    """Another user holding the package's shared /tmp lock does not block JobPool."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fasteners, sys, tempfile, os; "
            "lock = fasteners.InterProcessLock(os.path.join(tempfile.gettempdir(), '.lockfile')); lock.acquire(); "
            "print('held', flush=True); sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        data_dir = base_dir / "data"
        embedded_url(data_dir)
        assert (data_dir / ".server.lock").exists()
    finally:
        holder.stdin.close()
        holder.wait(30)


def test_a_killed_process_is_pruned_and_the_last_one_out_stops_the_server(base_dir: Path) -> None:
    data_dir = base_dir / "data"
    killed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, signal, sys; from pathlib import Path; from db.embedded import embedded_url; "
            f"embedded_url(Path({str(data_dir)!r})); os.kill(os.getpid(), signal.SIGKILL)",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    pgdata = data_dir / "pgdata"
    assert postmaster_process(pgdata) is not None  # the dead CLI left the server running
    embedded_url(data_dir)
    stop_embedded(data_dir)
    assert postmaster_process(pgdata) is None  # the dead process's handle did not keep it alive


def test_two_processes_opening_one_fresh_data_folder_at_once_both_succeed(base_dir: Path) -> None:
    env = {**os.environ, "JOBPOOL_DATABASE_URL": "", "QT_QPA_PLATFORM": "offscreen"}
    for attempt in range(4):
        data_dir = base_dir / f"fresh-{attempt}"
        data_dir.mkdir()
        processes = [
            subprocess.Popen(
                [sys.executable, "main.py", "--data-dir", str(data_dir), "profiles", "list"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        results = [(p.wait(180), p.stderr.read()) for p in processes]
        for process in processes:
            process.stdout.close()
            process.stderr.close()
        assert [code for code, _ in results] == [0, 0], [err for _, err in results]
        assert postmaster_process(data_dir / "pgdata") is None  # the last one out stopped the server


def test_two_threads_starting_one_new_server_get_it_once(base_dir: Path) -> None:
    """The window starts the server in one thread while another opens the database; the data folder's file lock
    is held per process, so without a lock of their own both threads ran initdb (or pg_ctl start) and one failed."""
    import threading

    data_dir = base_dir / "data"
    barrier = threading.Barrier(2)
    urls: list[str] = []
    errors: list[BaseException] = []

    def start() -> None:
        barrier.wait()
        try:
            urls.append(embedded_url(data_dir))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert len(urls) == 2 and urls[0] == urls[1]
    assert postmaster_process(data_dir / "pgdata") is not None
