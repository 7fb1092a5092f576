"""Saved searches' fixtures: a fake Apify server, and the services pointed at it."""

from __future__ import annotations

import pytest

from app.ingestion.live import ApifyConfig
from tests.support.fake_apify import FakeApify

ACTOR = "curious_coder/linkedin-jobs-scraper"
TOKEN = "apify_api_test_token_123"


@pytest.fixture
def fake():
    with FakeApify() as server:
        yield server


@pytest.fixture
def apify_ctx(ctx, fake, monkeypatch):
    """The context with Apify pointed at the fake (through the environment, as run-due reads it)."""
    monkeypatch.setenv("APIFY_TOKEN", TOKEN)
    monkeypatch.setenv("APIFY_API_URL", fake.url)
    ctx.live.config = ApifyConfig(token=TOKEN, api_url=fake.url, poll_interval=0.0)
    return ctx
