"""Runs cut short: a killed ingest process, a database server that dies mid-ingest, and what the next start does."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from app.context import open_context
from tests.support.paths import REPO
from tests.support.synthetic import linkedin_item

ROOT = REPO
ITEMS = 40_000


@pytest.fixture(scope="module")
def big_export() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="jobpool-recovery-"))
    path = folder / "big.json"
    path.write_text(json.dumps([linkedin_item(i, description_words=10) for i in range(ITEMS)]))
    yield path
    shutil.rmtree(folder, ignore_errors=True)


def _cli(db_url: str, *args: str, **kw) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "main.py", "--db-url", db_url, *args],
        cwd=ROOT,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        **kw,
    )


def _wait_until(condition, process: subprocess.Popen, timeout: float = 120.0) -> None:
    """Poll a condition (a database query) until it holds; fail if the process ends first."""
    end = time.monotonic() + timeout
    while not condition():
        if process.poll() is not None:
            pytest.fail(f"the ingest ended before the condition held: {process.stderr.read()[-2000:]}")
        if time.monotonic() > end:
            pytest.fail("condition not reached in time")


def _query(engine, sql: str, **params):
    with engine.connect() as conn:
        return conn.execute(text(sql), params).first()


def test_killed_ingest_is_marked_interrupted_with_its_real_counts(
    db_url: str, big_export: Path, tmp_path: Path
) -> None:
    engine = create_engine(db_url)
    try:
        subprocess.run(
            [sys.executable, "main.py", "--db-url", db_url, "profiles", "add", "me"],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        ingest = _cli(db_url, "ingest", "--profile", "me", "--file", str(big_export), "--json")
        _wait_until(lambda: _query(engine, "SELECT count(*) FROM ingestion_run_job")[0] > 0, ingest)
        ingest.send_signal(signal.SIGKILL)
        ingest.communicate(timeout=60)

        status, fetched, created = _query(engine, "SELECT status, fetched, links_created FROM ingestion_run")
        stored = _query(engine, "SELECT count(*) FROM ingestion_run_job")[0]
        assert status == "running"
        assert 0 < stored < ITEMS
        assert fetched == created == stored  # the counts committed with each chunk

        ctx = open_context(db_url=db_url, data_dir=tmp_path / "next-start")  # the next start, window or CLI
        ctx.close()
        status, fetched, created, error = _query(
            engine, "SELECT status, fetched, links_created, error FROM ingestion_run"
        )
        assert (status, fetched, created) == ("interrupted", stored, stored)
        assert "Interrupted" in error and "finished_at IS NULL" not in error
        assert _query(engine, "SELECT count(*) FROM user_job")[0] == stored
        assert _query(engine, "SELECT count(*) FROM job_pool WHERE embedding IS NULL")[0] > 0

        # The next CLI ingest embeds what the killed one left without an embedding, not only its own rows.
        small = tmp_path / "small.json"
        small.write_text(json.dumps([linkedin_item(ITEMS + 1)]))
        result = subprocess.run(
            [
                sys.executable,
                "main.py",
                "--db-url",
                db_url,
                "ingest",
                "--profile",
                "me",
                "--file",
                str(small),
                "--json",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr
        assert _query(engine, "SELECT count(*) FROM job_pool WHERE embedding IS NULL")[0] == 0
    finally:
        engine.dispose()


def test_ctrl_c_marks_the_run_interrupted_at_once(db_url: str, big_export: Path) -> None:
    engine = create_engine(db_url)
    try:
        subprocess.run(
            [sys.executable, "main.py", "--db-url", db_url, "profiles", "add", "me"],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        ingest = _cli(db_url, "ingest", "--profile", "me", "--file", str(big_export), "--json")
        _wait_until(lambda: _query(engine, "SELECT count(*) FROM ingestion_run_job")[0] > 0, ingest)
        ingest.send_signal(signal.SIGINT)
        _stdout, stderr = ingest.communicate(timeout=120)

        assert ingest.returncode == 130, stderr
        assert stderr.strip() == "jobpool: interrupted"
        status, fetched = _query(engine, "SELECT status, fetched FROM ingestion_run")
        stored = _query(engine, "SELECT count(*) FROM ingestion_run_job")[0]
        assert (status, fetched) == ("interrupted", stored)
    finally:
        engine.dispose()


def test_a_ctrl_c_amid_a_statement_ends_the_run_interrupted_not_failed(ctx) -> None:
    """A Ctrl-C that lands while psycopg runs a statement leaves the connection busy; ending the transaction then
    fails ("can't change 'autocommit' now"), and that error replaces the KeyboardInterrupt. The run still ends
    interrupted, and the interrupt is what comes out."""
    import psycopg
    from sqlalchemy.exc import ProgrammingError

    from app.errors import cut_by_interrupt

    ctx.profiles.add("me")

    def pages():
        yield [linkedin_item(i) for i in range(3)]
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt:
            busy = psycopg.ProgrammingError("can't change 'autocommit' now: connection in transaction status ACTIVE")
            raise ProgrammingError("ROLLBACK", {}, busy) from None

    with pytest.raises(KeyboardInterrupt):
        ctx.ingestion.run("me", pages(), source="file")
    with ctx.database.sessions() as session:
        assert session.execute(text("SELECT status FROM ingestion_run")).scalar_one() == "interrupted"

    try:
        raise KeyboardInterrupt
    except KeyboardInterrupt:
        try:
            raise ValueError("after")
        except ValueError as after:
            assert cut_by_interrupt(after)
    assert not cut_by_interrupt(ValueError("alone"))


def test_a_ctrl_c_cut_into_a_connection_reset_is_not_logged_as_an_error() -> None:
    """Ctrl-C can land while SQLAlchemy's pool rolls a returned connection back; the pool then logs the interrupt
    with a traceback. The command's own one line is all the user should see."""
    code = (
        "import logging, main\n"
        "main._configure_logging(False)\n"
        "try:\n"
        "    raise KeyboardInterrupt\n"
        "except KeyboardInterrupt:\n"
        "    logging.getLogger('sqlalchemy.pool.impl.QueuePool').error('Exception during reset', exc_info=True)\n"
        "try:\n"
        "    try:\n"
        "        raise KeyboardInterrupt\n"
        "    except KeyboardInterrupt:\n"
        "        raise RuntimeError('cannot roll back')\n"
        "except RuntimeError:\n"
        "    logging.getLogger('sqlalchemy.pool.impl.QueuePool').error('Exception during reset', exc_info=True)\n"
        "logging.getLogger('app').warning('a real warning')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert "KeyboardInterrupt" not in result.stderr and "Exception during reset" not in result.stderr
    assert "a real warning" in result.stderr


def test_a_run_whose_process_is_alive_is_left_running(ctx, db_url: str, tmp_path: Path) -> None:
    ctx.profiles.add("Ana")
    user_id = ctx.profiles.get("Ana").id
    run_id = ctx.ingestion.begin_run(user_id, "test", None, None)
    other = open_context(db_url=db_url, data_dir=tmp_path / "second-instance")
    try:
        assert other.ingestion.recover_interrupted_runs() == 0
    finally:
        other.close()
    status = _query(ctx.database.engine, "SELECT status FROM ingestion_run WHERE id = :id", id=run_id)[0]
    assert status == "running"


def test_database_server_dying_mid_ingest_is_one_line_and_exit_1(big_export: Path, tmp_path: Path) -> None:
    from db.embedded import embedded_url, stop_embedded

    # Not under pytest's basetemp: a concurrent pytest run prunes old basetemps, server files included.
    data_dir = Path(tempfile.mkdtemp(prefix="jobpool-throwaway-"))
    url = embedded_url(data_dir)
    try:
        ctx = open_context(db_url=url, data_dir=tmp_path / "settings")
        ctx.profiles.add("me")
        ctx.close()
        engine = create_engine(url)
        ingest = _cli(url, "ingest", "--profile", "me", "--file", str(big_export), "--json")
        _wait_until(lambda: _query(engine, "SELECT count(*) FROM ingestion_run_job")[0] > 0, ingest)
        engine.dispose()
        postmaster = int((data_dir / "pgdata" / "postmaster.pid").read_text().split()[0])
        os.kill(postmaster, signal.SIGQUIT)  # what pg_ctl stop -m immediate sends
        stdout, stderr = ingest.communicate(timeout=120)

        assert ingest.returncode == 1
        assert stdout == ""
        lines = stderr.strip().splitlines()
        assert len(lines) == 1, stderr
        assert lines[0].startswith("jobpool: ") and "Traceback" not in stderr

        stop_embedded(data_dir)
        url = embedded_url(data_dir)  # the server is back
        ctx = open_context(db_url=url, data_dir=tmp_path / "settings")
        try:
            runs = ctx.history.runs()
        finally:
            ctx.close()
        assert [run.status for run in runs] == ["interrupted"]
        assert runs[0].fetched > 0 and runs[0].fetched == runs[0].links_created
    finally:
        stop_embedded(data_dir)
        shutil.rmtree(data_dir, ignore_errors=True)
