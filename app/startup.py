"""Starting the embedded database server early: the window's start runs it beside the loading of the services.

Starting PostgreSQL is mostly waiting for its processes, so a thread does it while the GUI thread imports. This
module loads nothing heavy (no SQLAlchemy), so it can run right after the splash is painted.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from db.location import resolve_location

log = logging.getLogger(__name__)


def start_server_in_background(db_url: str | None = None, data_dir: str | Path | None = None) -> threading.Thread:
    """Start (or join) the embedded server of the data folder in a thread; nothing happens for a database URL.

    The opening of the database that follows finds the server running, or, when it could not start, meets the
    same failure and says why (a failure here is only logged).
    """

    def start() -> None:
        try:
            resolve_location(db_url, data_dir)
        except Exception as exc:  # the opening reports it
            log.debug("the embedded server did not start early: %s", exc)

    thread = threading.Thread(target=start, name="jobpool-server", daemon=True)
    thread.start()
    return thread
