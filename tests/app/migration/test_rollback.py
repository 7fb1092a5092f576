"""Rollback: v1 back exactly, later cards and changes carried back, and migrating again gives the same result."""

from __future__ import annotations

import pytest

from app.context import build_context
from app.hashing import job_hash
from app.migration.service import MigrationService
from db.schema import SchemaState
from tests.support.legacy_fixtures import query, snapshot, table_contents

pytest_plugins = ("tests.support.migration_fixtures",)

# users.updated_at is stamped with now() by the schema upgrade; everything else comes from the legacy data.
# Columns that differ between two runs of the same migration by nature: times, and the inbox row it leaves
# (a new id, the run's duration in its title, a key naming the moment).
_STAMPED = {"users": ("updated_at",), "notification": ("id", "title", "dedup_key", "created_at")}


def _migrated_contents(url: str) -> dict[str, list[str]]:
    contents = {}
    for table, rows in table_contents(url).items():
        if table == "alembic_version":
            continue
        ignored = _STAMPED.get(table, ())
        columns = [
            c["column_name"]
            for c in query(
                url,
                "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' "
                "AND table_name = %s ORDER BY ordinal_position",
                (table,),
            )
        ]
        picked = ", ".join(f'"{c}"' for c in columns if c not in ignored)
        sql = f'SELECT to_jsonb(t)::text AS j FROM (SELECT {picked} FROM "{table}") t ORDER BY 1'
        contents[table] = [r["j"] for r in query(url, sql)]
        assert len(contents[table]) == len(rows)
    return contents


def test_rollback_right_after_migrating_gives_back_exactly_the_v1_database(legacy_db, service, database) -> None:
    before = snapshot(legacy_db.url)
    service.migrate(backup=False)
    report = service.rollback(backup=False)
    assert report.rolled_back
    assert (report.restored_rows, report.carried_back_rows, report.updated_rows) == (17, 0, 0)
    assert (report.removed_links, report.removed_pool_jobs) == (13, 11)
    schema, contents = snapshot(legacy_db.url)
    assert contents == before[1]
    assert schema == before[0]
    assert database.state is SchemaState.LEGACY_V1
    assert service.state() == "legacy_v1"


def test_rollback_twice_says_there_is_nothing_to_roll_back(legacy_db, service) -> None:
    service.migrate(backup=False)
    service.rollback(backup=False)
    after = snapshot(legacy_db.url)
    again = service.rollback()
    assert not again.rolled_back
    assert again.message.startswith("Nothing to roll back")
    assert snapshot(legacy_db.url) == after


def test_cards_and_profiles_added_after_the_migration_are_carried_back(legacy_db, service) -> None:
    fx = legacy_db.fixture
    before = {r["id"]: r for r in query(legacy_db.url, "SELECT * FROM job")}
    service.migrate(backup=False)
    opened = legacy_db.open(upgrade=True)
    try:
        ctx = build_context(opened)
        zoe = ctx.profiles.add("Zoe", "zoe@example.com")
        items = [
            {"title": "Product Manager", "companyName": "Acme Corp", "location": "Berlin, Germany"},  # pooled already
            {
                "title": "Kotlin Developer",
                "companyName": "Vandelay",
                "location": "Oslo",
                "salary": "$100,000 - $130,000 a year",
                "url": "https://jobs.example/vandelay",
            },
        ]
        alice_run = ctx.ingestion.run(fx.users["alice"], [items], source="test", schema="generic", embed=False)
        zoe_run = ctx.ingestion.run(zoe.id, [items[1:]], source="test", schema="generic", embed=False)
        assert (alice_run.links_created, alice_run.pool_hits, zoe_run.links_created) == (2, 1, 1)
        alice_links = {c.title: c.user_job_id for c in ctx.board.cards_for(fx.users["alice"])}
    finally:
        opened.close()

    report = service.rollback(backup=False)
    assert (report.carried_back_rows, report.restored_rows, report.removed_links) == (3, 17, 16)
    assert report.ingestion_runs_dropped == 2
    rows = {r["id"]: r for r in query(legacy_db.url, "SELECT * FROM job")}
    assert len(rows) == 20
    for job_id, row in before.items():  # every legacy row back unchanged
        assert {k: v for k, v in rows[job_id].items() if k != "embedding"} == {
            k: v for k, v in row.items() if k != "embedding"
        }
    kotlin_alice = rows[alice_links["Kotlin Developer"]]  # the card's id becomes the row's id
    assert kotlin_alice["user_id"] == fx.users["alice"]
    assert (kotlin_alice["status"], kotlin_alice["company"], kotlin_alice["location"]) == (
        "recommended",
        "Vandelay",
        "Oslo",
    )
    assert kotlin_alice["salary"] == "USD 100000–130000 per year"  # rebuilt from the parsed range
    assert kotlin_alice["hash"] == job_hash("Vandelay", "Kotlin Developer", "Oslo")
    assert rows[alice_links["Product Manager"]]["title"] == "Product Manager"
    zoe_rows = [r for r in rows.values() if r["user_id"] == zoe.id]
    assert [r["title"] for r in zoe_rows] == ["Kotlin Developer"]
    users = {r["id"]: r["name"] for r in query(legacy_db.url, "SELECT id, name FROM users")}
    assert users[zoe.id] == "Zoe"


def test_changes_made_on_migrated_cards_are_carried_back(legacy_db, service) -> None:
    fx = legacy_db.fixture
    before = {r["id"]: r for r in query(legacy_db.url, "SELECT * FROM job")}
    service.migrate(backup=False)
    opened = legacy_db.open(upgrade=True)
    try:
        ctx = build_context(opened)
        ctx.cards.move([fx.job_id("py_alice")], "offer")
        ctx.cards.set_notes(fx.job_id("de_alice_2"), "Rewritten after the second interview.")
        ctx.profiles.rename(fx.users["bob"], "Robert")
        assert service.verify().cards_changed_since_migration == 2
    finally:
        opened.close()

    report = service.rollback(backup=False)
    assert report.updated_rows == 2
    rows = {r["id"]: r for r in query(legacy_db.url, "SELECT * FROM job")}
    assert rows[fx.job_id("py_alice")]["status"] == "offer"
    assert rows[fx.job_id("de_alice_2")]["notes"] == "Rewritten after the second interview."
    untouched = set(before) - {fx.job_id("py_alice"), fx.job_id("de_alice_2")}
    for job_id in untouched:
        assert {k: v for k, v in rows[job_id].items() if k != "embedding"} == {
            k: v for k, v in before[job_id].items() if k != "embedding"
        }
    names = {r["id"]: r["name"] for r in query(legacy_db.url, "SELECT id, name FROM users")}
    assert names[fx.users["bob"]] == "Robert"  # renamed on purpose since: kept
    assert names[fx.users["erin"]] is None  # the name the migration made up: gone again


def test_rollback_then_migrate_again_gives_the_same_result(legacy_db, service) -> None:
    service.migrate(backup=False)
    first = _migrated_contents(legacy_db.url)
    service.rollback(backup=False)
    again = service.migrate(backup=False)
    assert again.verification.ok
    assert _migrated_contents(legacy_db.url) == first


def test_rollback_keeps_a_backup_of_the_shared_pool_state(legacy_db, service) -> None:
    service.migrate(backup=False)
    report = service.rollback()
    assert report.backup_path is not None and report.backup_path.exists()
    assert report.backup_path.parent == legacy_db.data_dir / "backups"
    assert "v2-before-rollback" in report.backup_path.name


def test_a_profile_removed_after_the_migration_takes_its_legacy_rows_with_it(legacy_db, service) -> None:
    service.migrate(backup=False)
    opened = legacy_db.open(upgrade=True)
    try:
        build_context(opened).profiles.remove(legacy_db.fixture.users["frank"])
    finally:
        opened.close()
    assert service.verify().ok
    report = service.rollback(backup=False)
    assert report.restored_rows == 15
    users = {r["id"] for r in query(legacy_db.url, "SELECT id FROM users")}
    assert legacy_db.fixture.users["frank"] not in users


def test_rollback_of_a_database_that_was_never_migrated(db_url, tmp_path) -> None:
    from app.database import open_database
    from app.errors import SchemaError

    opened = open_database(db_url, tmp_path, upgrade=False)
    try:
        with pytest.raises(SchemaError, match="not migrated"):
            MigrationService(opened).rollback(backup=False)
    finally:
        opened.close()


def test_a_rollback_that_deadlocks_with_a_read_in_flight_starts_again_and_succeeds(legacy_db, service) -> None:
    """A window's read holding user_job and then asking for job_pool crosses the rollback taking its locks one by
    one: PostgreSQL aborts the rollback (the first to wait); it must start again rather than fail."""
    import threading

    import psycopg

    service.migrate(backup=False)
    dsn = legacy_db.url.replace("postgresql+psycopg://", "postgresql://")
    outcome: dict[str, object] = {}
    with psycopg.connect(dsn) as reader, psycopg.connect(dsn, autocommit=True) as watcher:
        reader.execute("SELECT count(*) FROM user_job").fetchone()  # the read holds user_job, in one transaction

        def roll_back() -> None:
            try:
                outcome["report"] = service.rollback(backup=False)
            except Exception as exc:  # the failure is the assertion below
                outcome["error"] = exc

        runner = threading.Thread(target=roll_back)
        runner.start()
        waiting = "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'user_job'::regclass"
        for _ in range(600):  # the rollback holds job_pool and waits for user_job
            if watcher.execute(waiting).fetchone()[0]:
                break
            threading.Event().wait(0.05)
        else:
            raise AssertionError("the rollback never waited for the read")
        reader.execute("SELECT count(*) FROM job_pool").fetchone()  # now the read waits for the rollback: deadlock
        reader.commit()
        runner.join(timeout=60)
    assert "error" not in outcome, outcome.get("error")
    assert outcome["report"].rolled_back
    assert service.state() == "legacy_v1"
