"""An Apify search as the window and the command line run it: settings applied, freshness probed, token checked."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.errors import MissingToken
from app.ingestion.apify_presets import criteria_key
from app.ingestion.live import ApifyConfig, LiveIngestionService, SearchRequest
from app.ingestion.pipeline import IngestProgress
from app.records import IngestReport
from app.settings import API_URL_ENV, TOKEN_ENV, load_apify_settings


@dataclass(frozen=True, slots=True)
class SearchProbe:
    """Before a search: is it fresh in the pool, and is there a token to run it otherwise."""

    fresh: bool
    has_token: bool
    freshness_hours: float


def apply_apify_settings(live: LiveIngestionService, data_dir: str | Path | None = None) -> None:
    """Point the live service at the token, API URL and freshness window in effect (the environment first)."""
    saved = load_apify_settings(data_dir)
    live.config = ApifyConfig(
        token=os.environ.get(TOKEN_ENV) or saved.token,
        api_url=os.environ.get(API_URL_ENV) or saved.api_url,
        poll_interval=live.config.poll_interval,
    )
    live.freshness = saved.freshness


def probe_search(live: LiveIngestionService, data_dir: str | Path, request: SearchRequest) -> SearchProbe:
    """Apply the saved settings (the environment still wins), then look for a fresh run of the same criteria."""
    apply_apify_settings(live, data_dir)
    window = live.freshness
    key = criteria_key(request.actor, request.query, request.location, request.max_items, request.template)
    fresh = window.total_seconds() > 0 and live.fresh_run(key, window) is not None
    return SearchProbe(fresh, bool(live.config.token), window.total_seconds() / 3600)


def run_search(
    live: LiveIngestionService,
    data_dir: str | Path,
    profile: str | uuid.UUID,
    request: SearchRequest,
    *,
    force: bool = False,
    on_progress: Callable[[IngestProgress], None] | None = None,
    should_cancel: Callable[[], bool] | None = None,
) -> IngestReport:
    """Run the search for a profile (name or id) with the saved settings; with no token, stop before any request."""
    probe = probe_search(live, data_dir, request)
    if not probe.has_token and (force or not probe.fresh):
        raise MissingToken()
    return live.search(profile, request, force=force, on_progress=on_progress, should_cancel=should_cancel)
