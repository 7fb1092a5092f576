"""`tag`: add tags to a profile's card, or remove them."""

from __future__ import annotations

import argparse

from app.context import AppContext
from cli.card_arg import job_pool_id
from cli.output import print_json

NAME = "tag"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `tag` command."""
    tag = subparsers.add_parser("tag", help="add tags to a profile's card (or remove them with --remove)")
    tag.add_argument("--profile", required=True)
    tag.add_argument("job_pool_id")
    tag.add_argument("tags", nargs="+", metavar="TAG")
    tag.add_argument("--remove", action="store_true", help="remove these tags instead")
    tag.add_argument("--json", action="store_true", help="print the card's tags as JSON")


def run(args: argparse.Namespace, ctx: AppContext) -> int:
    """Run `tag`."""
    card = ctx.details.card_id(args.profile, job_pool_id(args.job_pool_id))
    tags = ctx.details.change_tags(card, args.tags, remove=args.remove)
    if args.json:
        print_json({"job_pool_id": args.job_pool_id, "tags": list(tags)})
    else:
        print("Tags: " + (", ".join(tags) if tags else "none"))
    return 0
