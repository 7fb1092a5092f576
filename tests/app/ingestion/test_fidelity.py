"""Real exports read as their authors wrote them: shapes told apart, dates, JobSpy escapes, money, ids and URLs."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from app.ingestion.dates import decide_day_first
from app.ingestion.files import parse_dataset_bytes
from app.ingestion.job_links import canonical_url, job_id_from_url
from app.ingestion.normalize_schemas import detect_schema
from app.ingestion.normalizers import normalize_items
from app.records import JobDetail
from tests.support.real_exports import flattened_csv, indeed_scraper_item, jobspy_csv

IMPORTED = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def test_indeed_scraper_items_are_not_taken_for_linkedin() -> None:
    batch = normalize_items([indeed_scraper_item()], now=IMPORTED)

    job = batch.jobs[0]
    assert detect_schema(indeed_scraper_item()) == "indeed-scraper"
    assert (job.source, job.source_format, batch.formats) == ("indeed", "indeed-scraper", {"indeed-scraper": 1})
    assert job.external_id == "5f1c0a9e3b2d7c41"
    assert job.url == "https://fr.indeed.com/viewjob?jk=5f1c0a9e3b2d7c41"
    assert (job.salary_min, job.salary_max, job.salary_currency, job.salary_period) == (48000, 56000, "EUR", "year")
    assert job.posted_at == datetime(2026, 3, 5, tzinfo=UTC) and not job.posted_at_inferred


def test_the_flattened_csv_export_is_detected_as_its_shape() -> None:
    dataset = parse_dataset_bytes(flattened_csv([indeed_scraper_item("a1"), indeed_scraper_item("b2")]), "x.csv")

    batch = normalize_items(dataset.items, now=IMPORTED)

    assert batch.formats == {"indeed-scraper": 2}
    assert {job.source for job in batch.jobs} == {"indeed"}
    assert batch.jobs[0].location == "Paris (75)"
    assert batch.jobs[0].salary_min == 48000


def test_a_generic_csv_takes_its_source_from_the_url_host() -> None:
    text = (
        "title,company,url\n"
        "Data Analyst,Rai,https://it.linkedin.com/jobs/view/data-analyst-at-rai-4012345678?refId=x&trk=public\n"
        "DevOps Engineer,PaperCut,https://au.indeed.com/viewjob?jk=9ab8c7d6e5f40312&tk=zz\n"
        "Backend Engineer,VectorShift,https://jobs.example.org/backend\n"
    )
    batch = normalize_items(parse_dataset_bytes(text.encode(), "three.csv").items, now=IMPORTED)

    assert [job.source for job in batch.jobs] == ["linkedin", "indeed", "file"]
    assert [job.external_id for job in batch.jobs] == ["4012345678", "9ab8c7d6e5f40312", None]
    assert batch.jobs[0].url == "https://it.linkedin.com/jobs/view/data-analyst-at-rai-4012345678"


def test_a_forced_format_overrides_detection() -> None:
    batch = normalize_items([indeed_scraper_item()], "generic", now=IMPORTED)

    assert batch.formats == {"generic": 1}
    assert batch.jobs[0].source == "indeed"  # the URL still says where the posting lives


# ---- dates ----------------------------------------------------------------------------------------------------------
def test_day_first_is_decided_per_file_from_the_unambiguous_values() -> None:
    assert decide_day_first(["05-03-2026", "25-03-2026", "07-04-2026"]) is True
    assert decide_day_first(["03/05/2026", "03/25/2026"]) is False
    assert decide_day_first(["05-03-2026", "2026-03-05", None, 3]) is None

    items = [indeed_scraper_item(f"k{day}", datePublished=f"{day:02d}-03-2026", scrapedAt=None) for day in (5, 25)]
    batch = normalize_items(items, now=IMPORTED, day_first=decide_day_first(i["datePublished"] for i in items))
    assert [job.posted_at for job in batch.jobs] == [
        datetime(2026, 3, 5, tzinfo=UTC),
        datetime(2026, 3, 25, tzinfo=UTC),
    ]
    assert batch.dates_inferred == 0

    us = normalize_items([indeed_scraper_item(datePublished="03/05/2026")], now=IMPORTED, day_first=False)
    assert us.jobs[0].posted_at == datetime(2026, 3, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("46086", datetime(2026, 3, 5, tzinfo=UTC)),  # an Excel serial date
        (46086, datetime(2026, 3, 5, tzinfo=UTC)),
        ("2026-03-05T10:00:00+01:00", datetime(2026, 3, 5, 9, 0, tzinfo=UTC)),
        ("2026-03-05T10:00:00", datetime(2026, 3, 5, 10, 0, tzinfo=UTC)),
        ("2026-03-05", datetime(2026, 3, 5, tzinfo=UTC)),
        ("Mar 5, 2026", datetime(2026, 3, 5, tzinfo=UTC)),
    ],
)
def test_dates_read_as_written(value: object, expected: datetime) -> None:
    job = normalize_items([indeed_scraper_item(datePublished=value)], now=IMPORTED).jobs[0]

    assert job.posted_at == expected and not job.posted_at_inferred


@pytest.mark.parametrize(
    ("age", "expected"),
    [
        ("10 days ago", datetime(2026, 3, 5, 8, 30, tzinfo=UTC)),
        ("30+ days ago", datetime(2026, 2, 13, 8, 30, tzinfo=UTC)),
        ("a year ago", datetime(2025, 3, 15, 8, 30, tzinfo=UTC)),
    ],
)
def test_ages_count_from_the_items_own_scrape_time(age: str, expected: datetime) -> None:
    batch = normalize_items([indeed_scraper_item(datePublished=None, age=age)], now=IMPORTED)

    assert batch.jobs[0].posted_at == expected
    assert batch.jobs[0].posted_at_inferred and batch.dates_inferred == 1


def test_ages_without_a_scrape_time_count_from_the_runs_start() -> None:
    item = indeed_scraper_item(datePublished=None, scrapedAt=None, age="2 days ago")

    job = normalize_items([item], now=IMPORTED).jobs[0]

    assert job.posted_at == datetime(2026, 11, 28, 9, 0, tzinfo=UTC) and job.posted_at_inferred


def test_a_written_date_wins_over_an_age_whatever_the_key_order() -> None:
    item = {"age": "10 days ago", **indeed_scraper_item(datePublished="05-03-2026")}

    job = normalize_items([item], now=IMPORTED, day_first=True).jobs[0]

    assert job.posted_at == datetime(2026, 3, 5, tzinfo=UTC) and not job.posted_at_inferred


# ---- JobSpy escapes -------------------------------------------------------------------------------------------------
def test_jobspy_csv_escapes_are_read_as_written() -> None:
    # markdownify escaped the punctuation, the CSV writer escaped the backslashes.
    data = jobspy_csv(r"Profil bac\+5, user\-generated content, R\&D team; path C:\temp stays.")

    job = normalize_items(parse_dataset_bytes(data, "jobspy.csv").items, now=IMPORTED).jobs[0]

    assert job.description == r"Profil bac+5, user-generated content, R&D team; path C:\temp stays."
    assert job.title == "Ingénieur R&D"
    assert (job.source, job.source_format) == ("indeed", "jobspy")


# ---- money, ids, URLs -----------------------------------------------------------------------------------------------
def test_cents_are_kept_and_float_artifacts_rounded() -> None:
    job = normalize_items(parse_dataset_bytes(jobspy_csv("x"), "j.csv").items, now=IMPORTED).jobs[0]
    artifact = normalize_items(
        [{"title": "Barista", "company": "Bean", "min_amount": 16.549999237060547, "interval": "hourly"}]
    ).jobs[0]

    assert (job.salary_min, job.salary_max) == (Decimal("23.5"), Decimal("29.4"))
    assert artifact.salary_min == Decimal("16.55")
    detail = _detail(job.salary_min, job.salary_max, "USD", "hour")
    assert detail.salary_text() == "23.50–29.40 USD / hour"
    assert _detail(Decimal(90000), Decimal(120000), "USD", "year").salary_text() == "90,000–120,000 USD / year"


def _detail(low: Decimal | None, high: Decimal | None, currency: str, period: str) -> JobDetail:
    return JobDetail(
        card=None,  # type: ignore[arg-type]
        description=None,
        description_html=None,
        apply_url=None,
        salary_min=low,
        salary_max=high,
        salary_currency=currency,
        salary_period=period,
        job_type=None,
        skills=None,
        criteria_tags=[],
        scraped_at=IMPORTED,
        legacy_status=None,
        other_profiles=0,
    )


def test_bebity_items_without_an_id_take_it_from_the_posting_url() -> None:
    item = {
        "title": "Data Engineer",
        "companyName": "Globex",
        "jobUrl": "https://www.linkedin.com/jobs/view/data-engineer-at-globex-3987654321?refId=Ab%3D%3D&trackingId=Cd",
        "location": "New York, NY",
        "postedTime": "3 weeks ago",
        "publishedAt": "2026-11-02",
        "applicationsCount": "Over 200 applicants",
        "contractType": "Full-time",
        "workType": "Hybrid",
        "sector": "Software Development",
    }

    job = normalize_items([item], now=IMPORTED).jobs[0]

    assert (job.source_format, job.source) == ("linkedin-bebity", "linkedin")
    assert job.external_id == "3987654321"
    assert job.url == "https://www.linkedin.com/jobs/view/data-engineer-at-globex-3987654321"
    assert job.posted_at == datetime(2026, 11, 2, tzinfo=UTC) and not job.posted_at_inferred


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        (
            "https://www.linkedin.com/jobs/view/4012345678/?trk=public_jobs_topcard-title&refId=x&utm_source=g",
            "https://www.linkedin.com/jobs/view/4012345678/",
        ),
        (
            "https://de.indeed.com/viewjob?from=serp&jk=0a1b2c3d&utm_medium=x",
            "https://de.indeed.com/viewjob?jk=0a1b2c3d",
        ),
        ("https://boards.example.com/job?id=42&utm_source=li&utm_campaign=x", "https://boards.example.com/job?id=42"),
    ],
)
def test_posting_urls_lose_their_tracking_parameters(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical
    assert normalize_items([{"title": "T", "company": "C", "url": url}]).jobs[0].url == canonical


def test_job_ids_from_urls() -> None:
    assert job_id_from_url("https://www.linkedin.com/jobs/search/?currentJobId=4012345678&keywords=x") == "4012345678"
    assert job_id_from_url("https://www.indeed.com/rc/clk?jk=abc123&fccid=1") == "abc123"
    assert job_id_from_url("https://jobs.example.org/1234567") is None
    assert json.dumps(job_id_from_url(None)) == "null"
