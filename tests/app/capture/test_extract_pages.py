"""The posting extractor over real saved job pages, against the answer key in tests/fixtures/job_pages/README.md."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from app.capture.extract import extract_posting
from tests.support.paths import JOB_PAGES

# file: (title, company, location, (min, max, currency, period) or None, datePosted or None, found by)
EXPECTED = {
    "indeed_au_papercut_senior-devops-engineer.html": (
        "Senior DevOps Engineer",
        "PaperCut Software",
        "Camberwell, VIC 3124, AU",
        (130000, 160000, "AUD", "year"),
        date(2026, 8, 6),
        "json-ld",
    ),
    "linkedin_it_rai_data-analyst.html": (
        "DATA ANALYST",
        "Rai - Radiotelevisione Italiana",
        "Rome, IT",
        None,
        date(2024, 6, 11),
        "json-ld",
    ),
    "linkedin_fr_monsieur-vincent_secretaire.html": (
        "Secrétaire / secrétaire de direction — H/F",
        "Association Monsieur Vincent",
        "Gentilly, Île-de-France, France",
        None,  # the € figures on the page belong to "similar jobs"
        None,
        "page",
    ),
    "workday_autodesk_industry-strategy-manager.html": (
        "Senior Industry Strategy Manager - Content Creation",
        "Autodesk",  # the brand; the JSON-LD names the legal entity "Autodesk Canada Co."
        "Montreal, Quebec, Canada",
        None,  # the description's range is for U.S.-based roles only
        date(2024, 9, 24),
        "json-ld",
    ),
    "workday_medtronic_fpa-consultant.html": (
        "FP&A Consultant",
        "Medtronic",
        "USA-MN OHQ Corporate, United States of America",
        (133600, 200400, "USD", "year"),
        date(2026, 4, 7),
        "json-ld",
    ),
    "greenhouse_sonatus_senior-staff-ai-engineer.html": (
        "Senior Staff AI Engineer",
        "Sonatus",
        "Sunnyvale, CA",
        (227500, 300000, "USD", "year"),
        date(2026, 3, 9),
        "page",
    ),
    "lever_leverdemo_software-engineer.html": (
        "Software Engineer",
        "Lever Demo 2",
        "Bay Area, CA",
        None,
        date(2019, 3, 22),
        "json-ld",
    ),
    "djinni_woweri_crm-ai-automation-engineer.html": (
        "CRM / AI Automation Engineer — Kommo, n8n, APIs",
        "WOWERI LLC",
        "Remote",
        (1500, 3500, "USD", "month"),
        date(2026, 7, 14),
        "json-ld",
    ),
    "workatastartup_vectorshift_backend-engineer.html": (
        "Backend Engineer (India)",
        "VectorShift",
        "IN / Remote (IN)",
        (20000, 30000, "USD", "year"),
        None,
        "page",
    ),
    "seek_iterate_senior-platform-engineer.html": (
        "Senior Platform Engineer | Remote | Australia",
        "iterate",
        "Melbourne VIC (Remote)",
        None,
        date(2026, 8, 9),
        "page",
    ),
    "workinstartups_attio_product-engineer.html": (
        "Product Engineer",
        "Attio",
        "London [Remote], UK",
        (80000, 95000, "GBP", "year"),
        date(2025, 4, 20),
        "page",
    ),
    "wttj_monzo_product-marketing-lead_jsonld-fragment.html": (
        "Product Marketing Lead (Core Banking)",
        "Monzo",
        "London, GB",
        (100000, 133000, "GBP", "year"),
        date(2026, 5, 29),
        "json-ld",
    ),
}


def test_every_sample_page_has_an_answer() -> None:
    assert sorted(EXPECTED) == sorted(p.name for p in JOB_PAGES.glob("*.html"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_page(name: str) -> None:
    title, company, location, salary, posted, found_by = EXPECTED[name]
    draft = extract_posting((JOB_PAGES / name).read_text(encoding="utf-8", errors="replace"))
    assert draft.found_by == found_by
    assert draft.title == title
    assert draft.company == company
    assert draft.location == location
    if salary is None:
        assert (draft.salary_min, draft.salary_max) == (None, None)
    else:
        low, high, currency, period = salary
        assert (draft.salary_min, draft.salary_max) == (Decimal(low), Decimal(high))
        assert (draft.salary_currency, draft.salary_period) == (currency, period)
    assert (draft.posted_at.date() if draft.posted_at else None) == posted
    assert draft.description and "<" not in draft.description.replace("<br>", "")


def test_remote_postings_are_flagged() -> None:
    for name in (
        "djinni_woweri_crm-ai-automation-engineer.html",
        "wttj_monzo_product-marketing-lead_jsonld-fragment.html",
    ):
        assert extract_posting((JOB_PAGES / name).read_text(encoding="utf-8")).is_remote is True


def test_json_ld_details_employment_type_and_valid_through() -> None:
    draft = extract_posting((JOB_PAGES / "djinni_woweri_crm-ai-automation-engineer.html").read_text(encoding="utf-8"))
    assert draft.employment_type == "Full time"
    assert draft.valid_through is not None and draft.valid_through.date() == date(2026, 8, 13)


def test_escaped_json_ld_description_becomes_plain_text() -> None:
    draft = extract_posting((JOB_PAGES / "linkedin_it_rai_data-analyst.html").read_text(encoding="utf-8"))
    assert draft.description is not None
    assert "&lt;" not in draft.description and "<p>" not in draft.description


def test_saved_page_url_comes_from_the_page() -> None:
    draft = extract_posting((JOB_PAGES / "workday_autodesk_industry-strategy-manager.html").read_text(encoding="utf-8"))
    assert draft.url is not None and draft.url.startswith("https://autodesk.wd1.myworkdayjobs.com/")


def test_og_title_escaped_twice_reads_as_one_ampersand() -> None:
    page = (JOB_PAGES / "workday_medtronic_fpa-consultant.html").read_text(encoding="utf-8")
    without_json_ld = re.sub(r"<script[^>]*ld\+json.*?</script>", "", page, flags=re.DOTALL)
    assert "FP&amp;amp;A" in without_json_ld
    assert extract_posting(without_json_ld).title == "FP&A Consultant"
