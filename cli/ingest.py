"""`ingest --file` (dataset exports); Apify actors are added by the live-ingestion module."""

from __future__ import annotations

import argparse
import sys

from app.context import AppContext
from app.errors import InvalidInput
from app.ingestion.normalize_schemas import SCHEMAS
from app.ingestion.pipeline import IngestProgress
from app.ingestion.report_text import headline, rejection_lines
from cli.output import print_json

NAME = "ingest"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `ingest` command."""
    parser = subparsers.add_parser("ingest", help="bring jobs into the pool and onto a profile's board")
    parser.add_argument("--profile", required=True)
    parser.add_argument("--file", help="an Apify dataset export (JSON, JSONL, CSV) or a JobSpy CSV")
    parser.add_argument("--actor", help="linkedin, linkedin-bebity, indeed, indeed-valig, or an Apify actor id")
    parser.add_argument("--query", help="search words for --actor")
    parser.add_argument("--location", help="where, for --actor")
    parser.add_argument("--max", type=int, default=100, help="at most this many items from --actor (default 100)")
    parser.add_argument(
        "--format",
        choices=SCHEMAS,
        help="read every item of --file in this shape instead of detecting it (" + ", ".join(SCHEMAS) + ")",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")


def _progress(progress: IngestProgress) -> None:
    print(f"  {progress.message}", file=sys.stderr)


def run(args: argparse.Namespace, ctx: AppContext) -> int:
    """Run an ingestion and print its report."""
    if bool(args.file) == bool(args.actor):
        raise InvalidInput("Give either --file PATH or --actor PRESET_OR_ID --query Q.")
    on_progress = None if args.json else _progress
    if args.file:
        report = ctx.ingestion.ingest_file(args.profile, args.file, on_progress=on_progress, schema=args.format)
    else:
        from cli.ingest_apify import run_actor

        report = run_actor(args, ctx, on_progress)
    if report.status != "failed":
        # Rows an earlier run stored without an embedding (it was interrupted, or the embedder failed) are
        # embedded here too; the window does the same after it starts.
        ctx.ingestion.embed_pending(on_progress)
    if args.json:
        print_json(report.to_json())
    else:
        print(f"{headline(report)} ({report.seconds:.2f} s)")
        for line in rejection_lines(report):
            print(f"  {line}")
    if report.status == "failed":
        print(f"Ingestion failed: {report.error}", file=sys.stderr)
        return 1
    if report.status == "cancelled":
        print("Ingestion cancelled; the jobs read before that are kept.", file=sys.stderr)
        return 1
    return 0
