"""Ingestion fidelity over the repository's sample exports: per file, the shape detected and what became of the items.

Run: python bench/bench_fidelity.py [--json] [--db-url URL] [FILE ...]. Every file goes into one fresh database in
turn (so a posting already brought by an earlier file counts as a pool hit), for one profile. Per file it prints
the detected format and source, items read, rejected, posting dates inferred from an age, duplicates merged inside
the file and postings already pooled.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from app.context import open_context  # noqa: E402
from app.errors import JobPoolError  # noqa: E402

SAMPLES = ROOT / "tests" / "fixtures" / "datasets"
_SUFFIXES = (".json", ".jsonl", ".csv", ".gz")


def sample_files() -> list[Path]:
    """The dataset files among the repository's samples (not the manifest that describes them)."""
    return sorted(p for p in SAMPLES.iterdir() if p.suffix in _SUFFIXES and p.name != "MANIFEST.json")


def fidelity(db_url: str, files: list[Path]) -> list[dict]:
    """Ingest each file for one profile; one row of figures per file."""
    ctx = open_context(db_url=db_url)
    ctx.profiles.add("fidelity")
    rows = []
    try:
        for path in files:
            try:
                report = ctx.ingestion.ingest_file("fidelity", str(path), embed=False)
            except JobPoolError as exc:
                rows.append({"file": path.name, "refused": exc.message})
                continue
            rows.append(
                {
                    "file": path.name,
                    "format": report.format,
                    "formats": report.formats,
                    "source": report.job_source,
                    "items": report.fetched,
                    "rejected": len(report.rejected),
                    "dates_inferred": report.dates_inferred,
                    "duplicates_merged": report.duplicates,
                    "pool_hits": report.pool_hits,
                    "pool_inserts": report.pool_inserts,
                }
            )
    finally:
        ctx.close()
    return rows


def main(argv: list[str] | None = None) -> int:
    """Print the fidelity table (or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("files", nargs="*", type=Path, help="dataset files (default: the repository's samples)")
    parser.add_argument("--db-url", help="a PostgreSQL server to create the bench database on (default: embedded)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    files = args.files or sample_files()
    with tempfile.TemporaryDirectory() as data_dir:
        if args.db_url:
            admin_url = args.db_url
        else:
            from db.embedded import embedded_url

            admin_url = embedded_url(Path(data_dir))
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        name = f"fidelity_{uuid.uuid4().hex[:10]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        try:
            rows = fidelity(url, files)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    header = ("file", "format", "source", "items", "rejected", "dates inferred", "dup. merged", "pool hits")
    table = [header]
    for row in rows:
        if "refused" in row:
            table.append((row["file"], "refused", "-", "-", "-", "-", "-", "-"))
            continue
        shape = row["format"] or "-"
        if len(row["formats"]) > 1:
            shape += f" (+{len(row['formats']) - 1})"
        table.append(
            (
                row["file"],
                shape,
                row["source"] or "-",
                str(row["items"]),
                str(row["rejected"]),
                str(row["dates_inferred"]),
                str(row["duplicates_merged"]),
                str(row["pool_hits"]),
            )
        )
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    for line in table:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
