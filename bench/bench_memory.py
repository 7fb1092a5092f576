"""Peak memory of ingesting a big dataset export: generates one, ingests it in a child process, prints its peak RSS.

Run: python bench/bench_memory.py [--size 300] [--format json|jsonl] [--gzip] [--code DIR] [--json]
--size is the export's size in MB (uncompressed). --code points the child at another checkout of JobPool (e.g. the
main branch) to compare with the same export and the same database server. The child ingests through the same
service as `ingest --file`, without the embedding pass (that pass holds one batch at a time and is measured by
bench_matching.py). Peak RSS is ru_maxrss of the child (resource.getrusage(RUSAGE_CHILDREN)), in MB.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from tests.support.synthetic import linkedin_item  # noqa: E402

CHILD = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
from app.context import open_context
ctx = open_context(db_url=sys.argv[2], data_dir=sys.argv[3])
ctx.profiles.add("bench")
start = time.perf_counter()
report = ctx.ingestion.ingest_file("bench", sys.argv[4], embed=False)
import app
print(json.dumps({"app": app.__file__, "status": report.status, "fetched": report.fetched,
                  "pool_inserts": report.pool_inserts, "rejected": len(report.rejected),
                  "seconds": time.perf_counter() - start, "error": report.error}))
ctx.close()
"""


def write_export(path: Path, size_mb: int, file_format: str, packed: bool) -> int:
    """Write an export of about size_mb MB of distinct LinkedIn-shaped items; returns how many items."""
    target = size_mb << 20
    opener = gzip.open if packed else open
    written = count = 0
    rng = random.Random(1)
    with opener(path, "wt", encoding="utf-8") as out:  # type: ignore[operator]
        if file_format == "json":
            out.write("[\n")
        while written < target:
            line = json.dumps(linkedin_item(count, rng, description_words=250))
            if file_format == "json":
                line = (",\n" if count else "") + line
            else:
                line += "\n"
            out.write(line)
            written += len(line)
            count += 1
        if file_format == "json":
            out.write("\n]\n")
    return count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=300, help="export size in MB (default 300)")
    parser.add_argument("--format", choices=("json", "jsonl"), default="json")
    parser.add_argument("--gzip", action="store_true", help="gzip the export")
    parser.add_argument("--code", type=Path, default=ROOT, help="the JobPool checkout the child runs")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args()

    from db.embedded import embedded_url, stop_embedded

    work = Path(tempfile.mkdtemp(prefix="jobpool-bench-memory-"))
    try:
        export = work / f"export.{args.format}{'.gz' if args.gzip else ''}"
        started = time.perf_counter()
        items = write_export(export, args.size, args.format, args.gzip)
        generated = time.perf_counter() - started
        server_url = embedded_url(work / "server")
        name = f"bench_{uuid.uuid4().hex[:10]}"
        admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        db_url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
        child = subprocess.run(
            [sys.executable, "-c", CHILD, str(args.code.resolve()), db_url, str(work / "data"), str(export)],
            cwd=args.code,
            capture_output=True,
            text=True,
        )
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # kilobytes on Linux
        if child.returncode != 0:
            print(child.stderr[-3000:], file=sys.stderr)
        outcome = json.loads(child.stdout.strip().splitlines()[-1]) if child.returncode == 0 else {}
        result = {
            "code": str(args.code.resolve()),
            "format": args.format,
            "gzip": args.gzip,
            "export_mb": round(export.stat().st_size / (1 << 20), 1),
            "items": items,
            "generate_s": round(generated, 1),
            "child_exit": child.returncode,
            "peak_rss_mb": round(peak_mb, 1),
            **outcome,
        }
        if args.json:
            print(json.dumps(result))
        else:
            for key, value in result.items():
                print(f"{key:>14}: {value}")
        stop_embedded(work / "server")
        return 0 if child.returncode == 0 else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
