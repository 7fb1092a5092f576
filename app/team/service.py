"""Preparing a shared server and managing its members: roles, grants, row-level security, coach grants."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import URL, Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from app.errors import TeamError
from app.team.security import (
    COACH_TABLE,
    MEMBER_ROLE,
    OWNER_ROLE,
    POOL,
    apply_guard,
    guard_coach_grants,
    guard_pool,
    guard_pool_facts,
    personal_tables,
)
from db.schema import upgrade_connection

# Role names are kept to plain lower-case identifiers: they appear in URLs, in `owner` columns and in commands.
_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_SCRAM_ITERATIONS = 4096


@dataclass(frozen=True)
class Member:
    """A login role of the team, with the profiles it owns and those it coaches."""

    name: str
    profiles: tuple[str, ...]
    coaching: tuple[str, ...]


def scram_verifier(password: str) -> str:
    """The SCRAM-SHA-256 verifier PostgreSQL stores (RFC 5803): the password itself never reaches the server."""
    salt = secrets.token_bytes(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, _SCRAM_ITERATIONS)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
    b64 = lambda raw: base64.b64encode(raw).decode()  # noqa: E731
    return f"SCRAM-SHA-256${_SCRAM_ITERATIONS}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _check_name(name: str) -> None:
    if not _ROLE_NAME.match(name) or name.startswith("pg_") or name in (OWNER_ROLE, MEMBER_ROLE):
        raise TeamError(f"{name!r} is not a usable member name: use lower-case letters, digits and _ (max 63).")


@contextmanager
def _refusals() -> Iterator[None]:
    """The server's refusal (no privilege to create roles, a role still owning objects...) as one readable line."""
    try:
        yield
    except DBAPIError as exc:
        lines = str(exc.orig or exc).strip().splitlines()
        raise TeamError(f"the server refused: {lines[0] if lines else type(exc).__name__}") from exc


class TeamService:
    """Team administration over an admin connection (a role that may create roles and owns the schema)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def init(self) -> list[str]:
        """Prepare the database for a team; idempotent. Returns what was done, one line each."""
        done: list[str] = []
        with _refusals(), self.engine.begin() as connection:
            for role in (OWNER_ROLE, MEMBER_ROLE):
                if not self._role_exists(connection, role):
                    connection.execute(text(f"CREATE ROLE {_quote(role)} NOLOGIN"))
                    done.append(f"created role {role}")
            if not connection.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).scalar():
                connection.execute(text(f"GRANT {_quote(OWNER_ROLE)} TO current_user"))
            before = connection.execute(text("SELECT to_regclass('alembic_version') IS NOT NULL")).scalar()
            version = self._version(connection) if before else None
            upgrade_connection(connection)
            after = self._version(connection)
            if after != version:
                done.append(f"schema upgraded to {after}" if version else f"schema created at {after}")
            moved = self._ownership(connection)
            done.extend(self._privileges(connection))
            moved += self._ownership(connection)  # the row-security functions the privileges step just made
            if moved:
                done.append(f"{moved} tables, sequences, types and functions now owned by {OWNER_ROLE}")
        return done

    @staticmethod
    def _role_exists(connection: Connection, role: str) -> bool:
        return bool(connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).scalar())

    @staticmethod
    def _version(connection: Connection) -> str | None:
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()

    def _ownership(self, connection: Connection) -> int:
        """Hand every table, sequence, enum type and function of the schema to the owner role; how many moved."""
        owner = _quote(OWNER_ROLE)
        moved = 0
        objects = connection.execute(
            text(
                "SELECT CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' "
                "ELSE 'TABLE' END, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'S', 'v', 'm') "
                "AND pg_get_userbyid(c.relowner) <> :o AND NOT EXISTS ("
                "  SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i') AND c.relkind = 'S')"
            ),
            {"o": OWNER_ROLE},
        ).all()
        for kind, name in objects:
            connection.execute(text(f"ALTER {kind} {_quote(name)} OWNER TO {owner}"))
            moved += 1
        for (name,) in connection.execute(
            text(
                "SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
                "WHERE n.nspname = current_schema() AND t.typtype = 'e' AND pg_get_userbyid(t.typowner) <> :o"
            ),
            {"o": OWNER_ROLE},
        ):
            connection.execute(text(f"ALTER TYPE {_quote(name)} OWNER TO {owner}"))
            moved += 1
        # The trigger functions too (not the extensions' own functions): a later revision may replace or drop them.
        for (signature,) in connection.execute(
            text(
                "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                "WHERE n.nspname = current_schema() AND pg_get_userbyid(p.proowner) <> :o AND NOT EXISTS ("
                "  SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid "
                "  AND d.deptype = 'e')"
            ),
            {"o": OWNER_ROLE},
        ):
            connection.execute(text(f"ALTER FUNCTION {signature} OWNER TO {owner}"))
            moved += 1
        return moved

    def _privileges(self, connection: Connection) -> list[str]:
        member, owner = _quote(MEMBER_ROLE), _quote(OWNER_ROLE)
        database = _quote(connection.execute(text("SELECT current_database()")).scalar_one())
        for statement in (
            # Members create nothing: no CREATE on the schema (PUBLIC loses it too, as PostgreSQL 15 does by default).
            "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
            f"GRANT USAGE, CREATE ON SCHEMA public TO {owner}",
            f"GRANT USAGE ON SCHEMA public TO {member}",
            f"GRANT CONNECT ON DATABASE {database} TO {member}",
            f"REVOKE CREATE, TEMPORARY ON DATABASE {database} FROM PUBLIC",
            # COPY into a temporary table is how ingestion stages a batch: members keep TEMPORARY.
            f"GRANT TEMPORARY ON DATABASE {database} TO {member}",
            f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {member}",
        ):
            connection.execute(text(statement))
        guards = personal_tables(connection)
        guarded = {guard.table for guard in guards} | {POOL, COACH_TABLE}
        for guard in guards:
            apply_guard(connection, guard)
        guard_pool(connection)
        guard_coach_grants(connection)
        facts = guard_pool_facts(connection, guarded)
        guarded |= set(facts)
        shared = connection.execute(
            text(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
                "AND table_type = 'BASE TABLE' ORDER BY 1"
            )
        ).scalars()
        read_only = [name for name in shared if name not in guarded]
        for name in read_only:  # the schema version and any other shared table: read, never written by members
            connection.execute(text(f"GRANT SELECT ON {_quote(name)} TO {member}"))
        return [
            f"row-level security on {len(guards)} per-person tables: {', '.join(g.table for g in guards)}",
            f"shared pool {POOL}: members read all, insert, and fill only empty fields of others' rows",
            f"facts about pool jobs, read and added to by members, never deleted: {', '.join(facts) or '-'}",
            f"read-only for members: {', '.join(read_only) or '-'}",
        ]

    def add_member(self, name: str, password: str) -> str:
        """Create a login role in the member group; returns the member's URL (without the password)."""
        _check_name(name)
        if not password:
            raise TeamError("the password is empty")
        with _refusals(), self.engine.begin() as connection:
            self._require_team(connection)
            if self._role_exists(connection, name):
                raise TeamError(f"a role named {name} exists already")
            # Sent as is (no bind parameters): a verifier's base64 may hold ":name", which text() would take for one.
            connection.exec_driver_sql(
                f"CREATE ROLE {_quote(name)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS "
                f"IN ROLE {_quote(MEMBER_ROLE)} PASSWORD {_literal(scram_verifier(password))}"
            )
        return self.member_url(name)

    def member_url(self, name: str) -> str:
        """The admin URL with the member's name and no password (host, port, database and TLS options kept)."""
        admin = self.engine.url
        # URL.set() keeps the old value for None: build a new URL so the admin's password cannot slip through.
        url = URL.create(
            "postgresql", username=name, host=admin.host, port=admin.port, database=admin.database, query=admin.query
        )
        return url.render_as_string(hide_password=False)

    def remove_member(self, name: str) -> int:
        """Drop a member's login role; its profiles pass to the admin (nothing is deleted). Returns their count."""
        with _refusals(), self.engine.begin() as connection:
            if name not in self._member_names(connection):
                raise TeamError(f"no member named {name}")
            moved = connection.execute(
                text("UPDATE users SET owner = current_user WHERE owner = :n"), {"n": name}
            ).rowcount
            connection.execute(text(f"DELETE FROM {_quote(COACH_TABLE)} WHERE coach = :n"), {"n": name})
            connection.execute(text(f"DROP ROLE {_quote(name)}"))
        return moved

    def list_members(self) -> list[Member]:
        """Every member, with the profiles it owns and those it may read as a coach."""
        with _refusals(), self.engine.begin() as connection:
            self._require_team(connection)
            members = []
            for name in self._member_names(connection):
                owned = connection.execute(
                    text("SELECT name FROM users WHERE owner = :n ORDER BY name"), {"n": name}
                ).scalars()
                coached = connection.execute(
                    text(
                        f"SELECT u.name FROM {_quote(COACH_TABLE)} g JOIN users u ON u.id = g.profile_id "
                        "WHERE g.coach = :n ORDER BY u.name"
                    ),
                    {"n": name},
                ).scalars()
                members.append(Member(name, tuple(owned), tuple(coached)))
        return members

    def grant_coach(self, coach: str, profile: str) -> bool:
        """Let a member read (not change) one profile; False when the grant existed already."""
        with _refusals(), self.engine.begin() as connection:
            if coach not in self._member_names(connection):
                raise TeamError(f"no member named {coach}")
            profile_id = connection.execute(text("SELECT id FROM users WHERE name = :p"), {"p": profile}).scalar()
            if profile_id is None:
                raise TeamError(f"no profile named {profile}")
            inserted = connection.execute(
                text(f"INSERT INTO {_quote(COACH_TABLE)} (profile_id, coach) VALUES (:p, :c) ON CONFLICT DO NOTHING"),
                {"p": profile_id, "c": coach},
            ).rowcount
        return bool(inserted)

    def _require_team(self, connection: Connection) -> None:
        if not self._role_exists(connection, MEMBER_ROLE):
            raise TeamError("this database is not prepared for a team: run `server init` first")

    def _member_names(self, connection: Connection) -> list[str]:
        self._require_team(connection)
        return list(
            connection.execute(
                text(
                    "SELECT r.rolname FROM pg_roles r JOIN pg_auth_members m ON m.member = r.oid "
                    "JOIN pg_roles g ON g.oid = m.roleid WHERE g.rolname = :g AND r.rolcanlogin ORDER BY 1"
                ),
                {"g": MEMBER_ROLE},
            ).scalars()
        )
