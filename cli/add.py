"""`add`: one job onto a profile's board, from a posting URL, a saved page, or given on the command line."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from decimal import Decimal
from typing import Any

from app.capture.records import AddedJob, JobDraft
from app.context import AppContext
from app.errors import InvalidInput
from app.records import STATUSES
from cli.output import print_json

NAME = "add"
_parser: argparse.ArgumentParser | None = None


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `add` command."""
    global _parser
    parser = subparsers.add_parser(
        "add",
        help="add one job by URL, saved page or by hand",
        description="Give --url, --html, or --title and --company (which also override what a page says).",
    )
    parser.add_argument("--profile", required=True)
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--url", help="the posting's address (http or https); the page is fetched and read")
    source.add_argument("--html", metavar="FILE", help="a posting page saved from a browser")
    parser.add_argument("--title")
    parser.add_argument("--company")
    parser.add_argument("--location")
    parser.add_argument("--link", metavar="URL", help="the posting's address, for a job given by hand")
    parser.add_argument("--description", metavar="TEXT")
    parser.add_argument("--status", help="the column to put it in: " + ", ".join(s.value for s in STATUSES))
    parser.add_argument("--json", action="store_true", help="print the added job as JSON")
    _parser = parser


def _usage_error(message: str) -> None:
    if _parser is not None:
        _parser.error(message)  # exits 2 with the usage line
    raise SystemExit(2)


def _given(args: argparse.Namespace) -> dict[str, Any]:
    given = {
        "title": args.title,
        "company": args.company,
        "location": args.location,
        "description": args.description,
    }
    if args.link:
        given["url"] = args.link
    return {k: v for k, v in given.items() if v is not None and str(v).strip()}


def _json(added: AddedJob) -> dict[str, Any]:
    def number(value: Decimal | None) -> float | int | None:
        if value is None:
            return None
        return int(value) if value == value.to_integral_value() else float(value)

    return {
        "job_pool_id": str(added.job_pool_id),
        "user_job_id": str(added.user_job_id),
        "title": added.title,
        "company": added.company,
        "location": added.location,
        "salary_min": number(added.salary_min),
        "salary_max": number(added.salary_max),
        "salary_period": added.salary_period,
        "posted_at": added.posted_at.isoformat() if added.posted_at else None,
        "url": added.url,
        "source": added.source,
        "pool_hit": added.pool_hit,
    }


def run(args: argparse.Namespace, ctx: AppContext) -> int:
    """Read the posting (when a page is given), add it, and print what was added."""
    given = _given(args)
    if not args.url and not args.html and not (args.title and args.company):
        _usage_error("give --url URL, --html FILE, or --title T --company C")
    if args.url:
        draft = ctx.capture.draft_from_url(args.url)
        source = "url"
    elif args.html:
        draft = ctx.capture.draft_from_file(args.html)
        source = "url" if draft.url or args.link else "manual"
    else:
        draft = JobDraft(found_by=None)
        source = "manual"
    draft = replace(draft, **given)
    if not draft.has_posting:
        where = args.url or args.html
        seen = f" (page title: “{draft.page_title[:80]}”)" if draft.page_title else ""
        raise InvalidInput(
            f"No job posting found at {where}{seen}; it may need JavaScript or a login. "
            "Give --title and --company to add it anyway."
        )
    added = ctx.capture.add(args.profile, draft, source=source, status=args.status)
    if args.json:
        print_json(_json(added))
    else:
        hit = "already in the pool" if added.pool_hit else "new to the pool"
        print(f"Added “{added.title}” at {added.company} to {added.status} ({hit}); job pool id {added.job_pool_id}.")
    if not draft.found_by and (args.url or args.html):
        print("jobpool: no posting on the page; added from the command line's fields.", file=sys.stderr)
    return 0
