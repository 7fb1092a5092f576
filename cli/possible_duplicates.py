"""`possible-duplicates`: jobs on a profile's board that may be one posting (same company, alike)."""

from __future__ import annotations

import argparse

from app.context import AppContext
from cli.output import print_json, print_table, truncate

NAME = "possible-duplicates"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `possible-duplicates` command."""
    parser = subparsers.add_parser(NAME, help="jobs on a profile's board that may be copies of one another")
    parser.add_argument("--profile", required=True)
    parser.add_argument(
        "--json", action="store_true", help="print [{job_pool_id, duplicate_of, reason, score}] as a JSON array"
    )


def run(args: argparse.Namespace, ctx: AppContext) -> int:
    """List the profile's possible duplicates."""
    items = ctx.duplicates.possible_duplicates(args.profile)
    if args.json:
        print_json([item.to_json() for item in items])
        return 0
    if not items:
        print(f"No possible duplicates on “{args.profile}”'s board.")
        return 0
    print_table(
        ["JOB_POOL_ID", "TITLE", "DUPLICATE_OF", "ITS TITLE", "REASON", "SCORE"],
        [
            [
                item.job_pool_id,
                truncate(item.title, 36),
                item.duplicate_of,
                truncate(item.duplicate_of_title, 36),
                item.reason,
                f"{item.score:.2f}",
            ]
            for item in items
        ],
    )
    return 0
