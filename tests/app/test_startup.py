"""Starting the embedded server early, beside the loading of the window's modules."""

from __future__ import annotations

import logging
from pathlib import Path

from app.context import open_context
from app.startup import start_server_in_background
from db.embedded import stop_embedded
from db.postmaster import postmaster_process


def test_the_server_started_early_is_the_one_the_opening_joins(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    start_server_in_background(data_dir=data_dir).join(timeout=120)
    try:
        postmaster = postmaster_process(data_dir / "pgdata")
        assert postmaster is not None
        ctx = open_context(data_dir=data_dir)
        try:
            assert ctx.database.location.embedded
            assert postmaster_process(data_dir / "pgdata").pid == postmaster.pid  # joined, not started again
        finally:
            ctx.close()
    finally:
        stop_embedded(data_dir)


def test_a_server_that_cannot_start_early_is_only_logged(tmp_path: Path, caplog) -> None:
    """The opening that follows meets the same failure and tells the user; the early start says nothing."""
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    with caplog.at_level(logging.DEBUG, logger="app.startup"):
        start_server_in_background(data_dir=blocked / "data").join(timeout=60)
    assert "did not start early" in caplog.text
