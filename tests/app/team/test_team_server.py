"""Team mode against a second PostgreSQL over TCP with SCRAM passwords and TLS: two members and a coach."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine, text

from app.changes import ChangeListener, libpq_url
from app.context import open_context
from app.errors import DatabaseUnavailable, SchemaError, TeamError
from app.team.service import TeamService
from db.schema import upgrade_connection, upgrade_to_head
from tests.support.paths import DATASETS
from tests.support.team_server import TeamServer, start_team_server

DATASET = str(DATASETS / "linkedin_bebity.json")


@pytest.fixture(scope="module")
def server() -> Iterator[TeamServer]:
    team_server = start_team_server()
    yield team_server
    team_server.stop()


@pytest.fixture(scope="module")
def team(server: TeamServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A prepared database with members alice, bob and a coach (role names unique to this run)."""
    suffix = uuid.uuid4().hex[:6]
    database = f"team_{suffix}"
    admin = create_engine(server.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{database}"'))
    admin.dispose()
    ctx = open_context(server.url(database), tmp_path_factory.mktemp("admin"), upgrade=False)
    ctx.team.init()
    urls = {"admin": server.url(database), "database": database}
    for name in ("alice", "bob", "coach"):
        role = f"{name}_{suffix}"
        member_url = ctx.team.add_member(role, f"pw-{name}")
        assert "pw-" not in member_url
        urls[name] = server.url(database, role, f"pw-{name}")
        urls[f"{name}_role"] = role
    ctx.close()
    yield urls


def _sql(url: str) -> psycopg.Connection:
    return psycopg.connect(libpq_url(url), autocommit=True)


@pytest.fixture(scope="module")
def alice_board(team: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Alice's profile with the cards of one dataset, written through the app as alice."""
    ctx = open_context(team["alice"], tmp_path_factory.mktemp("alice"))
    try:
        profile = ctx.profiles.add("Alice")
        report = ctx.ingestion.ingest_file(profile.id, DATASET)
    finally:
        ctx.close()
    assert report.links_created > 0
    return {"profile": profile.id, "cards": report.links_created}


def test_init_is_idempotent_and_says_what_it_did(team: dict[str, str], tmp_path: Path) -> None:
    service = TeamService(create_engine(team["admin"]))
    lines = service.init()
    assert any("row-level security on" in line and "user_job" in line for line in lines)
    assert any("ingestion_run_job" in line for line in lines if line.startswith("row-level"))
    service.engine.dispose()


def test_member_sees_and_changes_nothing_of_another(team: dict[str, str], alice_board: dict[str, object]) -> None:
    with _sql(team["alice"]) as alice:
        mine = alice.execute("SELECT count(*) FROM user_job").fetchone()
        assert mine is not None and mine[0] == alice_board["cards"]
        alice.execute("UPDATE user_job SET notes = 'mine'")
    with _sql(team["bob"]) as bob:
        assert bob.execute("SELECT count(*) FROM user_job").fetchone() == (0,)
        assert bob.execute("SELECT count(*) FROM users").fetchone() == (0,)
        assert bob.execute("SELECT count(*) FROM ingestion_run").fetchone() == (0,)
        assert bob.execute("UPDATE user_job SET notes = 'stolen'").rowcount == 0
        assert bob.execute("DELETE FROM user_job").rowcount == 0
        assert bob.execute("UPDATE users SET owner = current_user").rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # the pool is shared: no member deletes from it
            bob.execute("DELETE FROM job_pool")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # nor rewrites another's contribution
            bob.execute("UPDATE job_pool SET title = 'x' WHERE id = (SELECT id FROM job_pool LIMIT 1)")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # a card on Alice's profile is refused too
            bob.execute(
                "INSERT INTO user_job (user_id, job_pool_id) SELECT %s, id FROM job_pool LIMIT 1",
                (alice_board["profile"],),
            )
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # least privilege: no CREATE on the schema
            bob.execute("CREATE TABLE mine (x int)")
        assert bob.execute("SELECT count(*) > 0 FROM job_pool").fetchone() == (True,)
    with _sql(team["alice"]) as alice:
        assert alice.execute("SELECT count(*) FROM user_job WHERE notes = 'mine'").fetchone() == (alice_board["cards"],)


def test_coach_reads_the_granted_board_but_cannot_move_a_card(
    team: dict[str, str], alice_board: dict[str, object]
) -> None:
    with _sql(team["coach"]) as coach:
        assert coach.execute("SELECT count(*) FROM user_job").fetchone() == (0,)
    TeamService(create_engine(team["admin"])).grant_coach(team["coach_role"], "Alice")
    with _sql(team["coach"]) as coach:
        assert coach.execute("SELECT count(*) FROM user_job").fetchone() == (alice_board["cards"],)
        assert coach.execute("UPDATE user_job SET status = 'offer'").rowcount == 0
        assert coach.execute("DELETE FROM user_job").rowcount == 0
    with _sql(team["alice"]) as alice:
        assert alice.execute("SELECT count(*) FROM user_job WHERE status = 'offer'").fetchone() == (0,)


def test_concurrent_ingestion_by_two_members_makes_no_duplicate_pool_rows(team: dict[str, str], tmp_path: Path) -> None:
    dataset = str(DATASETS / "indeed_valig.jsonl")
    barrier = threading.Barrier(2)
    reports: dict[str, object] = {}

    def ingest(member: str) -> None:
        ctx = open_context(team[member], tmp_path / member)
        try:
            profile = ctx.profiles.add(f"{member} indeed")
            barrier.wait(timeout=30)
            reports[member] = ctx.ingestion.ingest_file(profile.id, dataset)
        finally:
            ctx.close()

    threads = [threading.Thread(target=ingest, args=(m,)) for m in ("alice", "bob")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert set(reports) == {"alice", "bob"}
    with _sql(team["admin"]) as admin:
        duplicates = admin.execute("SELECT count(*) - count(DISTINCT hash) FROM job_pool").fetchone()
        assert duplicates == (0,)
        per_member = admin.execute(
            "SELECT u.owner, count(*) FROM user_job l JOIN users u ON u.id = l.user_id "
            "WHERE u.name LIKE '%% indeed' GROUP BY u.owner"
        ).fetchall()
    assert len(per_member) == 2 and per_member[0][1] == per_member[1][1] > 0


def test_a_move_reaches_another_connections_listener_within_a_second(
    team: dict[str, str], alice_board: dict[str, object]
) -> None:
    heard: list[object] = []
    arrived = threading.Event()
    listener = ChangeListener(team["alice"], lambda change: (heard.append(change), arrived.set()))
    listener.start()
    try:
        assert listener.listening.wait(10)
        with _sql(team["alice"]) as alice:
            row = alice.execute("SELECT id FROM user_job LIMIT 1").fetchone()
            assert row is not None
            alice.execute("UPDATE user_job SET status = 'applied' WHERE id = %s", (row[0],))
        assert arrived.wait(1.0)
    finally:
        listener.stop()
    change = heard[0]
    assert change.profile_id == alice_board["profile"]  # type: ignore[attr-defined]
    assert change.cards == frozenset({row[0]})  # type: ignore[attr-defined]


def test_a_members_app_refuses_to_migrate(server: TeamServer, team: dict[str, str], tmp_path: Path) -> None:
    database = f"old_{uuid.uuid4().hex[:6]}"
    admin = create_engine(server.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{database}"'))
    admin.dispose()
    old = create_engine(server.url(database))
    with old.begin() as connection:
        connection.execute(text("CREATE EXTENSION vector"))
    with old.begin() as connection:
        upgrade_connection(connection, "0004_run_interrupted")
        # What `server init` of an older JobPool left: members read the schema version.
        connection.execute(text("GRANT SELECT ON ALL TABLES IN SCHEMA public TO jobpool_member"))
    old.dispose()
    member = server.url(database, team["bob_role"], "pw-bob")
    with pytest.raises(SchemaError, match="a member may not upgrade it"):
        open_context(member, tmp_path)
    with _sql(server.url(database)) as admin:  # nothing was attempted
        assert admin.execute("SELECT version_num FROM alembic_version").fetchone() == ("0004_run_interrupted",)


def test_a_member_on_a_database_not_prepared_for_them_is_told_so(
    server: TeamServer, team: dict[str, str], tmp_path: Path
) -> None:
    database = f"bare_{uuid.uuid4().hex[:6]}"
    admin = create_engine(server.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{database}"'))
    admin.dispose()
    bare = create_engine(server.url(database))
    upgrade_to_head(bare)
    bare.dispose()
    with pytest.raises(SchemaError, match="server init"):
        open_context(server.url(database, team["bob_role"], "pw-bob"), tmp_path)


def test_sslmode_require_is_honoured(team: dict[str, str], tmp_path: Path) -> None:
    # The test server's binaries have no TLS: a URL that requires it must fail rather than connect in the clear.
    with pytest.raises(DatabaseUnavailable, match="SSL"):
        open_context(team["bob"] + "?sslmode=require", tmp_path)
    assert "sslmode=require" in libpq_url(team["bob"] + "?sslmode=require")
    with _sql(team["bob"] + "?sslmode=prefer") as bob:
        assert bob.execute("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").fetchone() == (False,)


def test_member_names_are_checked(team: dict[str, str]) -> None:
    service = TeamService(create_engine(team["admin"]))
    with pytest.raises(TeamError):
        service.add_member("Robert'); DROP TABLE users; --", "pw")
    with pytest.raises(TeamError, match="no member named"):
        service.remove_member("nobody_here")
