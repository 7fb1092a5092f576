"""Matching benchmark: Discover latency over a large pool, and embedding + indexing throughput for new pool rows.

    python bench/bench_matching.py [--pool 100000] [--new 2000] [--batches 3] [--queries 200] [--resumes 1]
                                   [--db-url URL] [--compare-index] [--json]

Without --db-url a private embedded PostgreSQL is started in a temporary folder (removed afterwards); with it, the
URL must point at a server where the benchmark may create and drop the database `jobpool_bench_matching`.

1. Pool: --pool synthetic postings (bench/matching_corpus.py) embedded with the local model, skills extracted, loaded
   with COPY while the HNSW index is dropped, then the index is rebuilt serially (as revision 0002 builds it).
2. Profiles: one per job family with a resume (--resumes: that many, the others from the next families), each with
   1,000 cards of its own family (Discover must skip them; it searches with each résumé).
3. Discover: --queries calls of DiscoverService.discover(limit=20), rotating profiles; p50/p95 of the whole call
   and of the SQL alone, recall@20 against an exact scan, and the plan (must use ix_job_pool_embedding_head_hnsw).
4. Throughput: --batches times, --new postings go through the ingestion pipeline without embedding, then
   EmbeddingService.embed_jobs() embeds them, extracts skills and writes both (HNSW insert included): rows/s.
   Then the fan-out of those rows to every profile is timed.
   --compare-index repeats the throughput step with the schema-v1 index (vector(1536), m=16, ef_construction=64).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, this folder comes first on sys.path and its bench.py would shadow the `bench` folder.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from pgvector.psycopg import register_vector  # noqa: E402
from sqlalchemy import create_engine, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from app.context import AppContext, open_context  # noqa: E402
from app.ingestion.pipeline import IngestionService  # noqa: E402
from app.matching import discover as discover_sql  # noqa: E402
from app.matching.embedding import job_text, pad  # noqa: E402
from bench.matching_corpus import FAMILIES, make_job, make_resume  # noqa: E402
from db.models import PoolJob, User  # noqa: E402

DB_NAME = "jobpool_bench_matching"
INDEX = "ix_job_pool_embedding_head_hnsw"
V1_INDEX = (
    "CREATE INDEX ix_job_pool_embedding_hnsw ON job_pool USING hnsw (embedding vector_cosine_ops) "
    "WITH (m = 16, ef_construction = 64)"
)
CARDS_PER_PROFILE = 1000


def log(message: str) -> None:
    """Progress on stderr (stdout is the report)."""
    print(message, file=sys.stderr, flush=True)


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100) of a list of numbers."""
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def fresh_database(server_url: str) -> str:
    """Create the benchmark database on the server and return its URL."""
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{DB_NAME}"'))
    admin.dispose()
    return make_url(server_url).set(database=DB_NAME).render_as_string(hide_password=False)


def load_pool(ctx: AppContext, size: int, rng: random.Random, hnsw: str | None = None) -> dict[str, float]:
    """Embed and COPY `size` postings with the index dropped, then rebuild it; returns timings."""
    embedder, vocabulary = ctx.embedding.embedder, ctx.matching.scorer.vocabulary
    started = time.perf_counter()
    with ctx.database.engine.connect() as conn:
        raw = conn.connection.driver_connection
        register_vector(raw)
        definition = raw.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", (INDEX,)).fetchone()[0]
        if hnsw:
            definition = definition.rsplit(" WITH (", 1)[0] + f" WITH ({hnsw})"
        raw.execute(f"DROP INDEX {INDEX}")
        embed_seconds = 0.0
        with (
            raw.cursor() as cursor,
            cursor.copy(
                "COPY job_pool (hash, source, title, company, location, description, skills, embedding,"
                " embedding_model) FROM STDIN WITH (FORMAT BINARY)"
            ) as copy,
        ):
            copy.set_types(["text", "text", "text", "text", "text", "text", "jsonb", "vector", "text"])
            for start in range(0, size, 5000):
                jobs = [make_job(rng) for _ in range(min(5000, size - start))]
                t0 = time.perf_counter()
                vectors = pad(embedder.embed([job_text(j.title, j.company, j.location, j.description) for j in jobs]))
                skills = [vocabulary.job_skills(j.title, j.description) for j in jobs]
                embed_seconds += time.perf_counter() - t0
                for job, vector, job_skills in zip(jobs, vectors, skills, strict=True):
                    key = hashlib.sha256(f"{start}|{job.company}|{job.title}|{rng.random()}".encode()).hexdigest()
                    copy.write_row(
                        (
                            key,
                            f"bench-{job.family}",
                            job.title,
                            job.company,
                            job.location,
                            job.description,
                            json.dumps(job_skills),
                            vector,
                            embedder.model,
                        )
                    )
                log(f"  pool: {start + len(jobs):,} / {size:,} rows")
        loaded = time.perf_counter()
        raw.execute("SET maintenance_work_mem = '512MB'")
        raw.execute("SET max_parallel_maintenance_workers = 0")  # as revision 0002 builds it: serial
        raw.execute(definition)
        built = time.perf_counter()
        raw.commit()
        raw.autocommit = True
        raw.execute("VACUUM ANALYZE job_pool")
        raw.autocommit = False
    return {
        "embed_and_skills_rows_per_s": size / embed_seconds,
        "load_seconds": loaded - started,
        "index_build_seconds": built - loaded,
    }


def make_profiles(ctx: AppContext, rng: random.Random, resumes: int = 1) -> list[str]:
    """One profile per family with a resume (and `resumes - 1` more, of the next families) and CARDS_PER_PROFILE
    cards of its family."""
    names = []
    for i, family in enumerate(FAMILIES):
        name = f"bench-{family}"
        ctx.profiles.add(name)
        ctx.matching.resumes.set_resume(name, make_resume(rng, family))
        for k in range(1, resumes):
            other = list(FAMILIES)[(i + k) % len(FAMILIES)]
            ctx.matching.resumes.add_resume(name, make_resume(rng, other), f"{other} {k}")
        user_id = ctx.profiles.get(name).id
        with ctx.database.sessions.begin() as session:
            ids = list(
                session.scalars(select(PoolJob.id).where(PoolJob.source == f"bench-{family}").limit(CARDS_PER_PROFILE))
            )
            IngestionService.link_jobs(session, user_id, ids)
        names.append(name)
    return names


def time_discover(ctx: AppContext, names: list[str], queries: int) -> dict[str, object]:
    """p50/p95 of Discover (whole service call and SQL alone) and the query plan."""
    whole, sql_only = [], []
    users = {}
    with ctx.database.sessions() as session:
        for name in names:
            users[name] = session.execute(select(User.id, User.resume_embedding).where(User.name == name)).one()
    for name in names[:5]:
        ctx.matching.discovery.discover(name, 20)  # warm-up
    for i in range(queries):
        name = names[i % len(names)]
        t0 = time.perf_counter()
        items = ctx.matching.discovery.discover(name, 20)
        whole.append(time.perf_counter() - t0)
        assert len(items) == 20
        with ctx.database.sessions() as session:
            t0 = time.perf_counter()
            discover_sql.nearest_unlinked(
                session, users[name][0], users[name][1], ctx.matching.scorer.model, 20, iterative=True
            )
            sql_only.append(time.perf_counter() - t0)
    plan = ctx.matching.discovery.explain_discover(names[0], 20)
    recalls = []
    for name in names:
        with ctx.database.sessions() as session:
            approx = discover_sql.nearest_unlinked(
                session, users[name][0], users[name][1], ctx.matching.scorer.model, 20, iterative=True
            )
        with ctx.database.sessions() as session:
            session.execute(text("SET LOCAL enable_indexscan = off"))  # the exact answer: a full scan and sort
            exact = discover_sql.nearest_unlinked(
                session, users[name][0], users[name][1], ctx.matching.scorer.model, 20, iterative=False
            )
        recalls.append(len({r.id for r in approx} & {r.id for r in exact}) / 20)
        if recalls[-1] < 0.9:
            log(
                f"  recall@20 {recalls[-1]:.2f} for {name}: found similarity {approx[-1].similarity:.3f}.."
                f"{approx[0].similarity:.3f}, exact {exact[-1].similarity:.3f}..{exact[0].similarity:.3f}"
            )
    return {
        "discover_recall_at_20": statistics.mean(recalls),
        "discover_recall_at_20_worst_profile": min(recalls),
        "discover_p50_ms": statistics.median(whole) * 1000,
        "discover_p95_ms": percentile(whole, 95) * 1000,
        "sql_p50_ms": statistics.median(sql_only) * 1000,
        "sql_p95_ms": percentile(sql_only, 95) * 1000,
        "uses_hnsw_index": f"Index Scan using {INDEX}" in plan or "Index Scan using ix_job_pool_embedding_hnsw" in plan,
        "plan": "\n".join(line[:160] for line in plan.splitlines()),
    }


def time_embedding(ctx: AppContext, names: list[str], new: int, batches: int, rng: random.Random) -> dict[str, object]:
    """Rows/s of embed_jobs() (embedding + skills + HNSW insert) for new pool rows, and the fan-out time."""
    rates, fan_out_seconds, links = [], [], 0
    for batch in range(batches):
        jobs = [make_job(rng) for _ in range(new)]
        items = [
            {
                "title": j.title,
                "companyName": j.company,
                "location": j.location,
                "description": j.description,
                "link": f"https://bench.example/{batch}/{i}/{rng.random()}",
            }
            for i, j in enumerate(jobs)
        ]
        hooks, ctx.ingestion.after_ingest = ctx.ingestion.after_ingest, []
        try:
            ctx.ingestion.run(names[0], [items], source="bench", embed=False)
        finally:
            ctx.ingestion.after_ingest = hooks
        ids = ctx.embedding.pending_ids()
        t0 = time.perf_counter()
        written = ctx.embedding.embed_jobs(ids)
        rates.append(written / (time.perf_counter() - t0))
        t0 = time.perf_counter()
        links += ctx.matching.recommendations.fan_out(ctx.profiles.get(names[0]).id, ids).total
        fan_out_seconds.append(time.perf_counter() - t0)
        log(f"  batch {batch + 1}: {written} rows at {rates[-1]:.0f} rows/s")
    return {
        "embed_index_rows_per_s_batches": [round(r) for r in rates],
        "embed_index_rows_per_s_median": statistics.median(rates),
        "fan_out_seconds_median": statistics.median(fan_out_seconds),
        "fan_out_links_created": links,
    }


def run(args: argparse.Namespace) -> dict[str, object]:
    """Run every step and return the figures."""
    rng = random.Random(20261122)
    with tempfile.TemporaryDirectory(prefix="jobpool-bench-") as tmp:
        if args.db_url:
            server_url = args.db_url
        else:
            from db.embedded import embedded_url

            server_url = embedded_url(Path(tmp))
        url = fresh_database(server_url)
        ctx = open_context(db_url=url)
        try:
            ctx.matching.recommendations.threshold = args.threshold
            log(f"loading {args.pool:,} pool jobs")
            report: dict[str, object] = {"pool": args.pool, "new_rows_per_batch": args.new}
            report.update(load_pool(ctx, args.pool, rng, args.hnsw))
            names = make_profiles(ctx, rng, args.resumes)
            log(f"timing {args.queries} Discover calls")
            report.update(time_discover(ctx, names, args.queries))
            log("timing embedding + indexing of new pool rows")
            report.update(time_embedding(ctx, names, args.new, args.batches, rng))
            if args.compare_index:
                with ctx.database.engine.begin() as conn:
                    conn.execute(text(f"DROP INDEX {INDEX}"))
                    conn.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
                    conn.execute(text(V1_INDEX))
                log("timing the same with the schema-v1 index (vector(1536), m=16, ef_construction=64)")
                v1 = time_embedding(ctx, names, args.new, args.batches, rng)
                report["v1_index_embed_index_rows_per_s_batches"] = v1["embed_index_rows_per_s_batches"]
                report["v1_index_embed_index_rows_per_s_median"] = v1["embed_index_rows_per_s_median"]
        finally:
            ctx.close()
            if not args.keep:
                admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)'))
                admin.dispose()
    return report


def main(argv: list[str] | None = None) -> int:
    """Parse options, run the benchmark, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pool", type=int, default=100_000, help="pool size (default 100,000)")
    parser.add_argument("--new", type=int, default=2000, help="new pool rows per throughput batch (default 2,000)")
    parser.add_argument("--batches", type=int, default=3, help="throughput batches (default 3)")
    parser.add_argument("--queries", type=int, default=200, help="Discover calls to time (default 200)")
    parser.add_argument("--resumes", type=int, default=1, help="résumés per profile (default 1)")
    parser.add_argument("--threshold", type=float, default=0.30, help="fan-out threshold (default 0.30)")
    parser.add_argument("--db-url", help="a PostgreSQL server URL (default: a temporary embedded server)")
    parser.add_argument("--compare-index", action="store_true", help="also time the schema-v1 HNSW index")
    parser.add_argument("--hnsw", help='other HNSW parameters for the pool index, e.g. "m = 16, ef_construction = 64"')
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    report = run(args)
    if args.hnsw:
        report["hnsw"] = args.hnsw
    if args.json:
        print(json.dumps(report, indent=2, default=str))
        return 0
    plan = report.pop("plan")
    for key, value in report.items():
        print(f"{key:48} {value:,.1f}" if isinstance(value, float) else f"{key:48} {value}")
    print("Discover plan:\n" + plan)
    return 0


if __name__ == "__main__":
    sys.exit(main())
