"""`searches add|list|remove`: a profile's Apify searches on a schedule (run by the window or `run-due`)."""

from __future__ import annotations

import argparse

from app.context import AppContext
from app.searches.schedule import Schedule
from app.searches.service import SavedSearchRecord
from cli.output import print_json, print_table, truncate

NAME = "searches"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `searches` command."""
    parser = subparsers.add_parser(NAME, help="save, list or remove scheduled Apify searches")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="save a search for a profile, run every N hours (first run: now)")
    add.add_argument("--profile", required=True)
    add.add_argument("--actor", required=True, help="a preset (linkedin, indeed, …) or an Apify actor id")
    add.add_argument("--query", required=True)
    add.add_argument("--location")
    add.add_argument("--max", type=int, default=100, help="at most this many items per run (default 100)")
    add.add_argument("--every", type=int, required=True, metavar="HOURS", help="run every HOURS hours")
    listing = actions.add_parser("list", help="list saved searches with their next run and last outcome")
    listing.add_argument("--profile")
    listing.add_argument("--json", action="store_true", help="print JSON")
    remove = actions.add_parser("remove", help="delete a saved search (its past runs stay in the history)")
    remove.add_argument("id")


def search_json(search: SavedSearchRecord) -> dict:
    """A saved search as `searches list --json` prints it."""
    return {
        "id": str(search.id),
        "profiles": list(search.profiles),
        "actor": search.actor,
        "query": search.query,
        "location": search.location,
        "max_items": search.max_items,
        "every_hours": search.every_hours,
        "schedule": search.schedule.text,
        "next_run_at": search.next_run_at.isoformat(),
        "last_run_at": search.last_run_at.isoformat() if search.last_run_at else None,
        "last_status": search.last_status,
        "last_error": search.last_error,
        "paused": search.paused,
        "pause_reason": search.pause_reason,
    }


def run(args: argparse.Namespace, ctx: AppContext) -> int:
    """Run a `searches` action."""
    service = ctx.searches
    if args.action == "add":
        search = service.add(args.profile, args.actor, args.query, args.location, args.max, Schedule(args.every))
        print(f"Saved search {search.id} for {search.profile}: {search.schedule.text}, first run when due (now).")
    elif args.action == "list":
        searches = service.list(args.profile)
        if args.json:
            print_json([search_json(s) for s in searches])
        elif not searches:
            print(
                "No saved searches. Save one: "
                "python main.py searches add --profile P --actor linkedin --query Q --every 24"
            )
        else:
            print_table(
                ["ID", "PROFILES", "ACTOR", "QUERY", "LOCATION", "SCHEDULE", "NEXT RUN", "LAST OUTCOME"],
                [
                    [
                        s.id,
                        ", ".join(s.profiles),
                        s.actor,
                        truncate(s.query, 30),
                        truncate(s.location, 20),
                        s.schedule.text,
                        "paused" if s.paused else s.next_run_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                        truncate(s.outcome_text, 60),
                    ]
                    for s in searches
                ],
            )
    elif args.action == "remove":
        service.remove(args.id)
        print(f"Removed saved search {args.id}.")
    return 0
