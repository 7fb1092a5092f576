"""The TaskRunner: service calls off the GUI thread, change-sets on success, readable failures at the edge."""

from __future__ import annotations

import threading

import pytest

from app.database import Database
from app.errors import JobPoolError, ProfileExists
from app.health import check_connection
from db.engine import make_engine, make_session_factory
from db.location import DatabaseLocation
from db.schema import SchemaState
from tests.ui.helpers import qasync_running
from ui.support.events import ChangeSet, Hub
from ui.support.tasks import TaskRunner


@pytest.fixture
def runner(qapp):
    with qasync_running(qapp):
        hub = Hub()
        tasks = TaskRunner(hub)
        yield tasks
        tasks.shutdown()


def test_success_runs_off_the_gui_thread_and_broadcasts_the_change_set(runner, ctx, qtbot):
    threads: list[str] = []

    def add(name: str):
        threads.append(threading.current_thread().name)
        return ctx.profiles.add(name)

    results = []
    with qtbot.waitSignal(runner.hub.changed, timeout=10_000) as changed:
        runner.run(add, "Alex", changes=ChangeSet(profiles=True), on_success=results.append)
    assert changed.args[0].profiles is True
    qtbot.waitUntil(lambda: bool(results))
    assert results[0].name == "Alex" and threads[0] != threading.main_thread().name
    assert [p.name for p in ctx.profiles.list()] == ["Alex"]


def test_domain_error_reaches_on_failure_and_the_failed_signal(runner, ctx, qtbot):
    ctx.profiles.add("Alex")
    errors: list[JobPoolError] = []
    with qtbot.waitSignal(runner.failed, timeout=10_000) as failed:
        runner.run(ctx.profiles.add, "alex", changes=ChangeSet(profiles=True), on_failure=errors.append)
    assert isinstance(errors[0], ProfileExists) and "exists already" in failed.args[0]
    assert runner.active == 0


def test_unexpected_error_becomes_a_readable_message(runner, qtbot):
    def broken() -> None:
        raise KeyError("column")

    with qtbot.waitSignal(runner.failed, timeout=10_000) as failed:
        runner.run(broken)
    assert failed.args[0].startswith("Something went wrong: KeyError")


def test_ordered_calls_run_one_after_another_in_order(runner, qtbot):
    seen: list[int] = []
    for n in range(20):
        runner.run(seen.append, n, ordered=True)
    qtbot.waitUntil(lambda: len(seen) == 20 and runner.active == 0, timeout=10_000)
    assert seen == list(range(20))


def test_unreachable_database_raises_database_lost(runner, qtbot, tmp_path):
    url = "postgresql+psycopg://nobody@127.0.0.1:1/nothing"
    engine = make_engine(url)
    database = Database(
        engine=engine,
        sessions=make_session_factory(engine),
        location=DatabaseLocation(url=url, embedded=False, data_dir=tmp_path),
        state=SchemaState.CURRENT,
    )
    with qtbot.waitSignal(runner.hub.database_lost, timeout=15_000) as lost:
        runner.run(check_connection, database, report=False)
    assert "not answering" in lost.args[0]
    engine.dispose()


def test_the_writer_thread_is_running_before_the_first_ordered_write(qapp):
    """A first drop must not wait for a thread to start: the runner starts its writer thread when it is made."""
    before = {t.ident for t in threading.enumerate() if t.name.startswith("jobpool-writer")}
    runner = TaskRunner(Hub())
    try:
        started = {t.ident for t in threading.enumerate() if t.name.startswith("jobpool-writer")} - before
        assert len(started) == 1
    finally:
        runner.shutdown()
