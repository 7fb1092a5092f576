"""`history`: a card's status history, oldest first."""

from __future__ import annotations

import argparse

from app.context import AppContext
from app.records import status_label
from cli.output import parse_job_pool_id, print_json, print_table

NAME = "history"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `history` command."""
    history = subparsers.add_parser("history", help="show how a profile's card moved between columns")
    history.add_argument("--profile", required=True)
    history.add_argument("job_pool_id")
    history.add_argument("--json", action="store_true", help="print the events as a JSON array, oldest first")


def run(args: argparse.Namespace, ctx: AppContext) -> int:
    """Run `history`."""
    events = ctx.status_history.events_for_job(args.profile, parse_job_pool_id(args.job_pool_id))
    if args.json:
        print_json([event.to_json() for event in events])
        return 0
    print_table(
        ["AT", "FROM", "TO", "VIA"],
        [
            [
                event.at.astimezone().strftime("%Y-%m-%d %H:%M"),
                status_label(event.from_status) if event.from_status else "(added)",
                status_label(event.to_status),
                event.via,
            ]
            for event in events
        ],
    )
    return 0
