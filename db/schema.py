"""What shape a database is in, and bringing it to the current schema with Alembic."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# The advisory lock every schema change takes: two processes opening a fresh database at once would otherwise both
# run CREATE EXTENSION / CREATE TABLE and one would fail on a duplicate catalog entry. The same key as the legacy
# migration's lock (app.migration.legacy.LOCK_KEY), which upgrades inside its transaction: one lock, taken again.
SCHEMA_LOCK_KEY = 0x4A6F62506F6F6C01
# The newest revision, known without loading Alembic: every start compares the database with it, and Alembic (a
# tenth of a second to import) is loaded only when the schema has to change. tests/db checks it against the files.
HEAD_REVISION = "0017_card_search_vector"


class SchemaState(enum.StrEnum):
    """The states a database can be found in at start."""

    EMPTY = "empty"
    LEGACY_V1 = "legacy_v1"
    CURRENT = "current"
    OUTDATED = "outdated"
    NEWER = "newer"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at the packaged migrations, optionally bound to a connection."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision among the migration files."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def schema_state(connection: Connection) -> SchemaState:
    """Classify the database: empty, v1 per-user tables, current, or behind/ahead of this code."""
    tables = set(inspect(connection).get_table_names())
    current = (
        connection.execute(text("SELECT max(version_num) FROM alembic_version")).scalar()
        if "alembic_version" in tables
        else None
    )
    if current is None:
        if "job" in tables and "job_pool" not in tables:
            return SchemaState.LEGACY_V1
        return SchemaState.EMPTY
    if current == HEAD_REVISION:
        return SchemaState.CURRENT
    from alembic.script import ScriptDirectory

    known = {rev.revision for rev in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    return SchemaState.OUTDATED if current in known else SchemaState.NEWER


def upgrade_connection(connection: Connection, revision: str = "head") -> None:
    """Run the migrations on this connection, inside its transaction, one process at a time.

    The lock is held until the transaction ends; a process that waited finds the schema at head and does nothing.
    """
    from alembic import command

    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK_KEY})
    command.upgrade(alembic_config(connection), revision)


def upgrade_to_head(engine: Engine) -> None:
    """Bring the database to the newest revision in one transaction."""
    with engine.begin() as connection:
        upgrade_connection(connection)


def may_migrate(connection: Connection) -> bool:
    """False for a team member's role (in jobpool_member, not jobpool_owner, no superuser): it never migrates."""
    return bool(
        connection.execute(
            text(
                "SELECT r.rolsuper OR NOT EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
                "WHERE m.member = r.oid AND g.rolname = 'jobpool_member') OR EXISTS (SELECT 1 FROM pg_auth_members m "
                "JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid AND g.rolname = 'jobpool_owner') "
                "FROM pg_roles r WHERE r.rolname = current_user"
            )
        ).scalar()
    )
