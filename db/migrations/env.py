"""Alembic environment: runs on a connection handed in by the app, or on the configured database."""

from __future__ import annotations

from alembic import context

from db import models  # noqa: F401 - registers the tables on Base.metadata
from db.base import Base
from db.engine import make_engine
from db.location import resolve_location

target_metadata = Base.metadata


LEGACY_TABLES = ("job_legacy", "tailored_resume", "users_legacy")


def _include_object(obj, name, type_, reflected, compare_to) -> bool:
    # Tables of the legacy (v1) schema are kept after migration and are not part of the model.
    return not (type_ == "table" and reflected and compare_to is None and name in LEGACY_TABLES)


def _configure(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        compare_server_default=True,
        include_object=_include_object,
        transaction_per_migration=False,
    )


def run_migrations_online() -> None:
    """Use the app's connection when given (one transaction with its caller), else connect."""
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        context.run_migrations()
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or resolve_location().url
    engine = make_engine(url, pool_size=1)
    with engine.connect() as connection:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("JobPool migrations run online only")
run_migrations_online()
