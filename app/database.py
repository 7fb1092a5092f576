"""Opening the database: resolve where it is, check it answers and has pgvector, bring the schema to head."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError
from sqlalchemy.orm import Session, sessionmaker

from app.errors import DatabaseUnavailable, SchemaError
from db.engine import make_engine, make_session_factory
from db.errors import DatabaseStartError
from db.location import DatabaseLocation, resolve_location
from db.schema import SchemaState, may_migrate, schema_state, upgrade_to_head


@dataclass
class Database:
    """An open database: engine, session factory, and where it lives."""

    engine: Engine
    sessions: sessionmaker[Session]
    location: DatabaseLocation
    state: SchemaState

    @property
    def read_only(self) -> bool:
        """True when the data folder cannot be written (disk full, read-only): reads work, writes are refused."""
        return self.location.read_only_reason is not None

    @property
    def read_only_message(self) -> str:
        """The one line that says why nothing can be changed, or "" when writes work."""
        if self.location.read_only_reason is None:
            return ""
        return (
            f"{self.location.read_only_reason} (data folder {self.location.data_dir} not writable): "
            "JobPool is read-only. Free some space or fix the folder, then restart to make changes."
        )

    @property
    def url(self) -> str:
        """The connection URL, password included (for a second connection such as the change listener)."""
        return self.engine.url.render_as_string(hide_password=False)

    @property
    def description(self) -> str:
        """A line for Database > Connection info."""
        url = self.engine.url.render_as_string(hide_password=True)
        if self.location.embedded:
            return f"Embedded PostgreSQL in {self.location.data_dir / 'pgdata'}"
        return f"External PostgreSQL at {url}"

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def _first_line(exc: BaseException) -> str:
    text_ = str(getattr(exc, "orig", None) or exc).strip()
    return text_.splitlines()[0] if text_ else type(exc).__name__


def is_read_only_refusal(exc: BaseException) -> bool:
    """True when exc (or what caused it) is the server refusing a write in a read-only transaction."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if (
            getattr(getattr(current, "orig", None), "sqlstate", None) == "25006"
            or getattr(current, "sqlstate", None) == "25006"
        ):
            return True
        current = current.__cause__ or current.__context__
    return False


def open_database(db_url: str | None = None, data_dir: str | Path | None = None, *, upgrade: bool = True) -> Database:
    """Connect (starting the embedded server if no URL is configured) and upgrade the schema unless it is v1."""
    try:
        location = resolve_location(db_url, data_dir)
    except DatabaseStartError as exc:
        raise DatabaseUnavailable(str(exc)) from exc
    engine = make_engine(location.url, read_only=location.read_only_reason is not None)
    try:
        with engine.connect() as connection:
            has_vector = connection.execute(
                text("SELECT count(*) FROM pg_available_extensions WHERE name = 'vector'")
            ).scalar_one()
            state = schema_state(connection)
            migrates = may_migrate(connection)
    except ProgrammingError as exc:
        engine.dispose()
        if getattr(exc.orig, "sqlstate", None) != "42501":  # insufficient_privilege
            raise
        raise SchemaError(
            "This database role may not read JobPool's tables: the database is not prepared for team members. "
            "Ask the team's owner to run `python main.py --db-url ADMIN_URL server init`."
        ) from exc
    except OperationalError as exc:
        engine.dispose()
        where = engine.url.render_as_string(hide_password=True)
        raise DatabaseUnavailable(
            f"Cannot connect to the database at {where}: {_first_line(exc)}. "
            "Check that the server runs and the URL is right (--db-url or JOBPOOL_DATABASE_URL)."
        ) from exc
    if not has_vector:
        engine.dispose()
        raise SchemaError(
            "The database server has no pgvector extension. Install pgvector on that server "
            "(it ships with the embedded server: start JobPool without --db-url to use it)."
        )
    if state is SchemaState.NEWER:
        engine.dispose()
        raise SchemaError("The database was written by a newer JobPool. Update JobPool to open it.")
    if upgrade and state in (SchemaState.EMPTY, SchemaState.OUTDATED) and location.read_only_reason is not None:
        engine.dispose()
        raise SchemaError(
            f"{location.read_only_reason}: the data folder {location.data_dir} cannot be written, "
            "so the database schema cannot be prepared. Free some space and try again."
        )
    if upgrade and state in (SchemaState.EMPTY, SchemaState.OUTDATED) and not migrates:
        engine.dispose()
        raise SchemaError(
            "The shared database's schema is older than this JobPool and a member may not upgrade it: ask the "
            "team's owner to run `python main.py --db-url ADMIN_URL server init`."
        )
    if upgrade and state in (SchemaState.EMPTY, SchemaState.OUTDATED):
        try:
            upgrade_to_head(engine)
        except DBAPIError as exc:
            engine.dispose()
            raise SchemaError(f"Could not prepare the database schema: {_first_line(exc)}") from exc
        engine.dispose()  # reconnect so every connection registers the vector type
        state = SchemaState.CURRENT
    return Database(engine=engine, sessions=make_session_factory(engine), location=location, state=state)
