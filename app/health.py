"""Telling a lost database connection apart from other failures, and checking whether it came back."""

from __future__ import annotations

import psycopg
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from app.database import Database
from app.errors import DatabaseUnavailable

_LOST_MESSAGE = "The database is not answering ({detail}). Nothing was changed; JobPool keeps retrying."


def _first_line(exc: BaseException) -> str:
    text_ = str(getattr(exc, "orig", None) or exc).strip()
    return text_.splitlines()[0] if text_ else type(exc).__name__


def as_database_unavailable(exc: BaseException) -> DatabaseUnavailable | None:
    """The DatabaseUnavailable an exception amounts to when it means the server went away, else None."""
    if isinstance(exc, DatabaseUnavailable):
        return exc
    lost = isinstance(exc, OperationalError | InterfaceError | psycopg.OperationalError | psycopg.InterfaceError)
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        lost = True
    if not lost:
        return None
    return DatabaseUnavailable(_LOST_MESSAGE.format(detail=_first_line(exc)))


def check_connection(database: Database) -> None:
    """Run a trivial query; raise DatabaseUnavailable when the server cannot be reached."""
    try:
        with database.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except DBAPIError as exc:
        raise as_database_unavailable(exc) or DatabaseUnavailable(_first_line(exc)) from exc
