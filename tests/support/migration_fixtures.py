"""Pytest fixtures for the migration tests (loaded with `pytest_plugins`): a messy v1 database per test."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.legacy_fixtures import LegacyFixture, build_messy_v1


@dataclass
class LegacyDatabase:
    """A v1 database built for one test, and the data directory its backups go to."""

    url: str
    data_dir: Path
    fixture: LegacyFixture

    def open(self, *, upgrade: bool = False):
        """Open it the way the app does (v1 left untouched unless upgrade)."""
        from app.database import open_database

        return open_database(self.url, self.data_dir, upgrade=upgrade)


@pytest.fixture
def legacy_db(empty_db_url: str, tmp_path: Path) -> LegacyDatabase:
    """A fresh messy v1 database."""
    return LegacyDatabase(empty_db_url, tmp_path / "data", build_messy_v1(empty_db_url))


@pytest.fixture
def database(legacy_db: LegacyDatabase) -> Iterator:
    """The messy v1 database opened without upgrading."""
    opened = legacy_db.open()
    yield opened
    opened.close()


@pytest.fixture
def service(database):
    """A MigrationService over the messy v1 database."""
    from app.migration.service import MigrationService

    return MigrationService(database)
