"""Where the database lives: an explicit URL, or the embedded server in the data directory."""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from pathlib import Path

DATA_DIR_ENV = "JOBPOOL_DATA_DIR"
DATABASE_URL_ENV = "JOBPOOL_DATABASE_URL"


@dataclass(frozen=True)
class DatabaseLocation:
    """The resolved database: its URL and whether JobPool runs the server itself."""

    url: str
    embedded: bool
    data_dir: Path
    read_only_reason: str | None = None  # set when the data folder cannot be written (disk full, read-only)


def default_data_dir() -> Path:
    """JOBPOOL_DATA_DIR, else the platform's per-user data directory."""
    configured = os.environ.get(DATA_DIR_ENV)
    if configured:
        return Path(configured).expanduser()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import platformdirs

        return Path(platformdirs.user_data_dir("jobpool", appauthor=False))


def resolve_location(db_url: str | None = None, data_dir: str | Path | None = None) -> DatabaseLocation:
    """--db-url, then JOBPOOL_DATABASE_URL, then the embedded server (started on demand)."""
    directory = Path(data_dir).expanduser() if data_dir else default_data_dir()
    url = db_url or os.environ.get(DATABASE_URL_ENV)
    if url:
        return DatabaseLocation(url=url, embedded=False, data_dir=directory)
    from db.embedded import read_only_reason, start_embedded

    url, read_only = start_embedded(directory)
    reason = read_only_reason(directory) if read_only else None
    return DatabaseLocation(url=url, embedded=True, data_dir=directory, read_only_reason=reason)
