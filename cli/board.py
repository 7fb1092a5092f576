"""`board` and `move`."""

from __future__ import annotations

import argparse
import uuid

from app.card_filter import CardFilter, normalize_tags, parse_amount, parse_priority, parse_search
from app.cards import parse_status
from app.context import AppContext
from app.errors import InvalidInput
from app.records import STATUSES, status_label
from cli.output import print_json, print_table, truncate

NAME = "board"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `board` and `move` commands."""
    board = subparsers.add_parser("board", help="show a profile's cards")
    board.add_argument("--profile", required=True)
    board.add_argument("--status", help="only this column: " + ", ".join(s.value for s in STATUSES))
    board.add_argument(
        "--search",
        help="full-text search over title, company and description (tag:T, priority:P and salary:N work here too)",
    )
    board.add_argument("--tag", action="append", default=[], help="only cards with this tag (repeat: all of them)")
    board.add_argument("--priority", help="only cards of this priority: low, medium, high")
    board.add_argument(
        "--min-salary", metavar="AMOUNT", help="only postings paying at least this much a year (hourly pay × 2080, …)"
    )
    board.add_argument("--due", action="store_true", help="only cards whose follow-up is due today or overdue")
    board.add_argument("--json", action="store_true", help="print the cards as a JSON array")
    move = subparsers.add_parser("move", help="move a profile's card for a pool job to a column")
    move.add_argument("--profile", required=True)
    move.add_argument("job_pool_id")
    move.add_argument("status")
    move.add_argument("--json", action="store_true", help="print JSON")


def run(args: argparse.Namespace, ctx: AppContext) -> int:
    """Run `board` or `move`."""
    if args.command == "move":
        try:
            job_id = uuid.UUID(args.job_pool_id)
        except ValueError:
            raise InvalidInput(f"“{args.job_pool_id}” is not a job pool id (a UUID; see `board --json`).") from None
        result = ctx.cards.move_job(args.profile, job_id, args.status)
        if args.json:
            print_json(
                {
                    "user_job_id": str(result.user_job_ids[0]),
                    "status": result.status.value,
                    "position": result.positions[0],
                }
            )
        else:
            print(f"Moved to {status_label(result.status)}.")
        return 0
    profile = ctx.profiles.get(args.profile)
    status = parse_status(args.status) if args.status else None
    options = CardFilter(
        tags=tuple(normalize_tags(args.tag)),
        priority=parse_priority(args.priority),
        min_salary=parse_amount(args.min_salary) if args.min_salary else None,
        due=args.due,
    )
    filters = parse_search(args.search).combined(options)
    cards = ctx.board.cards_for(profile.id, status, filters)
    if args.json:
        print_json([card.to_json() for card in cards])
        return 0
    if not cards:
        print(f"No cards for “{profile.name}”" + (" matching that filter." if filters.active else "."))
        return 0
    print_table(
        ["STATUS", "SCORE", "TITLE", "COMPANY", "LOCATION", "JOB_POOL_ID"],
        [
            [
                c.status.value,
                c.match_score if c.match_score is not None else "-",
                truncate(c.title, 40),
                truncate(c.company, 24),
                truncate(c.location, 20),
                c.job_pool_id,
            ]
            for c in cards
        ],
    )
    return 0
