"""Runs service calls off the GUI thread and reports at the UI edge (in the spirit of Anki's CollectionOp).

A widget never changes data inline. It hands a service call to the TaskRunner, which runs it in a worker thread
(`asyncio.to_thread` under the qasync loop), comes back to the GUI thread, turns failures into one user-readable
JobPoolError, and on success broadcasts the change-set on the hub so every widget refreshes what concerns it::

    window.tasks.run(ctx.cards.set_notes, card_id, text, ordered=True,
                     changes=ChangeSet.for_cards([card_id], notes=True), on_success=..., on_failure=...)
    detail = await window.tasks.call(ctx.board.detail, card_id)     # inside a coroutine

`ordered=True` sends the call to a single writer thread, so writes land in the order they were asked for.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal

from app.errors import DatabaseUnavailable, JobPoolError
from app.health import as_database_unavailable
from ui.support.events import ChangeSet, Hub

log = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")
Changes = ChangeSet | Callable[[Any], ChangeSet | None] | None


def _nothing() -> None:
    """A task that only starts its thread."""


class TaskRunner(QObject):
    """Background runner for service calls; `failed` carries the message of a task nobody else reported."""

    failed = Signal(str)
    busy_changed = Signal(bool)

    def __init__(self, hub: Hub, parent: QObject | None = None, loop: asyncio.AbstractEventLoop | None = None) -> None:
        super().__init__(parent)
        self._hub = hub
        self._loop = loop
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jobpool-writer")
        # Start the writer thread now: started on the first drop, it made that drop wait for a thread to start,
        # hundreds of milliseconds while another thread held the GIL.
        self._writer.submit(_nothing)
        self._tasks: set[asyncio.Task] = set()
        self._shut = False
        self.active = 0

    @property
    def hub(self) -> Hub:
        """The hub change-sets are broadcast on."""
        return self._hub

    def _event_loop(self) -> asyncio.AbstractEventLoop:
        return self._loop or asyncio.get_event_loop()

    def _track(self, delta: int) -> None:
        before = self.active
        self.active += delta
        # After shutdown the window may be gone: a late or garbage-collected task must not touch its signals.
        if not self._shut and (before == 0) != (self.active == 0):
            self.busy_changed.emit(self.active > 0)

    async def call(
        self, fn: Callable[..., T], /, *args: Any, changes: Changes = None, ordered: bool = False, **kwargs: Any
    ) -> T:
        """Await fn(*args, **kwargs) run in a worker thread; every failure arrives as a JobPoolError."""
        self._track(+1)
        try:
            if ordered:
                result = await self._event_loop().run_in_executor(self._writer, functools.partial(fn, *args, **kwargs))
            else:
                result = await asyncio.to_thread(fn, *args, **kwargs)
        except JobPoolError as exc:
            if isinstance(exc, DatabaseUnavailable) and not self._shut:
                self._hub.database_lost.emit(exc.message)
            raise
        except Exception as exc:
            lost = as_database_unavailable(exc)
            if lost is not None:
                if not self._shut:
                    self._hub.database_lost.emit(lost.message)
                raise lost from exc
            log.exception("%s failed", getattr(fn, "__qualname__", fn))
            raise JobPoolError(f"Something went wrong: {type(exc).__name__}: {exc}") from exc
        finally:
            self._track(-1)
        change_set = changes(result) if callable(changes) else changes
        if change_set is not None and not self._shut:
            self._hub.emit_changes(change_set)
        return result

    def run(
        self,
        fn: Callable[..., T],
        /,
        *args: Any,
        changes: Changes = None,
        on_success: Callable[[T], object] | None = None,
        on_failure: Callable[[JobPoolError], None] | None = None,
        ordered: bool = False,
        report: bool = True,
        **kwargs: Any,
    ) -> asyncio.Task[T | None] | None:
        """Start fn in the background; on_success / on_failure run on the GUI thread, failures are reported.

        Returns None (and runs nothing) once the runner is shut down.
        """
        if self._shut:
            return None

        async def operation() -> T | None:
            try:
                result = await self.call(fn, *args, changes=changes, ordered=ordered, **kwargs)
            except JobPoolError as exc:
                if not self._shut:
                    self._finish(on_failure, exc)
                    if report:
                        self.failed.emit(exc.message)
                return None
            if not self._shut:
                self._finish(on_success, result)
            return result

        return self.start(operation())

    def start(self, coroutine: Coroutine[Any, Any, R]) -> asyncio.Task[R]:
        """Run a coroutine on the GUI loop, keeping a reference until it ends."""
        task = self._event_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def _finish(self, callback: Callable[[R], object] | None, value: R) -> None:
        if callback is None:
            return
        try:
            callback(value)
        except Exception as exc:  # a broken callback must not kill the loop; say what happened
            log.exception("task callback failed")
            self.failed.emit(f"Something went wrong: {type(exc).__name__}: {exc}")

    def call_blocking(self, fn: Callable[..., T], /, *args: Any, timeout: float = 5.0, **kwargs: Any) -> T:
        """Run fn on the writer thread and wait for it (only for closing, when the loop no longer turns)."""
        return self._writer.submit(fn, *args, **kwargs).result(timeout=timeout)

    def shutdown(self) -> None:
        """Let queued writes finish, then stop the writer thread; later run() calls do nothing."""
        self._shut = True
        for task in list(self._tasks):
            task.cancel()
        self._writer.shutdown(wait=True)
