"""Bringing the matching up to date in the background: embed the pool jobs that lack a vector of the current model
(a new model, an interrupted import, a migration) and rescore."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.context import AppContext
    from ui.support.tasks import TaskRunner

log = logging.getLogger(__name__)


def bring_matching_up_to_date(
    ctx: AppContext, tasks: TaskRunner, stopping: Callable[[], bool], refresh_board: Callable[[], None]
) -> None:
    """Embed and rescore stale pool jobs on a worker thread, stopping early when `stopping()` says so or the
    database needs a migration; `refresh_board` runs when scores changed and nothing is stopping."""

    def refresh() -> bool:
        matching = ctx.matching
        if not matching.refresh.stale_jobs():
            return False
        report = matching.refresh.refresh_model(should_cancel=lambda: stopping() or ctx.needs_migration)
        log.info("matching brought up to date: %s", report)
        return True

    def done(changed: bool) -> None:
        if changed and not stopping():
            refresh_board()

    tasks.run(refresh, report=False, on_success=done)
