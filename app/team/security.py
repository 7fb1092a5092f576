"""Row-level security applied from the catalog: which tables are per-person, and the policies that guard them.

The rule (docs/ARCHITECTURE.md, Team mode): `users` is the root, a row there belongs to the role named in `owner`.
A table is per-person when it has a `user_id` column (its parent is `users`), a `user_job_id` column (its parent is
`user_job`), or a single-column foreign key to another per-person table. A member reads a row when its parent row is
visible to them, and writes it only when the parent row is theirs; the coach grants widen reading, never writing.
The shared pool (`job_pool`) is never a parent: every member reads it all.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, text

OWNER_ROLE = "jobpool_owner"
MEMBER_ROLE = "jobpool_member"
ROOT = "users"
POOL = "job_pool"
COACH_TABLE = "profile_coach"
# The columns that make a table per-person by name alone, and the table each points at.
PERSONAL_COLUMNS = {"user_id": "users", "user_job_id": "user_job"}

ROOT_READ = "owner = current_user OR id IN (SELECT profile_id FROM profile_coach WHERE coach = current_user)"
ROOT_WRITE = "owner = current_user"


@dataclass(frozen=True)
class Guard:
    """The predicates over one table's rows: who reads them, who writes them."""

    table: str
    read: str
    write: str


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def personal_tables(connection: Connection, schema: str = "public") -> list[Guard]:
    """Every per-person table of the schema with its predicates, parents before children (from the catalog)."""
    tables = set(
        connection.execute(
            text(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = :s AND table_type = 'BASE TABLE'"
            ),
            {"s": schema},
        ).scalars()
    )
    columns: dict[str, set[str]] = {}
    for table, column in connection.execute(
        text("SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = :s"), {"s": schema}
    ):
        columns.setdefault(table, set()).add(column)
    # Single-column foreign keys: (child, column) -> (parent, parent column).
    foreign_keys: list[tuple[str, str, str, str]] = [
        (child, column, parent, parent_column)
        for child, column, parent, parent_column in connection.execute(
            text(
                "SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text, fa.attname "
                "FROM pg_constraint c "
                "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
                "JOIN pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = c.confkey[1] "
                "JOIN pg_namespace n ON n.oid = c.connamespace "
                "WHERE c.contype = 'f' AND n.nspname = :s AND cardinality(c.conkey) = 1 "
                "ORDER BY 1, 2"
            ),
            {"s": schema},
        )
    ]
    guards: dict[str, Guard] = {}
    if ROOT in tables:
        guards[ROOT] = Guard(ROOT, ROOT_READ, ROOT_WRITE)
    changed = True
    while changed:
        changed = False
        for table in sorted(tables - guards.keys() - {POOL, COACH_TABLE}):
            link = _link(table, columns.get(table, set()), foreign_keys, guards)
            if link is None:
                continue
            column, parent, parent_column = link
            read = f"{_quote(column)} IN (SELECT {_quote(parent_column)} FROM {_quote(parent)})"
            write = (
                f"{_quote(column)} IN (SELECT {_quote(parent_column)} FROM {_quote(parent)} "
                f"WHERE {guards[parent].write})"
            )
            guards[table] = Guard(table, read, write)
            changed = True
    return list(guards.values())


def _link(
    table: str, columns: set[str], foreign_keys: list[tuple[str, str, str, str]], guards: dict[str, Guard]
) -> tuple[str, str, str] | None:
    """How a table hangs off a guarded one: (its column, the parent table, the parent's column), or None."""
    for column, parent in PERSONAL_COLUMNS.items():
        if column in columns and parent in guards:
            return column, parent, "id"
    for child, column, parent, parent_column in foreign_keys:
        if child == table and parent in guards:
            return column, parent, parent_column
    return None


def apply_guard(connection: Connection, guard: Guard) -> None:
    """Enable and force row-level security on a per-person table and (re)create its policies and grants."""
    table = _quote(guard.table)
    member = _quote(MEMBER_ROLE)
    _drop_policies(connection, guard.table)
    statements = [
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
        # The owner's sessions are checked too: it sees rows only through the named policy below (migrations).
        f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
        f"CREATE POLICY jobpool_owner_all ON {table} TO {_quote(OWNER_ROLE)} USING (true) WITH CHECK (true)",
        f"CREATE POLICY jobpool_read ON {table} FOR SELECT TO {member} USING ({guard.read})",
        f"CREATE POLICY jobpool_insert ON {table} FOR INSERT TO {member} WITH CHECK ({guard.write})",
        f"CREATE POLICY jobpool_update ON {table} FOR UPDATE TO {member} USING ({guard.write}) "
        f"WITH CHECK ({guard.write})",
        f"CREATE POLICY jobpool_delete ON {table} FOR DELETE TO {member} USING ({guard.write})",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO {member}",
    ]
    for statement in statements:
        connection.execute(text(statement))


def _drop_policies(connection: Connection, table: str) -> None:
    names = connection.execute(
        text("SELECT policyname FROM pg_policies WHERE schemaname = current_schema() AND tablename = :t"), {"t": table}
    ).scalars()
    for name in list(names):
        connection.execute(text(f"DROP POLICY {_quote(name)} ON {_quote(table)}"))


# A member may fill what a row of another contributor lacks (an embedding, a field a richer source knows), never
# overwrite or clear it; rows they inserted themselves they may update freely. Generated columns are computed after
# BEFORE triggers run, so they are left out of the comparison.
POOL_GUARD_FUNCTION = """
CREATE OR REPLACE FUNCTION jobpool_pool_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    before_ jsonb := to_jsonb(OLD) - {generated};
    after_ jsonb := to_jsonb(NEW) - {generated};
    key text;
BEGIN
    IF NEW.contributed_by IS DISTINCT FROM OLD.contributed_by THEN
        RAISE EXCEPTION 'a pool job keeps its contributor' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.contributed_by = current_user OR NOT pg_has_role(current_user, 'jobpool_member', 'MEMBER')
            OR pg_has_role(current_user, 'jobpool_owner', 'MEMBER') THEN
        RETURN NEW;
    END IF;
    FOR key IN SELECT k FROM jsonb_object_keys(before_) AS k LOOP
        IF before_ -> key <> 'null'::jsonb AND (after_ -> key) IS DISTINCT FROM (before_ -> key) THEN
            RAISE EXCEPTION 'only the member who added a pool job may change its %', key
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    END LOOP;
    RETURN NEW;
END $$
"""


def guard_pool(connection: Connection) -> None:
    """The shared pool: every member reads it all and inserts; updates only fill empty fields of others' rows."""
    table, member = _quote(POOL), _quote(MEMBER_ROLE)
    generated = connection.execute(
        text(
            "SELECT coalesce(array_agg(column_name::text), '{}') FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = :t AND is_generated = 'ALWAYS'"
        ),
        {"t": POOL},
    ).scalar_one()
    literal = "ARRAY[" + ", ".join("'" + name.replace("'", "''") + "'" for name in generated) + "]::text[]"
    if not generated:
        literal = "ARRAY[]::text[]"
    _drop_policies(connection, POOL)
    statements = [
        POOL_GUARD_FUNCTION.replace("{generated}", literal),
        f"DROP TRIGGER IF EXISTS jobpool_pool_guard ON {table}",
        f"CREATE TRIGGER jobpool_pool_guard BEFORE UPDATE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION jobpool_pool_guard()",
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
        f"CREATE POLICY jobpool_owner_all ON {table} TO {_quote(OWNER_ROLE)} USING (true) WITH CHECK (true)",
        f"CREATE POLICY jobpool_read ON {table} FOR SELECT TO {member} USING (true)",
        f"CREATE POLICY jobpool_insert ON {table} FOR INSERT TO {member} WITH CHECK (contributed_by = current_user)",
        f"CREATE POLICY jobpool_update ON {table} FOR UPDATE TO {member} USING (true) WITH CHECK (true)",
        f"REVOKE DELETE, TRUNCATE ON {table} FROM {member}",
        f"GRANT SELECT, INSERT, UPDATE ON {table} TO {member}",
    ]
    for statement in statements:
        connection.execute(text(statement))


def guard_pool_facts(connection: Connection, personal: set[str]) -> list[str]:
    """Tables of facts about pool jobs (a foreign key to job_pool, no owner: sightings, merge records): every member
    reads and adds to them, as to the pool itself; none deletes. Returns their names."""
    tables = sorted(
        set(
            connection.execute(
                text(
                    "SELECT DISTINCT tc.table_name FROM information_schema.table_constraints tc "
                    "JOIN information_schema.constraint_column_usage cu ON cu.constraint_name = tc.constraint_name "
                    "AND cu.table_schema = tc.table_schema "
                    "WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema() "
                    "AND cu.table_name = :pool"
                ),
                {"pool": POOL},
            ).scalars()
        )
        - personal
        - {POOL}
    )
    member = _quote(MEMBER_ROLE)
    for table in tables:
        connection.execute(text(f"REVOKE DELETE, TRUNCATE ON {_quote(table)} FROM {member}"))
        connection.execute(text(f"GRANT SELECT, INSERT, UPDATE ON {_quote(table)} TO {member}"))
    return tables


def guard_coach_grants(connection: Connection) -> None:
    """Coach grants: a member sees only the grants made to them (the root's read rule reads this table)."""
    table, member = _quote(COACH_TABLE), _quote(MEMBER_ROLE)
    _drop_policies(connection, COACH_TABLE)
    for statement in (
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
        f"CREATE POLICY jobpool_owner_all ON {table} TO {_quote(OWNER_ROLE)} USING (true) WITH CHECK (true)",
        f"CREATE POLICY jobpool_read ON {table} FOR SELECT TO {member} USING (coach = current_user)",
        f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {table} FROM {member}",
        f"GRANT SELECT ON {table} TO {member}",
    ):
        connection.execute(text(statement))
