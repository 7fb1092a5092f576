"""Helpers for the UI tests: a qasync loop that runs inside pytest-qt's event processing, seeded boards, prompts."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import qasync
from PySide6.QtWidgets import QApplication

from app.context import AppContext
from app.records import Profile
from tests.support.synthetic import linkedin_items
from ui.support.prompts import Prompts


@contextmanager
def qasync_running(app: QApplication) -> Iterator[asyncio.AbstractEventLoop]:
    """A qasync loop marked as running, so tasks advance whenever qtbot processes Qt events."""
    loop = qasync.QEventLoop(app, already_running=True)
    asyncio.set_event_loop(loop)
    try:
        yield loop
    finally:
        # Tasks still pending (a window closed mid-request) end here, not during a later test's garbage collection.
        pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
        for task in pending:
            task.cancel()
        deadline = time.monotonic() + 5
        while any(not task.done() for task in pending) and time.monotonic() < deadline:
            app.processEvents()
        # Only mark it stopped, so close() may release its threads: qasync's stop() also calls QApplication.exit(),
        # after which the next test's loop never runs a worker thread's result (every later window test times out).
        loop._QEventLoop__is_running = False  # type: ignore[attr-defined]
        asyncio._set_running_loop(None)  # the loop registered itself as running when it was made
        loop.close()
        asyncio.set_event_loop(None)


def seed_profile(ctx: AppContext, name: str = "Alex", count: int = 0, start: int = 0) -> Profile:
    """A profile with `count` synthetic jobs (items start..start+count-1) on its Recommended column."""
    profile = ctx.profiles.add(name)
    if count:
        ctx.ingestion.run(profile.id, [linkedin_items(start, start + count)], source="test", embed=False)
    return ctx.profiles.get(profile.id)


def column_ids(ctx: AppContext, profile: Profile, status: str, limit: int = 500) -> list[uuid.UUID]:
    """Card ids of one column as the database orders them."""
    return [card.user_job_id for card in ctx.board.column_page(profile.id, status, 0, limit).cards]


class ScriptedPrompts(Prompts):
    """Answers the window's questions from preset values and records what it told the user."""

    def __init__(
        self,
        parent=None,
        dataset: str | None = None,
        csv_path: str | None = None,
        texts: list[str] | None = None,
        confirm: bool = True,
    ) -> None:
        super().__init__(parent)
        self.dataset = dataset
        self.csv_path = csv_path
        self.texts = list(texts or [])
        self.confirm_answer = confirm
        self.confirmations: list[str] = []
        self.informed: list[tuple[str, str]] = []

    def dataset_file(self, directory: str) -> str | None:
        """The preset dataset path."""
        return self.dataset

    def csv_target(self, suggested: str) -> str | None:
        """The preset CSV path."""
        return self.csv_path

    def text(self, title: str, label: str, value: str = "") -> str | None:
        """The next preset text, or None (cancel) when none is left."""
        return self.texts.pop(0) if self.texts else None

    def confirm(self, title: str, text: str, accept: str) -> bool:
        """The preset answer; the question is recorded."""
        self.confirmations.append(text)
        return self.confirm_answer

    def inform(self, title: str, text: str) -> None:
        """Record the message."""
        self.informed.append((title, text))
