"""`notifications`: a profile's inbox (new jobs, due follow-ups, failed runs), newest first."""

from __future__ import annotations

import argparse

from app.context import AppContext
from cli.output import print_json, print_table, truncate

NAME = "notifications"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `notifications` command."""
    parser = subparsers.add_parser("notifications", help="list a profile's notifications inbox, newest first")
    parser.add_argument("--profile", required=True)
    parser.add_argument("--unread", action="store_true", help="only the unread ones")
    parser.add_argument("--json", action="store_true", help="print the notifications as a JSON array")


def run(args: argparse.Namespace, ctx: AppContext) -> int:
    """Run `notifications`: bring due follow-ups and failed runs in, then list."""
    profile = ctx.profiles.get(args.profile)
    ctx.notifications.sync(profile.id)
    items = ctx.notifications.inbox(profile.id, unread_only=args.unread)
    if args.json:
        print_json([item.to_json() for item in items])
        return 0
    if not items:
        print(f"No {'unread ' if args.unread else ''}notifications for “{profile.name}”.")
        return 0
    print_table(
        ["CREATED", "KIND", "READ", "TITLE", "JOB_POOL_ID"],
        [
            [
                item.created_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                item.kind,
                "yes" if item.read else "no",
                truncate(item.title, 60),
                item.job_pool_id or "",
            ]
            for item in items
        ],
    )
    return 0
