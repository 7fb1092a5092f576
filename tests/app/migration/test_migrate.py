"""Detection, dry run and migration of a messy v1 database into the shared pool."""

from __future__ import annotations

import numpy as np
import pytest

from app.context import build_context
from app.errors import SchemaError
from app.hashing import job_hash
from app.migration.migrate import NOTES_SEPARATOR
from app.migration.service import MigrationService
from db.base import JobStatus
from db.schema import SchemaState
from tests.support.legacy_fixtures import NOTE_QUOTES, NOTE_SHARED, NOTE_UNICODE, query, schema_dump, snapshot, vector

pytest_plugins = ("tests.support.migration_fixtures",)


def _links(url: str) -> dict:
    """Cards by legacy_job_id."""
    return {row["legacy_job_id"]: row for row in query(url, "SELECT * FROM user_job")}


def _pool(url: str) -> dict:
    """Pool rows by id."""
    return {row["id"]: row for row in query(url, "SELECT * FROM job_pool")}


def test_v1_database_is_detected_and_left_untouched_when_opened(legacy_db) -> None:
    before = snapshot(legacy_db.url)
    opened = legacy_db.open(upgrade=True)  # even the app's default open must not touch a v1 database
    try:
        ctx = build_context(opened)
        assert opened.state is SchemaState.LEGACY_V1
        assert ctx.needs_migration
        assert MigrationService(opened).state() == "legacy_v1"
    finally:
        opened.close()
    assert snapshot(legacy_db.url) == before


def test_preview_writes_nothing_and_describes_the_outcome(legacy_db, service) -> None:
    before = snapshot(legacy_db.url)
    preview = service.preview()
    assert snapshot(legacy_db.url) == before
    fx = legacy_db.fixture
    assert preview.state == "legacy_v1"
    assert (preview.legacy_rows, preview.pool_jobs, preview.links, preview.merged_rows) == (17, 11, 13, 4)
    assert len(preview.profiles) == 7
    assert preview.shared_pool_jobs == 1  # the Python job of alice, bob and carol
    assert preview.joined_old_hashes == 4
    assert preview.null_hashes == 2
    assert preview.scores_clamped == 2
    assert preview.tailored_resumes == 4 and preview.cards_with_resume == 2
    assert preview.embeddings_kept == 3
    assert (preview.salaries, preview.salaries_parsed) == (4, 3)
    merges = {m.legacy_job_ids: m for m in preview.merges}
    assert set(merges) == {
        (fx.job_id("de_alice_2"), fx.job_id("de_alice_1")),
        (fx.job_id("qa_bob_2"), fx.job_id("qa_bob_1")),
        (fx.job_id("ml_carol_3"), fx.job_id("ml_carol_2"), fx.job_id("ml_carol_1")),
    }
    statuses = {m.legacy_job_ids[0]: m.status for m in preview.merges}
    assert statuses[fx.job_id("de_alice_2")] is JobStatus.INTERVIEWING
    assert statuses[fx.job_id("qa_bob_2")] is JobStatus.REJECTED
    assert statuses[fx.job_id("ml_carol_3")] is JobStatus.INTERVIEWING
    mapping = {s.value: (s.maps_to, s.known, s.rows) for s in preview.statuses}
    assert mapping["Phone   Screen"] == (JobStatus.INTERVIEWING, True, 1)
    assert mapping["  APPLIED "] == (JobStatus.APPLIED, True, 1)
    assert mapping["Applied"] == (JobStatus.APPLIED, True, 2)
    assert mapping[""] == (JobStatus.RECOMMENDED, True, 1)
    assert {s.value for s in preview.unmapped} == {"Maybe later", "🤔 thinking"}
    assert "Nothing was written" in preview.message
    assert preview.to_json()["unmapped"][0]["maps_to"] == "recommended"


def test_preview_matches_what_the_migration_does(legacy_db, service) -> None:
    preview = service.preview()
    report = service.migrate(backup=False)
    assert (report.legacy_rows, report.pool_jobs, report.links, report.merged_rows) == (
        preview.legacy_rows,
        preview.pool_jobs,
        preview.links,
        preview.merged_rows,
    )
    assert {(s.value, s.rows) for s in report.unmapped} == {(s.value, s.rows) for s in preview.unmapped}
    assert report.embeddings_kept == preview.embeddings_kept
    assert report.cards_with_resume == preview.cards_with_resume
    assert report.scores_clamped == preview.scores_clamped
    names = {row["id"]: row["name"] for row in query(legacy_db.url, "SELECT id, name FROM users")}
    assert names == {p.user_id: p.name for p in preview.profiles}
    assert report.profiles_renamed == sum(p.renamed for p in preview.profiles) == 4
    cards = {}
    for row in query(legacy_db.url, "SELECT user_id, count(*) AS n FROM user_job GROUP BY user_id"):
        cards[row["user_id"]] = row["n"]
    assert cards == {p.user_id: p.cards for p in preview.profiles if p.cards}


def test_the_migration_reuses_the_pool_hashes_its_preview_computed(legacy_db, service, monkeypatch) -> None:
    """Hashing every legacy row takes seconds at 100,000 rows: the preview's hashes serve the migration after it,
    which then hashes nothing again, with the same result as hashing afresh (the other tests migrate unpreviewed)."""
    from app.migration import legacy

    preview = service.preview()
    hashed: list[tuple] = []
    real = legacy.job_hash

    def counting(*triple):
        hashed.append(triple)
        return real(*triple)

    monkeypatch.setattr(legacy, "job_hash", counting)
    report = service.migrate(backup=False)
    assert hashed == []
    assert (report.legacy_rows, report.pool_jobs) == (preview.legacy_rows, preview.pool_jobs)
    pool = {row["hash"] for row in query(legacy_db.url, "SELECT hash FROM job_pool")}
    legacy_rows = query(legacy_db.url, "SELECT company, title, location FROM job_legacy")
    assert pool == {real(r["company"], r["title"], r["location"]) for r in legacy_rows}


def test_every_profile_inbox_gets_the_migration_result_once(legacy_db, service) -> None:
    report = service.migrate(backup=False)
    rows = query(legacy_db.url, "SELECT user_id, kind, title FROM notification")
    users = {row["id"] for row in query(legacy_db.url, "SELECT id FROM users")}
    assert {row["user_id"] for row in rows} == users and len(rows) == len(users)
    assert {(row["kind"], row["title"]) for row in rows} == {("migration", report.message)}
    assert service.migrate(backup=False).already_migrated
    assert len(query(legacy_db.url, "SELECT id FROM notification")) == len(users)


def test_profiles_keep_their_ids_and_get_unique_tidy_names(legacy_db, service) -> None:
    service.migrate(backup=False)
    users = legacy_db.fixture.users
    names = {row["id"]: row["name"] for row in query(legacy_db.url, "SELECT id, name FROM users")}
    assert (
        names
        == {
            users["alice"]: "Alice",
            users["bob"]: "bob@example.com",
            users["carol"]: "Carol",
            users["carol2"]: f"carol ({str(users['carol2'])[:8]})",
            users["dave"]: "Dave",  # a user without jobs is a profile too
            users["erin"]: f"Profile {str(users['erin'])[:8]}",
            users["frank"]: "Frank Smith",
        }
    )


def test_unique_jobs_go_to_the_pool_with_the_v2_hash_and_the_most_complete_row(legacy_db, service) -> None:
    report = service.migrate(backup=False)
    fx = legacy_db.fixture
    pool = _pool(legacy_db.url)
    assert len(pool) == report.pool_jobs == 11
    for row in pool.values():
        assert row["hash"] == job_hash(row["company"], row["title"], row["location"])
        assert row["metadata"]["migrated_from"] == "v1"
    python_job = pool[fx.job_id("py_alice")]  # alice's copy is the most complete of the three
    assert python_job["description"] == fx.jobs["py_alice"].description
    assert python_job["url"] == "https://jobs.example/acme/1"
    assert (python_job["salary_min"], python_job["salary_max"]) == (60000, 75000)
    assert (python_job["salary_currency"], python_job["salary_period"]) == ("EUR", "year")
    assert python_job["metadata"]["salary_text"] == "€60,000 – €75,000 a year"
    assert python_job["metadata"]["legacy_hash"] == "a-1"
    assert python_job["embedding_model"] == "legacy"
    assert np.allclose(python_job["embedding"].to_numpy(), vector(1))
    assert python_job["scraped_at"] == min(
        r["created_at"] for r in query(legacy_db.url, "SELECT created_at FROM job_legacy WHERE title ILIKE '%python%'")
    )
    qa_job = pool[fx.job_id("qa_bob_1")]  # winner without an embedding keeps the other copy's
    assert qa_job["embedding_model"] == "legacy"
    assert np.allclose(qa_job["embedding"].to_numpy(), vector(4))
    data_job = pool[fx.job_id("de_alice_1")]
    assert (data_job["salary_min"], data_job["salary_max"], data_job["salary_currency"]) == (90000, 120000, "USD")
    assert data_job["embedding"] is None and data_job["embedding_model"] is None
    unparsed = pool[fx.job_id("ghost_bob")]
    assert (unparsed["salary_min"], unparsed["salary_period"]) == (45, "hour")
    assert report.embeddings_kept == 3


def test_one_card_per_legacy_row_and_merges_keep_the_later_status_and_every_note(legacy_db, service) -> None:
    service.migrate(backup=False)
    fx = legacy_db.fixture
    links = _links(legacy_db.url)
    assert len(links) == 13
    data = links[fx.job_id("de_alice_2")]  # interview beats applied: de_alice_2 is the primary row
    assert data["id"] == fx.job_id("de_alice_2")
    assert data["status"] == "interviewing"
    assert data["notes"] == NOTE_QUOTES + NOTES_SEPARATOR + NOTE_UNICODE  # oldest note first
    assert (data["match_score"], data["gap_analysis"]) == (40, {"missing": ["Spark"]})
    assert data["tailored_resume_id"] == fx.resumes["de_secondary"]
    qa = links[fx.job_id("qa_bob_2")]
    assert qa["status"] == "rejected"  # later in board order than offer
    assert qa["notes"] == NOTE_SHARED  # the same note twice is kept once
    ml = links[fx.job_id("ml_carol_3")]
    assert ml["status"] == "interviewing"
    assert ml["notes"] == "first" + NOTES_SEPARATOR + "third"
    assert ml["legacy_status"] == "Maybe later"
    python = links[fx.job_id("py_alice")]
    assert (python["status"], python["notes"], python["match_score"]) == ("applied", NOTE_QUOTES, 82)
    assert python["tailored_resume_id"] == fx.resumes["py_new"]  # the newest of its two resumes
    assert links[fx.job_id("py_bob")]["status"] == "applied"
    assert links[fx.job_id("py_carol")]["status"] == "interviewing"
    assert {links[fx.job_id(k)]["job_pool_id"] for k in ("py_alice", "py_bob", "py_carol")} == {fx.job_id("py_alice")}
    emoji = links[fx.job_id("unknown_emoji")]
    assert (emoji["status"], emoji["legacy_status"], emoji["notes"]) == ("recommended", "🤔 thinking", NOTE_UNICODE)
    assert links[fx.job_id("offer_frank")]["notes"] == "Line one\r\nLine two\nLine three"
    assert links[fx.job_id("offer_frank")]["status"] == "offer"
    assert links[fx.job_id("withdrawn_alice")]["status"] == "archived"
    assert links[fx.job_id("withdrawn_alice")]["match_score"] == 0  # -3 clamped; the raw value stays in job_legacy
    assert (links[fx.job_id("empty_status")]["status"], links[fx.job_id("empty_status")]["notes"]) == (
        "recommended",
        "   ",
    )
    assert links[fx.job_id("phone_underscore")]["status"] == "interviewing"
    assert links[fx.job_id("ghost_bob")]["status"] == "rejected"
    for key, job in fx.jobs.items():
        if key not in ("de_alice_1", "qa_bob_1", "ml_carol_1", "ml_carol_2"):
            assert links[job.id]["added_at"] is not None and links[job.id]["user_id"] == fx.users[job.user]


def test_job_is_kept_as_job_legacy_with_every_row_and_valid_foreign_keys(legacy_db, service) -> None:
    before = query(legacy_db.url, "SELECT * FROM job ORDER BY id")
    service.migrate(backup=False)
    tables = {r["tablename"] for r in query(legacy_db.url, "SELECT tablename FROM pg_tables WHERE schemaname='public'")}
    assert "job" not in tables and {"job_legacy", "tailored_resume", "job_pool", "user_job"} <= tables
    after = query(legacy_db.url, "SELECT * FROM job_legacy ORDER BY id")
    mapped = {row.pop("migrated_to_user_job_id") for row in after}
    assert [{k: v for k, v in r.items() if k != "embedding"} for r in after] == [
        {k: v for k, v in r.items() if k != "embedding"} for r in before
    ]
    assert mapped == {r["id"] for r in query(legacy_db.url, "SELECT id FROM user_job")}
    referenced = query(
        legacy_db.url,
        "SELECT confrelid::regclass::text AS t FROM pg_constraint "
        "WHERE conrelid = 'tailored_resume'::regclass AND contype = 'f'",
    )
    assert referenced == [{"t": "job_legacy"}]
    resumes = query(
        legacy_db.url,
        "SELECT u.tailored_resume_id, t.job_id FROM user_job u JOIN tailored_resume t ON t.id = u.tailored_resume_id",
    )
    assert len(resumes) == 2


def test_migrated_cards_show_on_each_profile_board(legacy_db, service) -> None:
    service.migrate(backup=False)
    opened = legacy_db.open(upgrade=True)
    try:
        ctx = build_context(opened)
        assert not ctx.needs_migration
        fx = legacy_db.fixture
        cards = ctx.board.cards_for(fx.users["alice"])
        assert [(c.title, c.status) for c in cards] == [
            ("Senior Python Developer", JobStatus.APPLIED),
            ("Data Engineer", JobStatus.INTERVIEWING),
            ("Go Developer", JobStatus.ARCHIVED),
        ]
        frank = {c.title: c for c in ctx.board.cards_for(fx.users["frank"])}
        assert frank["Rust Developer"].notes == NOTE_UNICODE
        assert ctx.board.detail(frank["Rust Developer"].user_job_id).legacy_status == "🤔 thinking"
        assert ctx.board.cards_for(fx.users["dave"]) == []
    finally:
        opened.close()


def test_later_ingestion_dedups_against_migrated_jobs(legacy_db, service) -> None:
    service.migrate(backup=False)
    opened = legacy_db.open(upgrade=True)
    try:
        ctx = build_context(opened)
        report = ctx.ingestion.run(
            legacy_db.fixture.users["dave"],
            [[{"title": "Senior Python Developer", "companyName": "ACME Inc.", "location": "Berlin, Germany"}]],
            source="test",
            schema="generic",
            embed=False,
        )
        assert (report.pool_hits, report.pool_inserts, report.links_created) == (1, 0, 1)
    finally:
        opened.close()


def test_second_run_changes_nothing_and_says_already_migrated(legacy_db, service) -> None:
    first = service.migrate()
    assert first.backup_path is not None
    after_first = snapshot(legacy_db.url)
    second = service.migrate()
    assert second.already_migrated
    assert second.message == "Already migrated: nothing was changed."
    assert second.backup_path is None
    assert snapshot(legacy_db.url) == after_first
    assert len(list(first.backup_path.parent.iterdir())) == 1  # no second backup either
    assert service.preview().state == "migrated"


def test_verification_accounts_for_every_row_and_reports_gaps(legacy_db, service) -> None:
    report = service.migrate(backup=False)
    assert report.verification is not None and report.verification.ok
    verification = service.verify()
    assert verification.ok
    assert (verification.legacy_rows, verification.accounted_rows, verification.merged_rows) == (17, 17, 4)
    assert (verification.profiles, verification.pool_jobs, verification.links) == (7, 11, 13)
    assert all(check.ok for check in verification.checks)
    assert {c.name for c in verification.checks} >= {"cards belong to profiles", "tailored resumes on cards exist"}
    fx = legacy_db.fixture
    query(legacy_db.url, "DELETE FROM user_job WHERE id = %s", (fx.job_id("ml_carol_3"),))
    broken = service.verify()
    assert not broken.ok
    assert {row.legacy_job_id for row in broken.unaccounted} == {
        fx.job_id("ml_carol_1"),
        fx.job_id("ml_carol_2"),
        fx.job_id("ml_carol_3"),
    }
    assert {row.reason for row in broken.unaccounted} == {"its card no longer exists"}
    assert "not accounted for" in broken.message


def test_user_without_any_job_and_empty_job_table(empty_db_url, tmp_path) -> None:
    from app.database import open_database
    from tests.support.legacy_fixtures import connect, create_v1_schema, insert_users

    create_v1_schema(empty_db_url)
    with connect(empty_db_url) as conn:
        insert_users(conn, {"solo": ("Solo", None, None)})
    opened = open_database(empty_db_url, tmp_path, upgrade=False)
    try:
        report = MigrationService(opened).migrate(backup=False)
        assert (report.legacy_rows, report.pool_jobs, report.links, report.profiles) == (0, 0, 0, 1)
        assert report.verification.ok
    finally:
        opened.close()


def test_a_database_that_is_not_v1_is_refused(db_url, tmp_path) -> None:
    from app.database import open_database

    opened = open_database(db_url, tmp_path, upgrade=False)
    try:
        service = MigrationService(opened)
        assert service.preview().state == "current"
        with pytest.raises(SchemaError, match="nothing to migrate"):
            service.migrate(backup=False)
        with pytest.raises(SchemaError, match="nothing to roll back"):
            service.rollback(backup=False)
    finally:
        opened.close()


def test_the_migrated_tables_are_exactly_those_of_a_fresh_database(legacy_db, service, db_url) -> None:
    """Indexes and foreign keys dropped for the bulk load come back exactly as the schema revisions made them."""
    service.migrate(backup=False)
    tables = ("job_pool", "user_job", "ingestion_run", "ingestion_run_job")
    assert schema_dump(legacy_db.url, tables) == schema_dump(db_url, tables)
    assert "CREATE INDEX" in schema_dump(db_url, ("job_pool",))
