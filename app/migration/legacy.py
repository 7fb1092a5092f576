"""Reading a v1 database: its state, the pool hash of every legacy row, and the lookup tables the SQL joins to."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, inspect, text

from app.hashing import job_hash
from app.ingestion.normalize_values import Salary, parse_salary_text
from app.migration.records import STATE_CURRENT, STATE_EMPTY, STATE_LEGACY, STATE_MIGRATED
from app.migration.statuses import map_statuses
from db.engine import psycopg_connection
from db.schema import SchemaState, schema_state

LEGACY_TABLE = "job"
ARCHIVE_TABLE = "job_legacy"
# Which card each legacy row lives in now (its own, or the one it merged into); dropped again by a rollback.
MAPPING_COLUMN = "migrated_to_user_job_id"
# Serializes migrations and rollbacks of one database across app instances ("JobPool" in ASCII, then 1).
LOCK_KEY = 0x4A6F62506F6F6C01


def database_state(connection: Connection) -> str:
    """legacy_v1 (job, no pool), migrated (pool and job_legacy), current (pool only) or empty."""
    tables = set(inspect(connection).get_table_names())
    if "job_pool" in tables:
        return STATE_MIGRATED if ARCHIVE_TABLE in tables and LEGACY_TABLE not in tables else STATE_CURRENT
    if schema_state(connection) is SchemaState.LEGACY_V1:
        return STATE_LEGACY
    return STATE_EMPTY


# Pool hashes by (company, title, location): a hash depends on nothing else, so one computed for the preview holds
# for the migration that follows it.
KnownHashes = dict[tuple[str | None, str | None, str | None], str]


def hash_rows(
    rows: Iterable[tuple[Any, str | None, str | None, str | None]], known: KnownHashes | None = None
) -> list[tuple[Any, str]]:
    """(key, company, title, location) -> (key, pool hash); equal triples are hashed once (across calls that share
    `known`)."""
    cache: KnownHashes = {} if known is None else known
    out: list[tuple[Any, str]] = []
    for key, company, title, location in rows:
        triple = (company, title, location)
        value = cache.get(triple)
        if value is None:
            value = cache[triple] = job_hash(company, title, location)
        out.append((key, value))
    return out


def parse_salaries(texts: Iterable[str]) -> dict[str, Salary]:
    """Each distinct salary text parsed once (the ingestion's parser); unparsable text gives an empty Salary."""
    return {value: parse_salary_text(value) for value in set(texts) if value and value.strip()}


def salary_parsed(salary: Salary | None) -> bool:
    """True when an amount was understood."""
    return salary is not None and (salary.minimum is not None or salary.maximum is not None)


def driver_cursor(connection: Connection):
    """A psycopg cursor on the same connection and transaction (for COPY)."""
    return psycopg_connection(connection).cursor()


def copy_rows(connection: Connection, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """COPY rows into a (temporary) table in the caller's transaction."""
    with driver_cursor(connection) as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def load_keys(connection: Connection, table: str = LEGACY_TABLE, known: KnownHashes | None = None) -> int:
    """Fill temp table mig_key(legacy_id, hash) with the pool hash of every row of the legacy table."""
    connection.exec_driver_sql(
        "CREATE TEMP TABLE mig_key (legacy_id uuid PRIMARY KEY, hash text NOT NULL) ON COMMIT DROP"
    )
    rows = connection.execute(text(f"SELECT id, company, title, location FROM {table}")).all()
    copy_rows(connection, "mig_key", ("legacy_id", "hash"), hash_rows(rows, known))
    connection.exec_driver_sql("ANALYZE mig_key")
    return len(rows)


def load_status_map(connection: Connection, table: str = LEGACY_TABLE) -> None:
    """Fill temp table mig_status(raw, status, known) with the mapping of every distinct status value."""
    connection.exec_driver_sql(
        "CREATE TEMP TABLE mig_status (raw text PRIMARY KEY, status job_status NOT NULL, known boolean NOT NULL) "
        "ON COMMIT DROP"
    )
    values = connection.execute(text(f"SELECT DISTINCT status FROM {table}")).scalars().all()
    mapping = map_statuses(values)
    copy_rows(
        connection,
        "mig_status",
        ("raw", "status", "known"),
        ((raw, m.status.value, m.known) for raw, m in mapping.items()),
    )


def load_salaries(connection: Connection, texts: Iterable[str]) -> int:
    """Fill temp table mig_salary with the parsed salary texts; returns how many had an amount."""
    connection.exec_driver_sql(
        "CREATE TEMP TABLE mig_salary (raw text PRIMARY KEY, salary_min numeric, salary_max numeric, "
        "salary_currency text, salary_period text) ON COMMIT DROP"
    )
    parsed = parse_salaries(texts)
    copy_rows(
        connection,
        "mig_salary",
        ("raw", "salary_min", "salary_max", "salary_currency", "salary_period"),
        ((raw, s.minimum, s.maximum, s.currency, s.period) for raw, s in parsed.items() if s != Salary()),
    )
    return sum(1 for s in parsed.values() if salary_parsed(s))
