"""Engine and session factory: psycopg 3, pgvector sent binary, short connect timeout."""

from __future__ import annotations

from typing import Any

import psycopg
from sqlalchemy import Connection, CursorResult, Engine, Result, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker


def normalize_url(url: str) -> str:
    """Accept postgres:// and postgresql:// URLs and pick the psycopg 3 driver."""
    parsed = make_url(url.replace("postgres://", "postgresql://", 1) if url.startswith("postgres://") else url)
    if parsed.drivername in ("postgresql", "postgresql+psycopg2", "postgresql+psycopg"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str, *, pool_size: int = 5, application_name: str = "jobpool", read_only: bool = False) -> Engine:
    """An engine whose connections send vectors binary once the vector extension exists (read-only if asked)."""
    engine = create_engine(
        normalize_url(url),
        pool_size=pool_size,
        pool_pre_ping=True,
        connect_args={"connect_timeout": 5, "application_name": application_name},
    )

    @event.listens_for(engine, "connect")
    def _tune_session(dbapi_connection, _record) -> None:
        # The working set of a board fits in memory: random reads cost about what sequential ones do, and the
        # default (4.0) makes the planner scan the whole pool instead of probing 1,000 rows by id (8 ms vs 2 ms).
        # JIT compilation only adds latency to these short queries. Timestamps arrive in UTC, which psycopg decodes
        # three times faster than a named zone (a board open reads four per card); the UI shows local time.
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET random_page_cost = 1.1")
            cursor.execute("SET jit = off")
            cursor.execute("SET TIME ZONE 'UTC'")
            if read_only:  # the data folder cannot be written: the server refuses every write (SQLSTATE 25006)
                cursor.execute("SET default_transaction_read_only = on")
        dbapi_connection.commit()

    @event.listens_for(engine, "connect")
    def _register_vector(dbapi_connection, _record) -> None:
        # Binary vectors are ~10x faster than text; the type only exists once the extension is installed.
        from pgvector.psycopg import register_vector

        try:
            register_vector(dbapi_connection)
        except Exception:
            dbapi_connection.rollback()

    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded values after commit (records are built from them)."""
    return sessionmaker(engine, expire_on_commit=False)


def run_prepared(
    connection: Connection,
    sql: str,
    params: dict[str, Any],
    *,
    generic_plan: bool = False,
    custom_plan: bool = False,
    binary: bool = False,
) -> list[Any]:
    """The rows of a hot statement, prepared once per connection by psycopg and kept there.

    generic_plan plans it once for every parameter value (for statements whose best plan never depends on them:
    planning can cost more than running). custom_plan plans every call for its own values: PostgreSQL would otherwise
    switch a prepared statement to a generic plan after five calls when that plan looks no costlier, one plan for
    any profile and any words, which reads a 50,000-card board's search as if it had 1,000 cards. Without either,
    PostgreSQL chooses. binary reads the rows over the binary protocol (faster to decode; types psycopg does not
    know, such as enums, must be cast to text). The caller ends the transaction with COMMIT: a ROLLBACK makes
    psycopg forget the connection's prepared statements.
    """
    with psycopg_connection(connection).cursor(binary=binary) as cursor:
        if generic_plan:
            cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        elif custom_plan:
            cursor.execute("SET LOCAL plan_cache_mode = force_custom_plan")
        cursor.execute(sql, params, prepare=True)
        return cursor.fetchall() if cursor.description is not None else []


def psycopg_connection(connection: Connection) -> psycopg.Connection[Any]:
    """The psycopg connection under a SQLAlchemy connection, for COPY, prepared statements and binary reads."""
    driver = connection.connection.driver_connection
    if not isinstance(driver, psycopg.Connection):
        raise TypeError(f"expected a psycopg connection, got {type(driver).__name__}")
    return driver


def affected_rows(result: Result[Any]) -> int:
    """How many rows an INSERT, UPDATE or DELETE changed (Session.execute types its result as a plain Result)."""
    if not isinstance(result, CursorResult):
        raise TypeError(f"expected the result of a data-changing statement, got {type(result).__name__}")
    return result.rowcount
