"""Benchmark of the v1 -> shared pool migration: 100,000 legacy rows across 20 profiles (target: under 60 s).

Run: python bench/bench_migration.py [--rows 100000] [--users 20] [--embedded-fraction 0.25] [--backup]
     [--rollback] [--db-url URL]. It starts its own embedded PostgreSQL in a temporary directory (or creates a
database on --db-url's server), builds a messy v1 database (profiles sharing postings, second copies of one job
under another spelling, NULL hashes, odd statuses, salary texts, clustered 1536-d embeddings on a fraction of
rows), then times the preview, the migration (one transaction, verification included) and optionally the rollback.
"""

from __future__ import annotations

import argparse
import atexit
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from app.database import open_database  # noqa: E402
from app.migration.service import MigrationService  # noqa: E402
from tests.support.legacy_fixtures import build_bulk_v1  # noqa: E402

TARGET_SECONDS = 60.0


def _fresh_database(server_url: str) -> str:
    name = f"bench_migration_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def _drop_database(server_url: str, url: str) -> None:
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    admin.dispose()


def main() -> int:
    """Build the v1 database, migrate it, print the figures; exit 1 if the migration misses the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--catalog", type=int, default=30_000, help="distinct postings the rows are drawn from")
    parser.add_argument("--embedded-fraction", type=float, default=0.25, help="share of rows with an embedding")
    parser.add_argument("--backup", action="store_true", help="include the pg_dump backup in the timing")
    parser.add_argument("--rollback", action="store_true", help="also time a rollback")
    parser.add_argument("--db-url", help="a PostgreSQL server with pgvector (default: a temporary embedded one)")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="jobpool-bench-migration-"))
    # Registered before the embedded server starts, so it runs after the server's own exit hook has stopped it.
    atexit.register(shutil.rmtree, workdir, ignore_errors=True)
    if args.db_url:
        from db.engine import normalize_url

        server_url = normalize_url(args.db_url)
    else:
        from db.embedded import embedded_url

        server_url = embedded_url(workdir)
    url = _fresh_database(server_url)
    try:
        started = time.perf_counter()
        rows = build_bulk_v1(
            url, rows=args.rows, users=args.users, catalog=args.catalog, embedded_fraction=args.embedded_fraction
        )
        print(
            f"built v1 database: {rows} legacy rows, {args.users} profiles, "
            f"{args.embedded_fraction:.0%} with embeddings ({time.perf_counter() - started:.1f} s)"
        )
        database = open_database(url, workdir, upgrade=False)
        service = MigrationService(database)
        started = time.perf_counter()
        preview = service.preview()
        print(
            f"preview: {time.perf_counter() - started:.1f} s -> {preview.pool_jobs} pool jobs, {preview.links} "
            f"cards, {preview.merged_rows} merged rows, {len(preview.unmapped)} unmapped status values"
        )

        marks: dict[str, float] = {}

        def progress(step) -> None:
            marks[step.phase] = time.perf_counter() - started
            print(f"  {marks[step.phase]:6.1f} s  {step.message}")

        started = time.perf_counter()
        report = service.migrate(backup=args.backup, on_progress=progress)
        total = time.perf_counter() - started
        backup_seconds = marks["schema"] - marks["backup"] if args.backup else 0.0
        seconds = total - backup_seconds
        verdict = "OK" if seconds < TARGET_SECONDS else "TOO SLOW"
        if args.backup:
            print(f"backup (pg_dump): {backup_seconds:.1f} s -> {report.backup_path}")
        print(
            f"migration: {seconds:.1f} s for {report.legacy_rows} legacy rows (target < {TARGET_SECONDS:.0f} s: "
            f"{verdict}); {report.pool_jobs} pool jobs, {report.links} cards, {report.embeddings_kept} embeddings "
            f"kept; verification {'passed' if report.verification.ok else 'FAILED'}"
        )
        if args.backup:
            print(f"total with the backup: {total:.1f} s")
        if args.rollback:
            started = time.perf_counter()
            rolled = service.rollback(backup=False)
            print(f"rollback: {time.perf_counter() - started:.1f} s, {rolled.restored_rows} rows restored")
        database.close()
        return 0 if seconds < TARGET_SECONDS and report.verification.ok else 1
    finally:
        _drop_database(server_url, url)


if __name__ == "__main__":
    sys.exit(main())
