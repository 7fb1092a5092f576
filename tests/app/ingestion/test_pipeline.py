"""The pool-deduplicating pipeline against a real PostgreSQL."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, text

from tests.support.paths import REPO
from tests.support.synthetic import linkedin_item, linkedin_items

ROOT = REPO


def _scalar(ctx, sql: str, **params):
    with ctx.database.engine.connect() as conn:
        return conn.execute(text(sql), params).scalar()


def test_second_profile_is_served_entirely_from_the_pool(ctx) -> None:
    ctx.profiles.add("Ana")
    ctx.profiles.add("Ben")
    items = linkedin_items(0, 300)
    first = ctx.ingestion.run("Ana", [items], source="test")
    second = ctx.ingestion.run("ben", [items], source="test")  # profile names are case-insensitive

    assert (first.pool_inserts, first.pool_hits, first.links_created) == (300, 0, 300)
    assert (second.pool_inserts, second.pool_hits, second.links_created) == (0, 300, 300)
    assert _scalar(ctx, "SELECT count(*) FROM job_pool") == 300
    for name in ("Ana", "Ben"):
        profile = ctx.profiles.get(name)
        assert len(ctx.board.cards_for(profile.id)) == 300
    # The pool row is shared: one job, two links.
    assert _scalar(ctx, "SELECT max(n) FROM (SELECT count(*) n FROM user_job GROUP BY job_pool_id) s") == 2
    runs = _scalar(ctx, "SELECT count(*) FROM ingestion_run WHERE status = 'succeeded'")
    assert runs == 2
    assert _scalar(ctx, "SELECT count(*) FROM ingestion_run_job") == 600


def test_same_profile_again_reports_existing_links(ctx) -> None:
    ctx.profiles.add("Ana")
    items = linkedin_items(0, 50)
    ctx.ingestion.run("Ana", [items], source="test")
    again = ctx.ingestion.run("Ana", [items[:20] + linkedin_items(50, 60)], source="test")
    assert (again.pool_hits, again.pool_inserts) == (20, 10)
    assert (again.links_existing, again.links_created) == (20, 10)


def test_duplicates_inside_a_batch_collapse_to_the_most_complete(ctx) -> None:
    ctx.profiles.add("Ana")
    sparse = {"title": "Data Engineer", "companyName": "Globex Inc.", "location": "Berlin"}
    rich = dict(linkedin_item(1), title="data  engineer", companyName="GLOBEX", location="berlin")
    rich["descriptionText"] = "The complete posting."
    report = ctx.ingestion.run("Ana", [[sparse, rich, dict(sparse)]], source="test")
    assert (report.fetched, report.duplicates, report.pool_inserts, report.links_created) == (3, 2, 1, 1)
    assert _scalar(ctx, "SELECT description FROM job_pool") == "The complete posting."


def test_duplicates_across_chunks_count_once(ctx) -> None:
    ctx.profiles.add("Ana")
    ctx.ingestion.chunk_size = 10
    items = linkedin_items(0, 25)
    report = ctx.ingestion.run("Ana", [items + items[:7]], source="test")
    assert (report.fetched, report.duplicates, report.pool_inserts, report.pool_hits) == (32, 7, 25, 0)
    assert report.links_created == 25


def test_bad_items_are_rejected_with_reasons_and_the_rest_land(ctx) -> None:
    ctx.profiles.add("Ana")
    good = linkedin_items(0, 5)
    bad = [
        {"companyName": "Acme", "location": "Berlin"},  # no title
        {"title": "Engineer", "location": "Berlin"},  # no company
        "not an object",
        ["a", "list"],
        None,
        42,
        {"title": {"nested": "dict"}, "companyName": "Acme"},  # wrong type for title
    ]
    cleaned = [
        {"title": "Nul\x00 Engineer", "companyName": "Zero\x00 Co", "location": "Paris"},
        {"title": 12345, "companyName": "Numbers Ltd", "descriptionText": "x" * 1_000_000},
    ]
    report = ctx.ingestion.run("Ana", [good + bad + cleaned], source="test")
    assert report.fetched == 14
    assert len(report.rejected) == 7
    reasons = " | ".join(r["reason"] for r in report.rejected)
    assert "title" in reasons and "company" in reasons and "list" in reasons
    assert {r["index"] for r in report.rejected} == set(range(5, 12))
    assert report.pool_inserts == 7
    assert report.cleaned >= 2
    assert _scalar(ctx, "SELECT count(*) FROM job_pool WHERE title LIKE '%' || chr(1) || '%'") == 0
    assert _scalar(ctx, "SELECT title FROM job_pool WHERE company = 'Zero Co'") == "Nul Engineer"
    assert _scalar(ctx, "SELECT title FROM job_pool WHERE company = 'Numbers Ltd'") == "12345"
    assert _scalar(ctx, "SELECT length(description) FROM job_pool WHERE company = 'Numbers Ltd'") <= 100_000
    stored = _scalar(ctx, "SELECT rejected FROM ingestion_run")
    assert stored == 7


def test_progress_and_cancellation_keep_committed_chunks(ctx) -> None:
    ctx.profiles.add("Ana")
    ctx.ingestion.chunk_size = 100
    seen = []

    def progress(p) -> None:
        seen.append(p.done)

    report = ctx.ingestion.run(
        "Ana", [linkedin_items(0, 500)], source="test", on_progress=progress, should_cancel=lambda: len(seen) >= 2
    )
    assert report.status == "cancelled"
    assert seen[:2] == [100, 200]
    assert report.pool_inserts == 200
    assert _scalar(ctx, "SELECT count(*) FROM job_pool") == 200
    assert _scalar(ctx, "SELECT status FROM ingestion_run") == "cancelled"


def test_a_run_starts_writing_on_a_small_chunk_then_grows_to_full_ones(ctx) -> None:
    ctx.profiles.add("Ana")
    ctx.ingestion.chunk_size = 1000
    seen = []
    report = ctx.ingestion.run(
        "Ana", [linkedin_items(0, 2500)], source="test", on_progress=lambda p: seen.append(p.done), embed=False
    )
    assert seen == [250, 750, 1750, 2500]  # 250, 500, then whole chunks of 1,000
    assert report.pool_inserts == 2500


def test_new_pool_rows_are_embedded_after_linking(ctx) -> None:
    ctx.profiles.add("Ana")
    report = ctx.ingestion.run("Ana", [linkedin_items(0, 40)], source="test")
    assert report.embedded == 40
    assert _scalar(ctx, "SELECT count(*) FROM job_pool WHERE embedding IS NULL") == 0
    again = ctx.ingestion.run("Ana", [linkedin_items(0, 40)], source="test")
    assert again.embedded == 0


def test_unknown_profile_is_a_clear_error(ctx) -> None:
    import pytest

    from app.errors import NotFound

    with pytest.raises(NotFound, match="No profile named"):
        ctx.ingestion.run("ghost", [linkedin_items(0, 3)], source="test")


def test_two_processes_ingesting_overlapping_batches(db_url: str, tmp_path: Path) -> None:
    from db.engine import make_engine

    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO users (name) VALUES ('Ana'), ('Ben')"))
    a = tmp_path / "a.json"
    b = tmp_path / "b.json"
    a.write_text(json.dumps(linkedin_items(0, 3000, seed=1)))
    b.write_text(json.dumps(linkedin_items(1500, 4500, seed=2)))
    procs = [
        subprocess.Popen(
            [sys.executable, "main.py", "--db-url", db_url, "ingest", "--profile", who, "--file", str(path), "--json"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for who, path in (("Ana", a), ("Ben", b))
    ]
    outputs = [p.communicate(timeout=240) for p in procs]
    for proc, (_, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
    reports = [json.loads(out) for out, _ in outputs]
    assert sum(r["pool_inserts"] for r in reports) == 4500
    assert sum(r["pool_hits"] for r in reports) == 1500
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*), count(DISTINCT hash) FROM job_pool")).one() == (4500, 4500)
        assert conn.execute(text("SELECT count(*) FROM user_job")).scalar() == 6000
    engine.dispose()


def test_engine_without_app_context_sees_same_rows(ctx, db_url: str) -> None:
    # A plain engine (no pgvector registration) still reads what the pipeline wrote.
    ctx.profiles.add("Ana")
    ctx.ingestion.run("Ana", [linkedin_items(0, 3)], source="test")
    engine = create_engine(db_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM job_pool")).scalar() == 3
    engine.dispose()
