"""Team mode against a second PostgreSQL over TCP with SCRAM passwords and TLS: two members and a coach."""

from __future__ import annotations

import io
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
    urls = {"admin": server.url(database), "database": database, "admin_password": server.password}
    for name in ("alice", "bob", "coach"):
        role = f"{name}_{suffix}"
        member_url = ctx.team.add_member(role, f"pw-{name}")
        assert "pw-" not in member_url and server.password not in member_url
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


def test_a_member_fills_empty_fields_of_anothers_pool_job_but_keeps_its_own_free(
    team: dict[str, str], alice_board: dict[str, object]
) -> None:
    with _sql(team["bob"]) as bob:
        row = bob.execute(
            "SELECT id, company FROM job_pool WHERE contributed_by <> current_user AND salary_currency IS NULL LIMIT 1"
        ).fetchone()
        assert row is not None
        assert bob.execute("UPDATE job_pool SET salary_currency = 'EUR' WHERE id = %s", (row[0],)).rowcount == 1
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # filled once, it is no longer his to change
            bob.execute("UPDATE job_pool SET salary_currency = 'USD' WHERE id = %s", (row[0],))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            bob.execute("UPDATE job_pool SET contributed_by = current_user WHERE id = %s", (row[0],))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # a pool job names its real contributor
            bob.execute(
                "INSERT INTO job_pool (hash, title, contributed_by) VALUES ('h-bob', 't', %s)", (team["alice_role"],)
            )
        bob.execute("INSERT INTO job_pool (hash, title) VALUES ('h-bob', 'mine')")
        bob.execute("UPDATE job_pool SET title = 'still mine', company = 'Bob Co' WHERE hash = 'h-bob'")
    with _sql(team["alice"]) as alice, pytest.raises(psycopg.errors.InsufficientPrivilege):
        alice.execute("UPDATE job_pool SET title = 'hers' WHERE hash = 'h-bob'")


def test_tables_added_later_are_covered_by_the_same_rule(team: dict[str, str], alice_board: dict[str, object]) -> None:
    # What another feature might add: a table off user_job, one off users, and one hanging off the first.
    with _sql(team["admin"]) as admin:
        admin.execute(
            "CREATE TABLE IF NOT EXISTS reminder_probe (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), "
            "user_job_id uuid NOT NULL REFERENCES user_job ON DELETE CASCADE, due date)"
        )
        admin.execute(
            "CREATE TABLE IF NOT EXISTS search_probe (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), "
            "user_id uuid NOT NULL REFERENCES users ON DELETE CASCADE, query text)"
        )
        admin.execute(
            "CREATE TABLE IF NOT EXISTS reminder_log_probe (id serial PRIMARY KEY, "
            "reminder_id uuid NOT NULL REFERENCES reminder_probe ON DELETE CASCADE, sent_at timestamptz)"
        )
    lines = TeamService(create_engine(team["admin"])).init()
    covered = next(line for line in lines if line.startswith("row-level security"))
    assert all(name in covered for name in ("reminder_probe", "search_probe", "reminder_log_probe"))
    with _sql(team["alice"]) as alice:
        alice.execute("INSERT INTO reminder_probe (user_job_id) SELECT id FROM user_job LIMIT 1")
        alice.execute("INSERT INTO search_probe (user_id, query) VALUES (%s, 'rust')", (alice_board["profile"],))
        alice.execute("INSERT INTO reminder_log_probe (reminder_id) SELECT id FROM reminder_probe")
    with _sql(team["bob"]) as bob:
        for table in ("reminder_probe", "search_probe", "reminder_log_probe"):
            assert bob.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,)
        assert bob.execute("UPDATE search_probe SET query = 'stolen'").rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            bob.execute("INSERT INTO search_probe (user_id) VALUES (%s)", (alice_board["profile"],))
    with _sql(team["coach"]) as coach:  # granted Alice's profile by an earlier test or now: reads, never writes
        TeamService(create_engine(team["admin"])).grant_coach(team["coach_role"], "Alice")
        assert coach.execute("SELECT count(*) FROM reminder_log_probe").fetchone() == (1,)
        assert coach.execute("DELETE FROM reminder_log_probe").rowcount == 0


def test_server_commands(jobpool, team: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    name = f"dana_{uuid.uuid4().hex[:6]}"
    monkeypatch.setattr("sys.stdin", io.StringIO("s3cret-Pass\n"))
    added = jobpool(team["admin"], "server", "add-member", name, "--password-stdin")
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip().startswith(f"postgresql://{name}@127.0.0.1:")
    assert "s3cret" not in added.stdout + added.stderr
    assert team["admin_password"] not in added.stdout + added.stderr and ":" not in added.stdout.split("@")[0][13:]
    with psycopg.connect(added.stdout.strip(), password="s3cret-Pass") as dana:  # the printed URL works
        assert dana.execute("SELECT current_user").fetchone() == (name,)
    generated = jobpool(team["admin"], "server", "add-member", f"x{name}")
    assert generated.returncode == 0 and "shown once" in generated.stderr
    listed = jobpool(team["admin"], "server", "list-members")
    assert listed.returncode == 0 and name in listed.stdout and "Alice" in listed.stdout
    monkeypatch.setattr("sys.stdin", io.StringIO("another\n"))
    again = jobpool(team["admin"], "server", "add-member", name, "--password-stdin")
    assert again.returncode == 1 and again.stderr.count("\n") == 1 and "exists already" in again.stderr
    unknown = jobpool(team["admin"], "server", "grant-coach", "nobody_here", "--profile", "Alice")
    assert unknown.returncode == 1 and "no member named" in unknown.stderr
    usage = jobpool(team["admin"], "server", "grant-coach", name)
    assert usage.returncode == 2
    removed = jobpool(team["admin"], "server", "remove-member", name)
    assert removed.returncode == 0 and f"\n{name} " not in jobpool(team["admin"], "server", "list-members").stdout
    monkeypatch.setattr("sys.stdin", io.StringIO("eve\n"))
    refused = jobpool(team["bob"], "server", "add-member", "eve_x", "--password-stdin")
    assert refused.returncode == 1 and "refused" in refused.stderr
    again_init = jobpool(team["admin"], "server", "init")
    assert again_init.returncode == 0 and "row-level security on" in again_init.stdout


def test_a_coach_ingesting_for_themselves_recommends_nothing_to_a_coached_profile(
    team: dict[str, str], alice_board: dict[str, object], tmp_path: Path
) -> None:
    TeamService(create_engine(team["admin"])).grant_coach(team["coach_role"], "Alice")
    owner = open_context(team["alice"], tmp_path / "alice")
    try:  # a résumé close to every posting: the fan-out would recommend the coach's new jobs to Alice
        owner.matching.resumes.set_resume("Alice", "engineer developer software data python sql cloud frontend backend")
        owner.matching.recommendations.threshold = 0.0
    finally:
        owner.close()
    with _sql(team["alice"]) as alice:
        before = alice.execute("SELECT count(*) FROM user_job").fetchone()
    ctx = open_context(team["coach"], tmp_path / "coach")
    ctx.matching.recommendations.threshold = 0.0
    try:
        profile = ctx.profiles.add("Coach's own")
        report = ctx.ingestion.ingest_file(profile.id, str(DATASETS / "linkedin_curious.json"))
    finally:
        ctx.close()
    assert report.links_created > 0
    with _sql(team["alice"]) as alice:
        assert alice.execute("SELECT count(*) FROM user_job").fetchone() == before


def test_the_schema_belongs_to_the_owner_role(team: dict[str, str], alice_board: dict[str, object]) -> None:
    with _sql(team["admin"]) as admin:
        tables = admin.execute(
            "SELECT count(*) FILTER (WHERE tableowner <> 'jobpool_owner') FROM pg_tables WHERE schemaname = 'public'"
        ).fetchone()
        functions = admin.execute(
            "SELECT array_agg(proname::text) FROM pg_proc WHERE proname IN "
            "('jobpool_notify_cards_update', 'user_job_count_apply', 'jobpool_pool_guard') "
            "AND pg_get_userbyid(proowner) <> 'jobpool_owner'"
        ).fetchone()
        member = admin.execute(
            "SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls FROM pg_roles WHERE rolname = %s",
            (team["bob_role"],),
        ).fetchone()
    assert tables == (0,) and functions == (None,)
    assert member == (False, False, False, False)


def test_saved_searches_run_by_their_owner_only(
    team: dict[str, str], alice_board: dict[str, object], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.ingestion.live import ApifyConfig
    from app.searches.schedule import Schedule
    from tests.support.fake_apify import FakeApify, Script
    from tests.support.synthetic import linkedin_items

    TeamService(create_engine(team["admin"])).grant_coach(team["coach_role"], "Alice")
    alice = open_context(team["alice"], tmp_path / "alice")
    coach = open_context(team["coach"], tmp_path / "coach")
    bob = open_context(team["bob"], tmp_path / "bob")
    with FakeApify() as fake:
        fake.add_actor("curious_coder/linkedin-jobs-scraper", Script(items=linkedin_items(0, 5)))
        monkeypatch.setenv("APIFY_TOKEN", "team-token")
        monkeypatch.setenv("APIFY_API_URL", fake.url)
        try:
            search = alice.searches.add("Alice", "linkedin", "team search", None, 5, Schedule(4))
            assert bob.searches.list() == []
            assert [s.id for s in coach.searches.list()] == [search.id]  # a coach reads it...
            assert coach.search_runner.run_due(tmp_path / "coach").ran == ()  # ...and never runs it
            assert bob.search_runner.run_due(tmp_path / "bob").ran == ()
            assert fake.runs_started() == []
            alice.live.config = ApifyConfig(poll_interval=0.0)
            report = alice.search_runner.run_due(tmp_path / "alice")
            assert [o.status for o in report.ran] == ["succeeded"]
            assert [r.status for r in alice.searches.recent_runs(search.id)] == ["succeeded"]
            assert [r.status for r in coach.searches.recent_runs(search.id)] == ["succeeded"]
            alice.searches.remove(search.id)
        finally:
            for ctx in (alice, coach, bob):
                ctx.close()


def test_a_description_filled_by_one_member_makes_anothers_card_findable_to_her_only(
    team: dict[str, str], tmp_path: Path
) -> None:
    with _sql(team["alice"]) as alice:
        row = alice.execute("INSERT INTO users (name) VALUES ('Alice searching') RETURNING id").fetchone()
        job = alice.execute("INSERT INTO job_pool (hash, title) VALUES ('h-numbat', 'Analyst') RETURNING id").fetchone()
        assert row is not None and job is not None
        profile, job_id = row[0], job[0]
        alice.execute("INSERT INTO user_job (user_id, job_pool_id) VALUES (%s, %s)", (profile, job_id))
    with _sql(team["bob"]) as bob:  # enrichment on a hit: Bob fills the description Alice's posting lacked
        assert (
            bob.execute("UPDATE job_pool SET description = 'Numbat telemetry' WHERE id = %s", (job_id,)).rowcount == 1
        )
        assert bob.execute("SELECT count(*) FROM user_job WHERE search_vector @@ 'numbat'::tsquery").fetchone() == (0,)
    bob_app = open_context(team["bob"], tmp_path / "bob")
    alice_app = open_context(team["alice"], tmp_path / "alice")
    try:
        assert bob_app.board.cards_for(profile, search="numb") == []
        assert [c.job_pool_id for c in alice_app.board.cards_for(profile, search="numb telem")] == [job_id]
    finally:
        bob_app.close()
        alice_app.close()
