"""Concurrent writers: overlapping ingests, two ingests for one profile, card moves racing on the same cards."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from app.context import open_context
from app.ingestion.pipeline import IngestionService
from tests.support.concurrent_writers import ingest_concurrently
from tests.support.synthetic import linkedin_item, linkedin_items


def _scalar(ctx, sql: str, **params):
    with ctx.database.engine.connect() as conn:
        return conn.execute(text(sql), params).scalar()


TIED_POSITIONS = (
    "SELECT count(*) FROM (SELECT user_id, status, position FROM user_job "
    "GROUP BY user_id, status, position HAVING count(*) > 1) t"
)


def test_overlapping_batches_from_two_processes_do_not_deadlock(ctx, db_url: str) -> None:
    # The same postings, one writer in ascending order and the other in descending order, in rounds that start
    # together: unless both take the pool's row locks in one order (by hash), their transactions deadlock.
    ctx.profiles.add("Ana")
    ctx.profiles.add("Ben")
    size, rounds = 3000, 3
    ascending = [list(range(r * size, (r + 1) * size)) for r in range(rounds)]
    descending = [list(reversed(numbers)) for numbers in ascending]

    results = ingest_concurrently(db_url, {"Ana": ascending, "Ben": descending}, chunk_size=size)

    assert results["Ana"][0] == results["Ben"][0] == ["succeeded"] * rounds
    assert results["Ana"][1] + results["Ben"][1] == 0, "chunks were retried after deadlocks"
    assert _scalar(ctx, "SELECT count(*) FROM job_pool") == size * rounds
    assert _scalar(ctx, "SELECT count(*) FROM user_job") == 2 * size * rounds


def test_two_ingests_for_one_profile_keep_positions_distinct(ctx, db_url: str) -> None:
    ctx.profiles.add("Ana")
    plans = {"Ana": [list(range(0, 4000))], "ana": [list(range(4000, 8000))]}  # one profile, two writers

    results = ingest_concurrently(db_url, plans, chunk_size=500)

    assert all(statuses == ["succeeded"] for statuses, _ in results.values())
    assert _scalar(ctx, "SELECT count(*) FROM user_job") == 8000
    assert _scalar(ctx, TIED_POSITIONS) == 0


def test_links_wait_for_a_concurrent_link_batch_of_the_same_profile(ctx, db_url: str, tmp_path: Path) -> None:
    # Deterministic interleaving: one transaction has placed cards on top of the column and not committed yet;
    # a second writer for the same profile must place its cards above those, not on the same positions.
    ctx.profiles.add("Ana")
    user_id = ctx.profiles.get("Ana").id
    ctx.ingestion.run("Ana", [linkedin_items(0, 20)], source="test", embed=False)
    with ctx.database.engine.connect() as conn:
        ids = list(conn.execute(text("SELECT id FROM job_pool ORDER BY id")).scalars())
    first_ids, second_ids = ids[:10], ids[10:]
    with ctx.database.engine.begin() as conn:
        conn.execute(text("DELETE FROM user_job"))
    other = open_context(db_url=db_url, data_dir=tmp_path / "other")
    try:
        with ctx.database.sessions.begin() as first:
            IngestionService.link_jobs(first, user_id, first_ids)
            done = threading.Event()

            def second_writer() -> None:
                with other.database.sessions.begin() as session:
                    IngestionService.link_jobs(session, user_id, second_ids)
                done.set()

            thread = threading.Thread(target=second_writer)
            thread.start()
            # The second writer either finishes without waiting for us, or waits on a lock our transaction holds.
            _wait_until(lambda: done.is_set() or _someone_waits_on_a_lock(ctx))
        thread.join(timeout=60)
        assert done.is_set()
    finally:
        other.close()
    assert _scalar(ctx, "SELECT count(*) FROM user_job") == 20
    assert _scalar(ctx, TIED_POSITIONS) == 0


CARDS_PER_COLUMN = (
    "SELECT count(*) FROM (SELECT j.user_id, j.status, count(*) AS n FROM user_job j GROUP BY 1, 2) real "
    "FULL JOIN (SELECT user_id, status, cards FROM user_job_count WHERE cards <> 0) kept "
    "USING (user_id, status) WHERE real.n IS DISTINCT FROM kept.cards"
)


def test_card_moves_racing_on_the_same_cards_stay_consistent(ctx, db_url: str, tmp_path: Path) -> None:
    ctx.profiles.add("Ana")
    ctx.ingestion.run("Ana", [linkedin_items(0, 40)], source="test", embed=False)
    with ctx.database.engine.connect() as conn:
        cards = list(conn.execute(text("SELECT id FROM user_job ORDER BY position LIMIT 12")).scalars())
    contexts = [open_context(db_url=db_url, data_dir=tmp_path / f"writer{n}") for n in range(2)]
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        mine = cards if n == 0 else list(reversed(cards))
        targets = ("applied", "interviewing") if n == 0 else ("interviewing", "applied")
        try:
            start.wait(timeout=60)
            for round_ in range(15):
                for card in mine:  # one card at a time, to the top or the end of a column
                    contexts[n].cards.move([card], targets[round_ % 2], at_top=bool(round_ % 3))
                # all of them at once, before the column's first card when there is one
                contexts[n].cards.move(mine, targets[(round_ + 1) % 2], before=mine[len(mine) // 2])
                contexts[n].cards.move(mine, targets[round_ % 2])
        except BaseException as exc:  # reported by the test below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(2)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=240)
    finally:
        for context in contexts:
            context.close()
    assert not errors, errors
    assert _scalar(ctx, TIED_POSITIONS) == 0
    assert _scalar(ctx, "SELECT count(*) FROM user_job WHERE position IS NULL") == 0
    assert _scalar(ctx, "SELECT count(*) FROM user_job") == 40  # no card lost or doubled
    assert _scalar(ctx, CARDS_PER_COLUMN) == 0  # the kept column counts agree with the cards
    # Each whole-set move is one transaction: the last one to commit put every moved card in one column.
    assert _scalar(ctx, "SELECT count(DISTINCT status) FROM user_job WHERE id = ANY(:ids)", ids=cards) == 1


def _someone_waits_on_a_lock(ctx) -> bool:
    return bool(_scalar(ctx, "SELECT count(*) FROM pg_locks WHERE NOT granted"))


def _wait_until(condition, timeout: float = 30.0) -> None:
    """Poll a condition (a database query) until it holds."""
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            pytest.fail("condition not reached in time")


def test_a_posting_pooled_by_a_writer_that_commits_mid_statement_gets_its_id(ctx, db_url: str, tmp_path: Path) -> None:
    # The upsert reads the batch's pooled rows and inserts the rest in one statement, under one snapshot. A posting
    # another writer inserted before that snapshot and committed after it is neither read (not visible yet) nor
    # inserted (ON CONFLICT skips it): its id must still come back, as a hit.
    from app.hashing import job_hash
    from app.ingestion.normalizers import normalize_items
    from app.ingestion.pool import JobPoolService

    jobs = normalize_items([linkedin_item(i) for i in range(2)]).jobs
    batch = [(job_hash(job.company, job.title, job.location), job) for job in jobs]
    other = open_context(db_url=db_url, data_dir=tmp_path / "other")
    try:
        result: dict = {}
        with other.database.sessions.begin() as blocking:
            other.pool.upsert_many(blocking, batch[:1])  # pooled, not committed yet

            def writer() -> None:
                with ctx.database.sessions.begin() as session:
                    result["upserted"] = JobPoolService().upsert_many(session, batch)

            thread = threading.Thread(target=writer)
            thread.start()
            _wait_until(lambda: _someone_waits_on_a_lock(ctx))  # the insert waits for the first writer's row
        thread.join(timeout=60)
    finally:
        other.close()
    upserted = result["upserted"]
    with ctx.database.engine.connect() as conn:
        pooled = {row[0]: row[1] for row in conn.execute(text("SELECT hash, id FROM job_pool"))}
    assert upserted.ids == pooled and len(pooled) == 2
    assert upserted.inserted == {batch[1][0]} and upserted.hits == 1
