"""`discover`: pool jobs closest to a profile's resume that are not on its board yet."""

from __future__ import annotations

import argparse

from app.context import AppContext
from app.matching.discover_service import DEFAULT_DISCOVER_LIMIT, MAX_DISCOVER_LIMIT
from cli.output import print_json, print_table, truncate

NAME = "discover"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `discover` command."""
    parser = subparsers.add_parser(NAME, help="pool jobs that match a profile's resume and are not on its board")
    parser.add_argument("--profile", required=True)
    parser.add_argument(
        "--limit",
        type=int,
        default=DEFAULT_DISCOVER_LIMIT,
        help=f"how many jobs to list (1-{MAX_DISCOVER_LIMIT}, default {DEFAULT_DISCOVER_LIMIT})",
    )
    parser.add_argument("--add", action="store_true", help="also put the listed jobs on the profile's board")
    parser.add_argument("--json", action="store_true", help="print the jobs as a JSON array")


def run(args: argparse.Namespace, ctx: AppContext) -> int:
    """List the nearest unlinked pool jobs (and add them with --add)."""
    items = ctx.matching.discovery.discover(args.profile, args.limit)
    added = (
        ctx.matching.discovery.add_from_discover(args.profile, [item.job_pool_id for item in items]) if args.add else 0
    )
    if args.json:
        print_json([item.to_json() for item in items])
        return 0
    if not items:
        print(f"Nothing to discover for “{args.profile}”: every embedded pool job is on its board already.")
        return 0
    print_table(
        ["SCORE", "TITLE", "COMPANY", "LOCATION", "MISSING SKILLS", "JOB_POOL_ID"],
        [
            [
                item.match_score,
                truncate(item.title, 40),
                truncate(item.company, 22),
                truncate(item.location, 18),
                truncate(", ".join(item.missing[:4]), 32),
                item.job_pool_id,
            ]
            for item in items
        ],
    )
    if args.add:
        print(f"Added {added} jobs to the Recommended column of “{args.profile}”.")
    return 0
