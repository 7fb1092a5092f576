"""JobPool benchmark: ingestion vs a naive baseline, embedding, board open, card moves, cold start.

Run: python bench/bench.py [--n 10000] [--json]. It starts its own embedded PostgreSQL in a temporary
directory (or uses --db-url's server) and prints the figures with their targets.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from app.board import PAGE_SIZE  # noqa: E402
from app.context import AppContext, open_context  # noqa: E402
from app.hashing import job_hash  # noqa: E402
from app.ingestion.normalizers import normalize_items  # noqa: E402
from app.records import STATUSES  # noqa: E402
from db.models import PoolJob, UserJob  # noqa: E402
from tests.support.synthetic import linkedin_items  # noqa: E402

# The search line timed over the largest board: two prefix words that match a fifth of the synthetic postings.
SEARCH = "data engin"


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p95 in milliseconds."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


def timed(fn: Callable[[], object], repeat: int, warmup: int = 3) -> tuple[float, float]:
    """Run fn warmup + repeat times; p50/p95 of the timed runs in ms."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return percentiles(samples)


class Server:
    """Creates databases on one PostgreSQL server."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url
        self.admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")

    def fresh(self) -> str:
        name = f"bench_{uuid.uuid4().hex[:10]}"
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        return make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)

    def drop(self, url: str) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))


def bench_cold_start() -> dict:
    """Embedded server initdb + start + migrations on an empty data directory."""
    with tempfile.TemporaryDirectory() as data_dir:
        start = time.perf_counter()
        ctx = open_context(data_dir=data_dir)
        seconds = time.perf_counter() - start
        ctx.close()
    return {"cold_start_s": seconds}


def bench_ingestion(server: Server, n: int) -> dict:
    """IngestionService on n items (half already pooled), then the naive per-row baseline on the same data."""
    half = n // 2
    items = linkedin_items(0, n, seed=3)
    prepool = linkedin_items(0, half, seed=4)

    url = server.fresh()
    ctx = open_context(db_url=url)
    ctx.profiles.add("seed")
    ctx.profiles.add("bench")
    seed = ctx.ingestion.run("seed", [prepool], source="bench", embed=False)
    start = time.perf_counter()
    report = ctx.ingestion.run("bench", [items], source="bench", embed=False)
    pipeline_s = time.perf_counter() - start
    assert report.pool_hits == half and report.pool_inserts == n - half, report
    with ctx.database.engine.connect() as conn:
        new_ids = list(
            conn.execute(
                text(
                    "SELECT id FROM job_pool "
                    "WHERE id NOT IN (SELECT job_pool_id FROM ingestion_run_job WHERE run_id = :r)"
                ),
                {"r": seed.run_id},
            ).scalars()
        )
    start = time.perf_counter()
    embedded = ctx.embedding.embed_jobs(new_ids)
    embed_s = time.perf_counter() - start
    ctx.close()
    server.drop(url)

    url = server.fresh()
    ctx = open_context(db_url=url)
    ctx.profiles.add("seed")
    bench_user = ctx.profiles.add("bench")
    ctx.ingestion.run("seed", [prepool], source="bench", embed=False)
    start = time.perf_counter()
    naive_ingest(ctx, bench_user.id, items)
    naive_s = time.perf_counter() - start
    ctx.close()
    server.drop(url)

    url = server.fresh()
    ctx = open_context(db_url=url)
    ctx.profiles.add("seed")
    bench_user = ctx.profiles.add("bench")
    ctx.ingestion.run("seed", [prepool], source="bench", embed=False)
    rows = floor_rows(items)
    start = time.perf_counter()
    floor_ingest(ctx, bench_user.id, rows)
    floor_s = time.perf_counter() - start
    ctx.close()
    server.drop(url)
    return {
        "n": n,
        "pipeline_items_per_s": n / pipeline_s,
        "naive_items_per_s": n / naive_s,
        "ratio": naive_s / pipeline_s,
        "floor_items_per_s": n / floor_s,
        "pipeline_vs_floor": floor_s / pipeline_s,
        "embed_rows": embedded,
        "embed_rows_per_s": embedded / embed_s if embed_s else 0.0,
    }


def naive_ingest(ctx: AppContext, user_id: uuid.UUID, items: list[dict]) -> None:
    """The baseline: per item, SELECT the pool row by hash, INSERT it if missing, then the same for the link."""
    batch = normalize_items(items)
    with ctx.database.sessions.begin() as session:
        for job in batch.jobs:
            key = job_hash(job.company, job.title, job.location)
            pool_id = session.scalar(select(PoolJob.id).where(PoolJob.hash == key))
            if pool_id is None:
                row = PoolJob(
                    hash=key,
                    source=job.source,
                    external_id=job.external_id,
                    url=job.url,
                    title=job.title,
                    company=job.company,
                    location=job.location,
                    description=job.description,
                    salary_min=job.salary_min,
                    salary_max=job.salary_max,
                    posted_at=job.posted_at,
                    metadata_=job.metadata,
                )
                session.add(row)
                session.flush()
                pool_id = row.id
            link = session.scalar(select(UserJob.id).where(UserJob.user_id == user_id, UserJob.job_pool_id == pool_id))
            if link is None:
                session.add(UserJob(user_id=user_id, job_pool_id=pool_id, position=0.0))
                session.flush()


FLOOR_COLUMNS = (
    "hash, source, external_id, url, title, company, location, description, salary_min, salary_max, posted_at, metadata"
)


def floor_rows(items: list[dict]) -> list[tuple]:
    """The COPY rows of the items, normalized and hashed before the floor's clock starts (its work is SQL)."""
    rows, seen = [], set()
    for job in normalize_items(items).jobs:
        key = job_hash(job.company, job.title, job.location)
        if key in seen:
            continue
        seen.add(key)
        rows.append(
            (
                key,
                job.source,
                job.external_id,
                job.url,
                job.title,
                job.company,
                job.location,
                job.description,
                job.salary_min,
                job.salary_max,
                job.posted_at,
                json.dumps(job.metadata) if job.metadata is not None else None,
            )
        )
    return rows


def floor_ingest(ctx: AppContext, user_id: uuid.UUID, rows: list[tuple]) -> None:
    """The floor: one hand-written COPY into a temporary table, INSERT … ON CONFLICT into the pool (its stored
    full-text vector and GIN index included, as the table defines them), then the links, in one transaction."""
    raw = ctx.database.engine.raw_connection()
    try:
        conn = raw.driver_connection
        with conn.cursor() as cur:
            cur.execute(
                "CREATE TEMP TABLE incoming (hash text, source text, external_id text, url text, title text, "
                "company text, location text, description text, salary_min numeric, salary_max numeric, "
                "posted_at timestamptz, metadata jsonb, n serial) ON COMMIT DROP"
            )
            with cur.copy(f"COPY incoming ({FLOOR_COLUMNS}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cur.execute(
                f"INSERT INTO job_pool ({FLOOR_COLUMNS}) SELECT {FLOOR_COLUMNS} FROM incoming "
                "ON CONFLICT (hash) DO NOTHING"
            )
            cur.execute(
                "INSERT INTO user_job (user_id, job_pool_id, position) "
                "SELECT %s, p.id, i.n FROM incoming i JOIN job_pool p ON p.hash = i.hash "
                "ON CONFLICT (user_id, job_pool_id) DO NOTHING",
                (user_id,),
            )
        conn.commit()
    finally:
        raw.close()


def seed_board(ctx: AppContext, pool_size: int, link_counts: list[int]) -> dict[int, uuid.UUID]:
    """A pool of pool_size rows (no embeddings) and one profile per link count, spread over the columns."""
    with ctx.database.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO job_pool (hash, source, title, company, location, description, url, posted_at) "
                "SELECT md5(g::text) || md5((g * 7)::text), 'linkedin', "
                "  (ARRAY['Backend Engineer','Data Engineer','Product Manager','Registered Nurse','SRE'])[1 + g % 5], "
                "  'Company ' || (g % 997), (ARRAY['Berlin','Remote','London','Paris'])[1 + g % 4], "
                "  repeat('lorem ipsum dolor sit amet ', 20), 'https://example.invalid/' || g, "
                "  now() - (g % 60) * interval '1 day' "
                "FROM generate_series(1, :n) g"
            ),
            {"n": pool_size},
        )
        users = {}
        statuses = [s.value for s in STATUSES]
        for count in link_counts:
            user_id = conn.execute(
                text("INSERT INTO users (name) VALUES (:n) RETURNING id"), {"n": f"links-{count}"}
            ).scalar_one()
            users[count] = user_id
            conn.execute(
                text(
                    "INSERT INTO user_job (user_id, job_pool_id, status, position, match_score) "
                    "SELECT :uid, id, (CAST(:statuses AS job_status[]))[1 + width_bucket(random(), "
                    "  ARRAY[0, 0.55, 0.75, 0.83, 0.85, 0.95, 1.0]) - 1], row_number() OVER (), (random() * 100)::int "
                    "FROM (SELECT id FROM job_pool ORDER BY random() LIMIT :count) j"
                ),
                {"uid": user_id, "count": count, "statuses": statuses},
            )
    # Measure a settled database, as a user's is: not one autovacuum is still working through after a bulk load.
    with ctx.database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM (ANALYZE) job_pool, user_job"))
        conn.execute(text("CHECKPOINT"))
    return users


def bench_board(server: Server, pool_size: int, link_counts: list[int], repeat: int, n: int) -> dict:
    """Board open (counts + the first page of every column), the full list, card moves, a search, and ingestion of
    n items (half already pooled) into this pool."""
    url = server.fresh()
    ctx = open_context(db_url=url)
    users = seed_board(ctx, pool_size, link_counts)
    results: dict = {"pool_size": pool_size}

    for count, user_id in users.items():  # the first page the app loads per column
        results[f"board_open_{count}"] = timed(lambda u=user_id: ctx.board.open_board(u, PAGE_SIZE), repeat)
    largest = max(users)  # and twice as many cards per column, for comparison
    results[f"board_open_twice_{largest}"] = timed(lambda: ctx.board.open_board(users[largest], 2 * PAGE_SIZE), repeat)
    smallest = min(users)
    results[f"full_list_{smallest}"] = timed(lambda: ctx.board.cards_for(users[smallest]), repeat)

    mover = users[sorted(users)[len(users) // 2]]
    cards = [c.user_job_id for c in ctx.board.column_page(mover, STATUSES[0], 0, 200).cards]
    rng = random.Random(5)

    def move() -> None:
        card = rng.choice(cards)
        ctx.cards.move([card], rng.choice(STATUSES), before=None, at_top=rng.random() < 0.5)

    results["move"] = timed(move, repeat * 4)
    for count, user_id in users.items():  # a search line typed over each board: counts and first pages of its matches
        results[f"search_{count}"] = timed(
            lambda u=user_id: ctx.board.open_board(u, PAGE_SIZE, search=SEARCH), max(20, repeat // 2)
        )

    # Ingestion into this pool, as bench_ingestion into an empty one: the same items, half of them pooled before.
    half = n // 2
    ctx.profiles.add("seed")
    ctx.profiles.add("bench")
    ctx.ingestion.run("seed", [linkedin_items(0, half, seed=4)], source="bench", embed=False)
    items = linkedin_items(0, n, seed=3)
    start = time.perf_counter()
    report = ctx.ingestion.run("bench", [items], source="bench", embed=False)
    results["pipeline_items_per_s_full_pool"] = n / (time.perf_counter() - start)
    assert report.pool_hits == half and report.pool_inserts == n - half, report
    ctx.close()
    server.drop(url)
    return results


def main(argv: list[str] | None = None) -> int:
    """Run every part and print the figures next to their targets."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=10_000, help="items to ingest (half already pooled)")
    parser.add_argument("--pool", type=int, default=100_000, help="pool size for the board part")
    parser.add_argument("--links", default="1000,10000,50000", help="link counts for the board part")
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--db-url", help="a PostgreSQL server to create bench databases on (default: embedded)")
    parser.add_argument("--ingestion-only", action="store_true", help="cold start and ingestion, no board part")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    results = bench_cold_start()
    with tempfile.TemporaryDirectory() as data_dir:
        if args.db_url:
            admin_url = args.db_url
        else:
            from db.embedded import embedded_url

            admin_url = embedded_url(Path(data_dir))
        server = Server(admin_url)
        results.update(bench_ingestion(server, args.n))
        if not args.ingestion_only:
            results.update(bench_board(server, args.pool, [int(x) for x in args.links.split(",")], args.repeat, args.n))
        server.admin.dispose()
    if args.json:
        print(json.dumps(results, indent=2, default=str))
        return 0
    print(f"Embedded server cold start + migrations: {results['cold_start_s']:.2f} s   (target <= 2 s)")
    print(f"Ingestion of {results['n']:,} items (half already pooled), before embedding:")
    print(f"  pipeline {results['pipeline_items_per_s']:,.0f} items/s   (target >= 5,000)")
    print(f"  naive per-row SELECT-then-INSERT {results['naive_items_per_s']:,.0f} items/s")
    print(f"  ratio {results['ratio']:.1f}x   (target >= 10x)")
    print(
        f"  floor: hand-written COPY + INSERT … ON CONFLICT + links, same rows: {results['floor_items_per_s']:,.0f} "
        f"items/s; pipeline/floor {results['pipeline_vs_floor']:.0%}   (target >= 80 %)"
    )
    print(
        f"Embedding + HNSW indexing of {results['embed_rows']:,} new pool rows: "
        f"{results['embed_rows_per_s']:,.0f} rows/s"
    )
    if args.ingestion_only:
        return 0
    print(f"Board open (counts + the first {PAGE_SIZE} cards of each column), pool {results['pool_size']:,}:")
    for key, value in results.items():
        if key.startswith("board_open_"):
            p50, p95 = value
            links = int(key.rsplit("_", 1)[1])
            if "twice" in key:
                print(f"  {links:>6,} links, {2 * PAGE_SIZE} cards per column: p50 {p50:.2f} ms, p95 {p95:.2f} ms")
            else:
                print(f"  {links:>6,} links: p50 {p50:.2f} ms, p95 {p95:.2f} ms   (target p95 <= 10 ms)")
    for key, value in results.items():
        if key.startswith("full_list_"):
            p50, p95 = value
            print(
                f"Full card list at {int(key.rsplit('_', 1)[1]):,} links: p50 {p50:.2f} ms, p95 {p95:.2f} ms"
                "   (target p95 <= 10 ms)"
            )
    p50, p95 = results["move"]
    print(f"Card move: p50 {p50:.2f} ms, p95 {p95:.2f} ms   (target p95 <= 3 ms)")
    for key, value in results.items():
        if key.startswith("search_"):
            p50, p95 = value
            print(
                f"Search “{SEARCH}” over {int(key.rsplit('_', 1)[1]):,} links (counts + first pages): "
                f"p50 {p50:.2f} ms, p95 {p95:.2f} ms   (target p95 <= 50 ms)"
            )
    full = results["pipeline_items_per_s_full_pool"]
    print(
        f"Ingestion of the same {results['n']:,} items into this pool: {full:,.0f} items/s, "
        f"{full / results['pipeline_items_per_s']:.0%} of the rate into an empty pool   (target >= 80 %)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
