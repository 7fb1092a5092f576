"""Helpers for tests with several writers at once: each worker is a separate process with its own connections."""

from __future__ import annotations

import logging
import multiprocessing
import tempfile
from typing import Any

from tests.support.synthetic import linkedin_item

_SPAWN = multiprocessing.get_context("spawn")


class _RetryCounter(logging.Handler):
    """Counts the chunks the pipeline had to retry after a deadlock or a serialization failure."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.retries = 0

    def emit(self, record: logging.LogRecord) -> None:
        """Count one retry message."""
        if record.getMessage().startswith("retrying a chunk"):
            self.retries += 1


def _ingest(db_url: str, profile: str, rounds: list[list[int]], chunk_size: int, barrier: Any, results: Any) -> None:
    from app.context import open_context

    counter = _RetryCounter()
    logger = logging.getLogger("app.ingestion.pipeline")
    logger.setLevel(logging.INFO)
    logger.addHandler(counter)
    statuses: list[str] = []
    try:
        with tempfile.TemporaryDirectory() as data_dir:
            ctx = open_context(db_url=db_url, data_dir=data_dir)
            ctx.ingestion.chunk_size = chunk_size
            try:
                for numbers in rounds:
                    items = [linkedin_item(i, description_words=20) for i in numbers]
                    barrier.wait(timeout=120)  # both writers start each round together: their transactions overlap
                    report = ctx.ingestion.run(profile, [items], source="test", embed=False)
                    statuses.append(report.status)
            finally:
                ctx.close()
    except Exception as exc:  # reported to the test, which fails with it; the other writer stops waiting
        barrier.abort()
        statuses.append(f"error: {type(exc).__name__}: {exc}"[:300])
    results.put((profile, statuses, counter.retries))


def ingest_concurrently(db_url: str, plans: dict[str, list[list[int]]], chunk_size: int) -> dict[str, tuple]:
    """Ingest, per profile, rounds of synthetic items (by number, in the given order) in one process per profile.

    Returns {profile: (run statuses, chunks retried after a deadlock)}.
    """
    barrier = _SPAWN.Barrier(len(plans))
    results = _SPAWN.Queue()
    workers = [
        _SPAWN.Process(target=_ingest, args=(db_url, profile, rounds, chunk_size, barrier, results))
        for profile, rounds in plans.items()
    ]
    for worker in workers:
        worker.start()
    collected = {}
    for _ in workers:
        profile, statuses, retries = results.get(timeout=300)
        collected[profile] = (statuses, retries)
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0, f"a writer process failed (exit code {worker.exitcode})"
    return collected
