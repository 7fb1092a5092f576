"""`remind` and `reminders`: follow-ups on cards."""

from __future__ import annotations

import argparse
from datetime import date

from app.context import AppContext
from cli.output import parse_job_pool_id, print_json, print_table, truncate

NAME = "reminders"


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{value}” is not a date (YYYY-MM-DD)") from None


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `remind` and `reminders` commands."""
    remind = subparsers.add_parser("remind", help="set a follow-up on a profile's card for a pool job")
    remind.add_argument("--profile", required=True)
    remind.add_argument("job_pool_id")
    remind.add_argument("--on", required=True, type=_day, metavar="YYYY-MM-DD", help="the day it is due")
    remind.add_argument("--note", help="what to follow up on")
    reminders = subparsers.add_parser("reminders", help="list a profile's open follow-ups, soonest first")
    reminders.add_argument("--profile", required=True)
    reminders.add_argument("--due", action="store_true", help="only those due today or overdue")
    reminders.add_argument("--json", action="store_true", help="print the follow-ups as a JSON array")


def run(args: argparse.Namespace, ctx: AppContext) -> int:
    """Run `remind` or `reminders`."""
    if args.command == "remind":
        ctx.reminders.set_for_job(args.profile, parse_job_pool_id(args.job_pool_id), args.on, args.note)
        print(f"Follow-up set for {args.on.isoformat()}.")
        return 0
    profile = ctx.profiles.get(args.profile)
    items = ctx.reminders.open_reminders(profile.id, due_by=date.today() if args.due else None)
    if args.json:
        print_json([item.to_json() for item in items])
        return 0
    if not items:
        print(f"No {'due ' if args.due else ''}follow-ups for “{profile.name}”.")
        return 0
    print_table(
        ["DUE", "TITLE", "COMPANY", "NOTE", "JOB_POOL_ID"],
        [
            [
                item.due_on.isoformat(),
                truncate(item.title, 40),
                truncate(item.company, 24),
                truncate(item.note, 30),
                item.job_pool_id,
            ]
            for item in items
        ],
    )
    return 0
