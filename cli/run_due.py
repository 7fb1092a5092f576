"""`run-due`: run the saved searches that are due, once each even with other runners about, then exit."""

from __future__ import annotations

import argparse
import sys

from app.context import AppContext
from app.searches.runner import DueProgress
from cli.output import print_json

NAME = "run-due"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `run-due` command."""
    parser = subparsers.add_parser(NAME, help="run the saved searches that are due (for cron or a systemd timer)")
    parser.add_argument("--json", action="store_true", help="print what ran as JSON")


def run(args: argparse.Namespace, ctx: AppContext) -> int:
    """Run `run-due`."""

    def progress(step: DueProgress) -> None:
        if not args.json and step.message == "starting":
            print(f"[{step.index}/{step.total}] {step.profile}: {step.query}", flush=True)

    report = ctx.search_runner.run_due(ctx.database.location.data_dir, on_progress=progress)
    if args.json:
        print_json(
            {
                "ran": [
                    {
                        "search_id": str(o.search_id),
                        "run_id": str(o.run_id) if o.run_id else None,
                        "actor_run_reused": o.actor_run_reused,
                        "pool_inserts": o.pool_inserts,
                        "pool_hits": o.pool_hits,
                        "status": o.status,
                        "error": o.error,
                        "paused": o.paused_now,
                    }
                    for o in report.ran
                ],
                "skipped_locked": report.skipped_locked,
            }
        )
    else:
        for o in report.ran:
            how = "served from the pool" if o.actor_run_reused else "actor run"
            line = f"{o.profile}: {o.status} ({how}) · Pool insert {o.pool_inserts} · Pool hit {o.pool_hits}"
            print(line + (f" · {o.error}" if o.error else ""))
        print(f"Ran {len(report.ran)} due search(es); {report.skipped_locked} held by another runner.")
    for o in report.ran:
        if o.paused_now:
            print(f"jobpool: saved search {o.search_id} paused: {o.error}", file=sys.stderr)
    return 0
