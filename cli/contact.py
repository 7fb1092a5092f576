"""`contact`: record a person connected with a profile's card."""

from __future__ import annotations

import argparse

from app.context import AppContext
from cli.card_arg import job_pool_id
from cli.output import print_json

NAME = "contact"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `contact` command."""
    contact = subparsers.add_parser("contact", help="record a contact for a profile's card")
    contact.add_argument("--profile", required=True)
    contact.add_argument("job_pool_id")
    contact.add_argument("--name", required=True)
    contact.add_argument("--role")
    contact.add_argument("--email")
    contact.add_argument("--phone")
    contact.add_argument("--url", help="profile URL (http or https)")
    contact.add_argument("--note", help="notes")
    contact.add_argument("--json", action="store_true", help="print the contact as JSON")


def run(args: argparse.Namespace, ctx: AppContext) -> int:
    """Run `contact`."""
    card = ctx.details.card_id(args.profile, job_pool_id(args.job_pool_id))
    record = ctx.details.add_contact(card, args.name, args.role, args.email, args.phone, args.url, args.note)
    if args.json:
        print_json(record.to_json())
    else:
        print(f"Contact “{record.name}” recorded.")
    return 0
