"""`show`: one card in full, every pool field and the profile's link fields."""

from __future__ import annotations

import argparse
import uuid

from app.context import AppContext
from app.errors import InvalidInput
from app.records import JobDetail, status_label
from cli.output import print_json

NAME = "show"
_DESCRIPTION_LINE = 100


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `show` command."""
    show = subparsers.add_parser("show", help="print one card in full")
    show.add_argument("--profile", required=True)
    show.add_argument("job_pool_id")
    show.add_argument("--json", action="store_true", help="print the card as one JSON object")


def run(args: argparse.Namespace, ctx: AppContext) -> int:
    """Print a profile's card for a pool job."""
    try:
        job_id = uuid.UUID(args.job_pool_id)
    except ValueError:
        raise InvalidInput(f"“{args.job_pool_id}” is not a job pool id (a UUID; see `board --json`).") from None
    profile = ctx.profiles.get(args.profile)
    detail = ctx.board.detail(ctx.board.card_id_for(profile.id, job_id))
    if args.json:
        print_json(detail.to_json())
        return 0
    for line in _lines(detail):
        print(line)
    return 0


def _lines(detail: JobDetail) -> list[str]:
    """The card as labelled lines, then its description."""
    data = detail.to_json()
    card = detail.card
    posted = data["posted_at"] or "-"
    if detail.posted_at_inferred and data["posted_at"]:
        posted += " (inferred from the posting's age)"
    seen = f"first {data['first_seen_at'] or '-'}, last {data['last_seen_at'] or '-'}, {detail.times_seen} time(s)"
    if card.reposted:
        seen += f"; reposted {data['reposted_at']}"
    rows = [
        ("Title", card.title),
        ("Company", card.company),
        ("Location", card.location),
        ("Salary", detail.salary_text()),
        ("Posted", posted),
        ("Source", card.source),
        ("Format", detail.source_format),
        ("External id", detail.external_id),
        ("URL", card.url),
        ("Apply URL", detail.apply_url),
        ("Job type", detail.job_type),
        ("Remote", None if card.is_remote is None else ("yes" if card.is_remote else "no")),
        ("Seen", seen),
        ("Status", status_label(card.status)),
        ("Score", card.match_score),
        ("Notes", card.notes),
        ("Added", data["added_at"]),
        ("Status changed", data["status_changed_at"]),
        ("Earlier version", card.applied_before_text),
        ("Job pool id", data["job_pool_id"]),
    ]
    lines = [f"{label + ':':<16} {value}" for label, value in rows if value not in (None, "")]
    if detail.description:
        lines += ["", *detail.description.splitlines()]
    return lines
