"""Revision 0008: the pool re-hashed under v3, rows that now collide merged, each profile keeping one card."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, Engine, text

from app.dedup.merge import NOTES_SEPARATOR
from app.dedup.rehash import rehash_pool
from app.hashing import job_hash, norm, norm_company
from db.engine import make_engine
from db.schema import upgrade_connection

BEFORE = "0004_run_interrupted"


def v2_hash(company: str, title: str, location: str) -> str:
    key = f"v2|{norm_company(company)}|{norm(title)}|{norm(location)}"
    return hashlib.sha256(key.encode()).hexdigest()


@pytest.fixture
def engine(empty_db_url: str) -> Iterator[Engine]:
    engine = make_engine(empty_db_url)
    with engine.begin() as connection:
        upgrade_connection(connection, BEFORE)
    yield engine
    engine.dispose()


def add_profile(connection: Connection, name: str) -> uuid.UUID:
    return connection.execute(text("INSERT INTO users (name) VALUES (:n) RETURNING id"), {"n": name}).scalar_one()


def add_job(connection: Connection, company: str, title: str, location: str, **extra: object) -> uuid.UUID:
    values = {"hash": v2_hash(company, title, location), "company": company, "title": title, "location": location}
    values |= extra
    columns = ", ".join(values)
    params = ", ".join(f":{k}" for k in values)
    return connection.execute(
        text(f"INSERT INTO job_pool ({columns}) VALUES ({params}) RETURNING id"), values
    ).scalar_one()


def add_card(
    connection: Connection, user: uuid.UUID, job: uuid.UUID, status: str, notes: str | None, added: str
) -> None:
    connection.execute(
        text(
            "INSERT INTO user_job (user_id, job_pool_id, status, notes, added_at) "
            "VALUES (:u, :j, CAST(:s AS job_status), :n, CAST(:a AS timestamptz))"
        ),
        {"u": user, "j": job, "s": status, "n": notes, "a": added},
    )


def test_upgrade_merges_one_posting_from_two_boards(engine: Engine) -> None:
    with engine.begin() as c:
        alex, sam = add_profile(c, "alex"), add_profile(c, "sam")
        indeed = add_job(
            c, "Acme", "Data Engineer", "Paris, A8, FR", source="indeed", scraped_at="2026-03-01", salary_min=50000
        )
        linkedin = add_job(
            c,
            "Acme",
            "Data Engineer",
            "Paris, Île-de-France, France",
            source="linkedin",
            scraped_at="2026-03-02",
            description="Build pipelines.",
        )
        other = add_job(c, "Acme", "Data Engineer", "Lyon, France")
        add_card(c, alex, indeed, "recommended", "seen on Indeed", "2026-03-03")
        add_card(c, alex, linkedin, "interviewing", "call with Dana", "2026-03-05")
        add_card(c, sam, linkedin, "applied", None, "2026-03-04")
        add_card(c, sam, other, "recommended", None, "2026-03-04")
        run = c.execute(text("INSERT INTO ingestion_run (source) VALUES ('file') RETURNING id")).scalar_one()
        c.execute(
            text("INSERT INTO ingestion_run_job (run_id, job_pool_id) VALUES (:r, :a), (:r, :b)"),
            {"r": run, "a": indeed, "b": linkedin},
        )
    with engine.begin() as c:
        upgrade_connection(c)
    with engine.connect() as c:
        pool = c.execute(text("SELECT id, hash, company, title, location, description, salary_min FROM job_pool")).all()
        assert len(pool) == 2
        assert all(row.hash == job_hash(row.company, row.title, row.location) for row in pool)
        kept = next(row for row in pool if row.id == indeed)  # the earliest scraped row is kept
        assert kept.description == "Build pipelines." and kept.salary_min == 50000  # filled from the dropped row
        cards = c.execute(
            text(
                "SELECT u.name, j.job_pool_id, j.status::text, j.notes, j.added_at::date::text AS added "
                "FROM user_job j JOIN users u ON u.id = j.user_id ORDER BY u.name, j.status"
            )
        ).all()
        alex_cards = [r for r in cards if r.name == "alex"]
        assert len(alex_cards) == 1
        assert alex_cards[0].job_pool_id == indeed
        assert alex_cards[0].status == "interviewing"  # the most advanced column
        assert alex_cards[0].notes == f"seen on Indeed{NOTES_SEPARATOR}call with Dana"
        assert alex_cards[0].added == "2026-03-03"
        assert sorted((r.job_pool_id, r.status) for r in cards if r.name == "sam") == sorted(
            [(indeed, "applied"), (other, "recommended")]
        )
        counts = dict(
            c.execute(
                text(
                    "SELECT k.status::text, k.cards FROM user_job_count k JOIN users u ON u.id = k.user_id "
                    "WHERE u.name = 'alex' AND k.cards <> 0"
                )
            ).all()
        )
        assert counts == {"interviewing": 1}
        assert c.execute(text("SELECT job_pool_id FROM ingestion_run_job")).scalars().all() == [indeed]
        merged = c.execute(text("SELECT dropped_id, kept_id, reason, cards_merged FROM job_pool_merge")).all()
        assert [(m.dropped_id, m.kept_id, m.cards_merged) for m in merged] == [(linkedin, indeed, 1)]


def test_rehash_is_idempotent_and_fast_path_changes_nothing(engine: Engine) -> None:
    with engine.begin() as c:
        add_job(c, "Globex", "Backend Engineer", "San Francisco, CA, USA")
        add_job(c, "Globex", "Backend Engineer", "San Francisco, CA")
        upgrade_connection(c)
    with engine.begin() as c:
        changed, report = rehash_pool(c)
        assert (changed, report.pool_jobs_merged, report.cards_merged) == (0, 0, 0)
        assert c.execute(text("SELECT count(*) FROM job_pool")).scalar_one() == 1
        assert c.execute(text("SELECT count(*) FROM job_pool_merge")).scalar_one() == 1


def test_downgrade_restores_v2_hashes(engine: Engine) -> None:
    with engine.begin() as c:
        job = add_job(c, "Initech", "QA Analyst", "Austin, TX")
        upgrade_connection(c)
    with engine.begin() as c:
        assert c.execute(text("SELECT hash FROM job_pool")).scalar_one() == job_hash(
            "Initech", "QA Analyst", "Austin, TX"
        )
        from alembic import command

        from db.schema import alembic_config

        command.downgrade(alembic_config(c), BEFORE)
        assert c.execute(text("SELECT hash FROM job_pool WHERE id = :j"), {"j": job}).scalar_one() == v2_hash(
            "Initech", "QA Analyst", "Austin, TX"
        )


def test_not_duplicate_answers_follow_a_merge(engine: Engine) -> None:
    with engine.begin() as c:
        upgrade_connection(c)
        alex = add_profile(c, "alex")
        a = add_job(c, "Umbrella", "Chemist", "Berlin", scraped_at="2026-01-01")
        b = add_job(c, "Umbrella", "Chemist", "Berlin, Germany, EU", scraped_at="2026-01-02")
        x = add_job(c, "Umbrella", "Senior Chemist", "Berlin")
        # Simulate rows hashed by an older rule: b's hash is stale, so the re-hash must merge it into a.
        c.execute(text("UPDATE job_pool SET hash = 'stale' WHERE id = :b"), {"b": b})
        low, high = sorted([b, x])
        c.execute(
            text("INSERT INTO job_pool_not_duplicate (user_id, job_pool_id, other_job_pool_id) VALUES (:u, :l, :h)"),
            {"u": alex, "l": low, "h": high},
        )
        rehash_pool(c)
        rows = c.execute(text("SELECT job_pool_id, other_job_pool_id FROM job_pool_not_duplicate")).all()
        assert [tuple(r) for r in rows] == [tuple(sorted([a, x]))]
