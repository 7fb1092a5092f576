"""A second PostgreSQL for the team tests: the embedded server's binaries, on 127.0.0.1, passwords (SCRAM).

It runs as the `pgserver` OS account when the tests run as root (PostgreSQL refuses root), like the embedded
server (db/embedded.py). The superuser `postgres` has a random password; pg_hba accepts only scram-sha-256.
Those binaries are built without OpenSSL, so this server offers no TLS (the tests check that sslmode=require is
passed through and refused, not silently downgraded).
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import tempfile
from dataclasses import dataclass
from pathlib import Path

from db.embedded import _bin_dir, _run, _service_account


@dataclass
class TeamServer:
    """A running server: where it listens and how the superuser logs in."""

    root: Path
    port: int
    password: str

    def url(self, database: str = "postgres", user: str = "postgres", password: str | None = None) -> str:
        """A URL over TCP; with the superuser's password unless another user is named."""
        secret = self.password if user == "postgres" and password is None else password
        auth = f"{user}:{secret}" if secret else user
        return f"postgresql+psycopg://{auth}@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        """Stop the server and remove its files."""
        account = _service_account()
        _run([str(_bin_dir() / "pg_ctl"), "-w", "-s", "-D", str(self.root / "pgdata"), "stop", "-m", "fast"], account)
        shutil.rmtree(self.root, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_team_server() -> TeamServer:
    """initdb with SCRAM for local and TCP connections, a self-signed certificate, then pg_ctl start."""
    account = _service_account()
    root = Path(tempfile.mkdtemp(prefix="jpteam-"))
    pgdata = root / "pgdata"
    password = secrets.token_urlsafe(16)
    pwfile = root / "pw"
    pwfile.write_text(password + "\n")
    if account is not None:
        for path in (root, pwfile):
            os.chown(path, account.pw_uid, account.pw_gid)
    os.chmod(root, 0o700)
    bin_dir = _bin_dir()
    _run(
        [
            str(bin_dir / "initdb"),
            "-U",
            "postgres",
            "--auth-local=scram-sha-256",
            "--auth-host=scram-sha-256",
            f"--pwfile={pwfile}",
            "--encoding=utf8",
            "-D",
            str(pgdata),
        ],
        account,
    )
    pwfile.unlink()
    port = _free_port()
    (pgdata / "postgresql.auto.conf").write_text(
        f"listen_addresses = '127.0.0.1'\nport = {port}\nunix_socket_directories = '{root}'\n"
        "password_encryption = 'scram-sha-256'\nmax_connections = 60\n"
    )
    (pgdata / "pg_hba.conf").write_text("local all all scram-sha-256\nhost all all 127.0.0.1/32 scram-sha-256\n")
    for name in ("postgresql.auto.conf", "pg_hba.conf"):
        if account is not None:
            os.chown(pgdata / name, account.pw_uid, account.pw_gid)
        os.chmod(pgdata / name, 0o600)
    _run(
        [str(bin_dir / "pg_ctl"), "-w", "-t", "60", "-s", "-D", str(pgdata), "-l", str(root / "log"), "start"],
        account,
        timeout=90,
    )
    return TeamServer(root=root, port=port, password=password)
