"""Shared fixtures: one real PostgreSQL per test session, a fresh migrated database per test."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["NO_PROXY"] = "127.0.0.1,localhost"
os.environ["no_proxy"] = "127.0.0.1,localhost"

TEMPLATE_DB = "jobpool_test_template"


def _admin_engine(server_url: str):
    return create_engine(server_url, isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """URL of the maintenance database of the test server (embedded unless JOBPOOL_TEST_DATABASE_URL is set)."""
    from db.engine import normalize_url

    external = os.environ.get("JOBPOOL_TEST_DATABASE_URL")
    if external:
        yield normalize_url(external)
        return
    from db.embedded import embedded_url

    # Not under pytest's basetemp: a concurrent pytest run prunes old basetemps, server files included.
    data_dir = Path(tempfile.mkdtemp(prefix="jobpool-test-pg-"))
    try:
        yield embedded_url(data_dir)
    finally:
        from db.embedded import stop_embedded

        stop_embedded(data_dir)
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def template_url(pg_server_url: str) -> str:
    """A database migrated to head once per session; each test copies it (CREATE DATABASE ... TEMPLATE)."""
    from db.engine import make_engine
    from db.schema import upgrade_to_head

    admin = _admin_engine(pg_server_url)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{TEMPLATE_DB}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{TEMPLATE_DB}"'))
    admin.dispose()
    url = make_url(pg_server_url).set(database=TEMPLATE_DB).render_as_string(hide_password=False)
    engine = make_engine(url)
    upgrade_to_head(engine)
    engine.dispose()
    return url


def create_database(pg_server_url: str, template: str | None = None) -> str:
    """Create a fresh database (optionally from a template) and return its URL."""
    name = f"t_{uuid.uuid4().hex[:16]}"
    admin = _admin_engine(pg_server_url)
    with admin.connect() as conn:
        suffix = f' TEMPLATE "{template}"' if template else ""
        conn.execute(text(f'CREATE DATABASE "{name}"{suffix}'))
    admin.dispose()
    return make_url(pg_server_url).set(database=name).render_as_string(hide_password=False)


def drop_database(pg_server_url: str, url: str) -> None:
    """Drop a database created by create_database, closing its connections."""
    name = make_url(url).database
    admin = _admin_engine(pg_server_url)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def db_url(pg_server_url: str, template_url: str) -> Iterator[str]:
    """A fresh database at the current schema, dropped after the test."""
    url = create_database(pg_server_url, TEMPLATE_DB)
    yield url
    drop_database(pg_server_url, url)


@pytest.fixture
def empty_db_url(pg_server_url: str) -> Iterator[str]:
    """A fresh, empty database (no schema), dropped after the test."""
    url = create_database(pg_server_url)
    yield url
    drop_database(pg_server_url, url)


@pytest.fixture
def ctx(db_url: str, tmp_path: Path) -> Iterator:
    """The application's services wired to a fresh database (saved settings in a data directory of the test's)."""
    from app.context import open_context

    context = open_context(db_url=db_url, data_dir=tmp_path / "data")
    yield context
    context.close()


@pytest.fixture
def fixtures_dir() -> Path:
    """The folder of test data files."""
    return Path(__file__).parent / "fixtures"


@dataclass(frozen=True)
class CliResult:
    """What a command printed and returned, as a finished subprocess would report it."""

    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def jobpool(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """Run the command line in this process: jobpool(db_url, *args) is `main.py --db-url URL ARGS...`."""
    import main

    def run(db_url: str, *args: str) -> CliResult:
        capsys.readouterr()
        try:
            code = main.main(["--db-url", db_url, *args])
        except SystemExit as exc:  # argparse's usage errors
            code = exc.code if isinstance(exc.code, int) else 2
        out, err = capsys.readouterr()
        return CliResult(code, out, err)

    return run
