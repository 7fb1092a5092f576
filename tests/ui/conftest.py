"""Fixtures for the window's tests: a qasync loop that advances while pytest-qt processes Qt events."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from tests.ui.helpers import qasync_running


@pytest.fixture
def loop(qapp) -> Iterator[asyncio.AbstractEventLoop]:
    """The asyncio loop the window's tasks run on, for the length of one test."""
    with qasync_running(qapp) as running:
        yield running
