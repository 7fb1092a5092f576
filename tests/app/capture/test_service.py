"""Adding captured jobs: pool rows by the pool's hash rule, cards, status, run log and embeddings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from app.capture.records import JobDraft
from app.capture.service import CaptureService
from app.errors import InvalidInput
from app.hashing import job_hash
from db.models import IngestionRun, PoolJob
from tests.support.page_server import page_server
from tests.support.paths import JOB_PAGES


@pytest.fixture
def alex(ctx) -> str:
    ctx.profiles.add("alex")
    return "alex"


def test_a_saved_page_becomes_a_card_with_its_posting(ctx, alex: str) -> None:
    draft = CaptureService.draft_from_file(JOB_PAGES / "djinni_woweri_crm-ai-automation-engineer.html")
    added = ctx.capture.add(alex, draft, source="url")
    assert not added.pool_hit and added.status == "recommended"
    with ctx.database.sessions() as session:
        row = session.get(PoolJob, added.job_pool_id)
        assert row is not None
        assert row.hash == job_hash("WOWERI LLC", "CRM / AI Automation Engineer — Kommo, n8n, APIs", "Remote")
        assert (row.source, row.salary_min, row.salary_max, row.salary_currency, row.salary_period) == (
            "url",
            1500,
            3500,
            "USD",
            "month",
        )
        assert row.is_remote is True and row.posted_at is not None
        assert row.embedding is not None  # embedded like any ingested job
        run = session.scalars(select(IngestionRun).where(IngestionRun.source == "url")).one()
        assert (run.status, run.pool_inserts, run.links_created) == ("succeeded", 1, 1)
    cards = ctx.board.cards_for(ctx.profiles.get(alex).id, None, None)
    assert [c.job_pool_id for c in cards] == [added.job_pool_id]


def test_a_job_added_by_hand_goes_into_the_status_asked_for(ctx, alex: str) -> None:
    draft = JobDraft(title="Engineer", company="Initech", location="Austin, TX", url="https://initech.example/jobs/1")
    added = ctx.capture.add(alex, draft, source="manual", status="applied")
    assert added.status == "applied" and added.source == "manual"
    card = ctx.board.card(added.user_job_id)
    assert card.status.value == "applied"


def test_a_later_scrape_of_an_added_job_is_a_pool_hit(ctx, alex: str, tmp_path: Path) -> None:
    added = ctx.capture.add(
        alex, JobDraft(title="Data Engineer", company="Globex Inc.", location="Berlin"), source="manual"
    )
    export = tmp_path / "export.json"
    export.write_text(json.dumps([{"title": "Data  Engineer", "companyName": "Globex", "location": "Berlin"}]))
    report = ctx.ingestion.ingest_file(alex, str(export))
    assert (report.pool_hits, report.pool_inserts) == (1, 0)
    with ctx.database.sessions() as session:
        assert session.scalar(select(PoolJob.id).where(PoolJob.title == "Data Engineer")) == added.job_pool_id


def test_adding_a_scraped_job_again_is_a_pool_hit_and_keeps_the_pooled_row(ctx, alex: str, tmp_path: Path) -> None:
    export = tmp_path / "export.json"
    export.write_text(
        json.dumps([{"title": "QA Lead", "companyName": "Umbrella", "location": "Paris", "salary": "€50K"}])
    )
    ctx.ingestion.ingest_file(alex, str(export))
    added = ctx.capture.add(alex, JobDraft(title="QA lead", company="Umbrella SA", location="Paris"), source="manual")
    assert added.pool_hit and added.source != "manual" and added.salary_min == 50000


def test_a_job_needs_a_title_and_a_company(ctx, alex: str) -> None:
    with pytest.raises(InvalidInput, match="a company"):
        ctx.capture.add(alex, JobDraft(title="Engineer"), source="manual")


def test_a_link_that_is_not_http_is_refused(ctx, alex: str) -> None:
    with pytest.raises(InvalidInput, match="http"):
        ctx.capture.add(alex, JobDraft(title="T", company="C", url="javascript:alert(1)"), source="manual")


def test_draft_from_url_reads_the_fetched_page(ctx) -> None:
    with page_server() as base:
        draft = ctx.capture.draft_from_url(f"{base}/pages/workday_medtronic_fpa-consultant.html")
    assert (draft.title, draft.company, draft.found_by) == ("FP&A Consultant", "Medtronic", "json-ld")


def test_a_too_big_saved_file_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.html"
    big.write_bytes(b"<p>" + b"x" * (5 * 1024 * 1024 + 10))
    with pytest.raises(InvalidInput, match="larger than 5 MB"):
        CaptureService.draft_from_file(big)
