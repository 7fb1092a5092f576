"""`ingest --actor`: a live search through an Apify actor, served from the pool when it was run recently."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from app.context import AppContext
from app.errors import InvalidInput
from app.ingestion.apify_search import run_search
from app.ingestion.live import SearchRequest
from app.ingestion.pipeline import IngestProgress
from app.records import IngestReport


def run_actor(
    args: argparse.Namespace, ctx: AppContext, on_progress: Callable[[IngestProgress], None] | None
) -> IngestReport:
    """Run the search the arguments describe for the profile."""
    if not args.query:
        raise InvalidInput("--actor needs --query (the search words).")
    request = SearchRequest(actor=args.actor, query=args.query, location=args.location, max_items=args.max)
    # A token and API URL saved in the window's Settings count here too; the environment still wins.
    return run_search(ctx.live, ctx.database.location.data_dir, args.profile, request, on_progress=on_progress)
