"""`interview` (record one for a card) and `interviews` (a profile's upcoming ones, or an .ics file of them)."""

from __future__ import annotations

import argparse
from datetime import datetime

from app.calendar_export import write_interviews_calendar
from app.card_details import INTERVIEW_KINDS_TEXT
from app.context import AppContext
from app.errors import InvalidInput
from cli.card_arg import job_pool_id
from cli.output import print_json, print_table, truncate

NAME = "interview"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `interview` and `interviews` commands."""
    one = subparsers.add_parser("interview", help="record an interview for a profile's card")
    one.add_argument("--profile", required=True)
    one.add_argument("job_pool_id")
    one.add_argument(
        "--at", required=True, help="ISO 8601 date and time, e.g. 2026-12-01T15:00+01:00 (no offset: local time)"
    )
    one.add_argument("--kind", help=INTERVIEW_KINDS_TEXT)
    one.add_argument("--with", dest="with_whom", metavar="NAMES", help="who you meet")
    one.add_argument("--note", help="notes")
    one.add_argument("--json", action="store_true", help="print the interview as JSON")
    many = subparsers.add_parser("interviews", help="a profile's upcoming interviews")
    many.add_argument("--profile", required=True)
    many.add_argument("--ics", metavar="FILE", help="also write them to an iCalendar (.ics) file")
    many.add_argument("--json", action="store_true", help="print them as a JSON array")


def parse_moment(value: str) -> datetime:
    """An ISO 8601 date and time; without an offset it is this machine's local time."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(
            f"“{value}” is not an ISO 8601 date and time (for example 2026-12-01T15:00+01:00)."
        ) from None
    if moment.tzinfo is None:
        moment = moment.astimezone()  # local time, with the offset it has on that day
    return moment


def run(args: argparse.Namespace, ctx: AppContext) -> int:
    """Run `interview` or `interviews`."""
    if args.command == "interview":
        card = ctx.details.card_id(args.profile, job_pool_id(args.job_pool_id))
        record = ctx.details.add_interview(card, parse_moment(args.at), args.kind, args.with_whom, args.note)
        if args.json:
            print_json(record.to_json())
        else:
            print(f"Interview recorded for {record.at.astimezone():%a %d %b %Y %H:%M %Z}.")
        return 0
    profile = ctx.profiles.get(args.profile)
    interviews = ctx.details.upcoming_interviews(profile.id)
    if args.ics:
        write_interviews_calendar(interviews, args.ics)
    if args.json:
        print_json([i.to_json() for i in interviews])
        return 0
    if not interviews:
        print(f"No upcoming interviews for “{profile.name}”.")
    else:
        print_table(
            ["WHEN", "KIND", "WITH", "TITLE", "COMPANY", "JOB_POOL_ID"],
            [
                [
                    f"{i.at.astimezone():%Y-%m-%d %H:%M %z}",
                    i.kind or "-",
                    truncate(i.with_whom, 24),
                    truncate(i.title, 36),
                    truncate(i.company, 20),
                    i.job_pool_id,
                ]
                for i in interviews
            ],
        )
    if args.ics:
        print(f"Wrote {len(interviews)} interviews to {args.ics}.", flush=True)
    return 0
