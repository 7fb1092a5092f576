"""Normalizers: per-actor field mapping, salary and date parsing, HTML to text, rejections and cleaning."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from app.errors import InvalidInput
from app.hashing import job_hash
from app.ingestion.files import read_dataset_file
from app.ingestion.normalize_text import html_to_text
from app.ingestion.normalize_values import parse_posted_at, parse_salary, parse_salary_text
from app.ingestion.normalizers import detect_schema, normalize_items
from app.ingestion.records import NormalizedJob
from tests.support.paths import DATASETS

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


def normalize_one(item: dict[str, Any], schema: str | None = None) -> NormalizedJob:
    batch = normalize_items([item], schema, now=NOW)
    assert batch.rejected == [], batch.rejected
    return batch.jobs[0]


# ---- field mapping per schema ---------------------------------------------------------------------------------------
SCHEMA_CASES = [
    pytest.param(
        "linkedin-curious",
        {
            "id": "4012345678",
            "trackingId": "ab12",
            "link": "https://www.linkedin.com/jobs/view/4012345678",
            "title": "Senior Python Developer",
            "companyName": "Acme Corp",
            "companyLinkedinUrl": "https://www.linkedin.com/company/acme",
            "location": "Austin, TX",
            "postedAt": "2026-11-18",
            "salaryInfo": ["$140,000.00/yr", "$170,000.00/yr"],
            "salary": "",
            "descriptionHtml": "<p>Build <b>APIs</b>.</p>",
            "descriptionText": "Build APIs.",
            "applyUrl": "https://careers.acme.example/apply/1",
            "employmentType": "Full-time",
            "seniorityLevel": "Mid-Senior level",
            "applicantsCount": "Over 200 applicants",
        },
        {
            "title": "Senior Python Developer",
            "company": "Acme Corp",
            "source": "linkedin",
            "external_id": "4012345678",
            "url": "https://www.linkedin.com/jobs/view/4012345678",
            "apply_url": "https://careers.acme.example/apply/1",
            "location": "Austin, TX",
            "description": "Build APIs.",
            "salary_min": Decimal(140000),
            "salary_max": Decimal(170000),
            "salary_currency": "USD",
            "salary_period": "year",
            "job_type": "Full-time",
            "is_remote": None,
            "posted_at": datetime(2026, 11, 18, tzinfo=UTC),
        },
        id="linkedin-curious",
    ),
    pytest.param(
        "linkedin-curious",
        {
            "id": 4012345679,
            "trackingId": "cd34",
            "jobUrl": "https://www.linkedin.com/jobs/view/4012345679",
            "title": "Platform Engineer",
            "company": "Vandelay Industries",
            "location": "United States",
            "postedAtTimestamp": 1794787200000,
            "salaryInfo": [],
            "descriptionHTML": "<p>Remote-first.</p>",
            "workRemoteAllowed": True,
            "companyLinkedinUrl": "https://www.linkedin.com/company/vandelay",
        },
        {
            "company": "Vandelay Industries",
            "external_id": "4012345679",
            "description": "Remote-first.",
            "url": "https://www.linkedin.com/jobs/view/4012345679",
            "is_remote": True,
            "salary_min": None,
            "posted_at": datetime(2026, 11, 16, tzinfo=UTC),
        },
        id="linkedin-curious-drifted",
    ),
    pytest.param(
        "linkedin-bebity",
        {
            "id": "4707485516",
            "publishedAt": "2026-11-18T14:02:11.000Z",
            "salary": "$135K/yr - $160K/yr",
            "title": "Data Engineer",
            "jobUrl": "https://www.linkedin.com/jobs/view/globex-4707485516",
            "companyName": "Globex, Inc.",
            "companyUrl": "https://www.linkedin.com/company/globex",
            "location": "New York, NY",
            "postedTime": "1 day ago",
            "applicationsCount": "37 applicants",
            "description": "Own our pipelines.\n\n- Airflow\n- dbt",
            "contractType": "Full-time",
            "experienceLevel": "Associate",
            "workType": "Remote",
            "sector": "Financial Services",
            "applyUrl": "https://jobs.globex.example/4707485516",
        },
        {
            "title": "Data Engineer",
            "company": "Globex, Inc.",
            "source": "linkedin",
            "location": "New York, NY",
            "url": "https://www.linkedin.com/jobs/view/globex-4707485516",
            "description": "Own our pipelines.\n\n- Airflow\n- dbt",
            "salary_min": Decimal(135000),
            "salary_max": Decimal(160000),
            "salary_currency": "USD",
            "salary_period": "year",
            "job_type": "Full-time",
            "is_remote": True,
            "posted_at": datetime(2026, 11, 18, 14, 2, 11, tzinfo=UTC),
        },
        id="linkedin-bebity",
    ),
    pytest.param(
        "linkedin-bebity",
        {
            "id": "4707485517",
            "title": "Cloud Engineer",
            "link": "https://www.linkedin.com/jobs/view/4707485517",
            "company": "Sable Systems",
            "location": "Atlanta, GA",
            "postedTime": "2 weeks ago",
            "applicationsCount": "Over 200 applicants",
            "contractType": "Contract",
            "workType": "On-site",
            "experienceLevel": "Entry level",
        },
        {
            "company": "Sable Systems",
            "url": "https://www.linkedin.com/jobs/view/4707485517",
            "job_type": "Contract",
            "is_remote": False,
            "posted_at": NOW - timedelta(weeks=2),
        },
        id="linkedin-bebity-drifted",
    ),
    pytest.param(
        "indeed-misceres",
        {
            "positionName": "Warehouse Systems Analyst",
            "salary": "$32 - $38 an hour",
            "jobType": ["Full-time", "Contract"],
            "company": "Meridian Freight",
            "location": "Memphis, TN",
            "rating": 3.9,
            "reviewsCount": 87,
            "url": "https://www.indeed.com/viewjob?jk=b7a2",
            "id": "b7a2",
            "postedAt": "Just posted",
            "postingDateParsed": "2026-11-21T06:00:00.000Z",
            "description": "Keep the trucks moving.",
            "descriptionHTML": "<p>Keep the trucks moving.</p>",
            "externalApplyLink": "https://apply.meridian.example/b7a2",
            "isExpired": False,
        },
        {
            "title": "Warehouse Systems Analyst",
            "company": "Meridian Freight",
            "source": "indeed",
            "external_id": "b7a2",
            "url": "https://www.indeed.com/viewjob?jk=b7a2",
            "apply_url": "https://apply.meridian.example/b7a2",
            "description": "Keep the trucks moving.",
            "salary_min": Decimal(32),
            "salary_max": Decimal(38),
            "salary_currency": "USD",
            "salary_period": "hour",
            "job_type": "Full-time, Contract",
            "posted_at": datetime(2026, 11, 21, 6, tzinfo=UTC),
        },
        id="indeed-misceres",
    ),
    pytest.param(
        "indeed-misceres",
        {
            "positionName": "Network Engineer",
            "company": "Ironbark Security",
            "location": "Hybrid remote in Arlington, VA",
            "salary": "From $120,000 a year",
            "jobType": [],
            "url": "https://www.indeed.com/viewjob?jk=9791",
            "id": "9791",
            "postedAt": "30+ days ago",
            "externalApplyLink": None,
            "description": "<p>Design networks.</p><ul><li>BGP</li><li>Firewalls &amp; VPNs</li></ul>",
        },
        {
            "description": "Design networks.\n\n• BGP\n• Firewalls & VPNs",
            "salary_min": Decimal(120000),
            "salary_max": None,
            "salary_period": "year",
            "job_type": None,
            "is_remote": False,
            "apply_url": None,
            "posted_at": NOW - timedelta(days=30),
        },
        id="indeed-misceres-html-only",
    ),
    pytest.param(
        "indeed-valig",
        {
            "key": "d4ed399f",
            "url": "https://www.indeed.com/viewjob?jk=d4ed399f",
            "jobUrl": None,
            "title": "Pharmacy Technician",
            "datePublished": "2026-11-20T00:00:00.000Z",
            "location": {
                "countryName": "United States",
                "countryCode": "US",
                "admin1Code": "AZ",
                "city": "Phoenix",
                "formattedAddressShort": "Phoenix, AZ",
            },
            "employer": {"name": "Kestrel Health", "companyPageUrl": "https://www.indeed.com/cmp/Kestrel"},
            "baseSalary": {"min": 19.5, "max": 24, "unitOfWork": "HOUR", "currencyCode": "USD"},
            "description": {"text": "Fill prescriptions.", "html": "<p>Fill prescriptions.</p>"},
            "jobTypes": {"75GKK": "Part-time"},
        },
        {
            "title": "Pharmacy Technician",
            "company": "Kestrel Health",
            "source": "indeed",
            "external_id": "d4ed399f",
            "location": "Phoenix, AZ",
            "description": "Fill prescriptions.",
            "salary_min": Decimal("19.5"),
            "salary_max": Decimal(24),
            "salary_currency": "USD",
            "salary_period": "hour",
            "job_type": "Part-time",
            "posted_at": datetime(2026, 11, 20, tzinfo=UTC),
        },
        id="indeed-valig",
    ),
    pytest.param(
        "indeed-valig",
        {
            "jobKey": "e1",
            "viewJobLink": "https://www.indeed.com/viewjob?jk=e1",
            "title": "Dispatcher",
            "employer": "Meridian Freight",
            "location": {"city": "Houston", "admin1Code": "TX", "countryName": "United States"},
            "baseSalary": {"value": {"minValue": 4200, "maxValue": 5100, "unitText": "MONTH"}, "currency": "USD"},
            "description": "<p>Plan <i>routes</i>.</p>",
            "jobTypes": [{"label": "Full-time"}],
            "dateOnIndeed": "2026-11-16",
        },
        {
            "company": "Meridian Freight",
            "external_id": "e1",
            "url": "https://www.indeed.com/viewjob?jk=e1",
            "location": "Houston, TX, United States",
            "description": "Plan routes.",
            "salary_min": Decimal(4200),
            "salary_max": Decimal(5100),
            "salary_currency": "USD",
            "salary_period": "month",
            "job_type": "Full-time",
            "posted_at": datetime(2026, 11, 16, tzinfo=UTC),
        },
        id="indeed-valig-drifted",
    ),
    pytest.param(
        "jobspy",
        {
            "id": "gd-4784647353",
            "site": "Glassdoor",
            "job_url": "https://www.glassdoor.com/job-listing/j?jl=1",
            "job_url_direct": "https://careers.northbeam.example/1",
            "title": "Data Platform Engineer",
            "company": "Northbeam Analytics",
            "location": "Remote",
            "date_posted": "2026-11-17",
            "job_type": "fulltime, contract",
            "interval": "yearly",
            "min_amount": "145000.0",
            "max_amount": "175000.0",
            "currency": "USD",
            "is_remote": "True",
            "job_level": "nan",
            "description": "**Build** the platform.",
            "company_industry": None,
        },
        {
            "title": "Data Platform Engineer",
            "source": "glassdoor",
            "external_id": "gd-4784647353",
            "url": "https://www.glassdoor.com/job-listing/j?jl=1",
            "apply_url": "https://careers.northbeam.example/1",
            "description": "**Build** the platform.",
            "salary_min": Decimal(145000),
            "salary_max": Decimal(175000),
            "salary_currency": "USD",
            "salary_period": "year",
            "job_type": "Full-time, Contract",
            "is_remote": True,
            "posted_at": datetime(2026, 11, 17, tzinfo=UTC),
        },
        id="jobspy",
    ),
    pytest.param(
        "jobspy",
        {
            "site": "indeed",
            "job_url": "https://www.indeed.com/viewjob?jk=2",
            "job_url_direct": None,
            "title": "Forklift Operator",
            "company": "Tidewater Logistics",
            "location": "Savannah, GA",
            "date_posted": None,
            "job_type": "nan",
            "interval": "nan",
            "min_amount": "nan",
            "max_amount": "nan",
            "currency": "nan",
            "is_remote": "False",
        },
        {
            "source": "indeed",
            "apply_url": None,
            "salary_min": None,
            "salary_max": None,
            "salary_currency": None,
            "salary_period": None,
            "job_type": None,
            "is_remote": False,
            "posted_at": None,
        },
        id="jobspy-empty-cells",
    ),
    pytest.param(
        "generic",
        {
            "title": "Solutions Engineer",
            "company": "Hooli",
            "location": "Remote",
            "url": "https://hooli.example/1",
            "description": "Help customers.",
            "salary": "€50K–60K",
        },
        {
            "source": "file",
            "is_remote": True,
            "salary_min": Decimal(50000),
            "salary_max": Decimal(60000),
            "salary_currency": "EUR",
            "salary_period": None,
            "url": "https://hooli.example/1",
        },
        id="generic",
    ),
]


@pytest.mark.parametrize(("schema", "item", "expected"), SCHEMA_CASES)
def test_each_schema_maps_its_fields(schema: str, item: dict[str, Any], expected: dict[str, Any]) -> None:
    assert detect_schema(item) == schema
    job = normalize_one(item)
    for field, value in expected.items():
        assert getattr(job, field) == value, field
    assert job.skills is None
    assert job.metadata["schema"] == schema
    json.dumps(job.metadata, allow_nan=False)


def test_explicit_schema_skips_detection() -> None:
    item = {"title": "Nurse", "company": "Kestrel Health", "location": "Remote"}
    assert normalize_one(item).source == "file"
    assert normalize_one(item, "jobspy").source == "jobspy"
    assert normalize_one(item, "indeed-valig").metadata["schema"] == "indeed-valig"
    assert normalize_one({**item, "site": "ZipRecruiter"}).source == "ziprecruiter"
    with pytest.raises(InvalidInput, match="Unknown dataset schema"):
        normalize_items([item], "monster")


# ---- detection ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("keys", "schema"),
    [
        (["id", "link", "title", "companyName", "companyLinkedinUrl", "salaryInfo"], "linkedin-curious"),
        (["id", "title", "company", "trackingId", "postedAtTimestamp", "descriptionHTML"], "linkedin-curious"),
        (["id", "title", "jobUrl", "companyName", "postedTime", "applicationsCount", "workType"], "linkedin-bebity"),
        (["positionName", "company", "salary", "jobType", "postingDateParsed", "externalApplyLink"], "indeed-misceres"),
        (["PositionName", "company", "isExpired"], "indeed-misceres"),
        (["key", "url", "title", "employer", "baseSalary", "jobTypes", "datePublished"], "indeed-valig"),
        (["key", "title", "employer/name", "baseSalary", "location"], "indeed-valig"),
        (["site", "job_url", "job_url_direct", "title", "company", "min_amount", "max_amount", "interval"], "jobspy"),
        (["site", "title", "company", "date_posted", "minAmount"], "jobspy"),
        (["title", "company", "location", "url", "description"], "generic"),
        (["title", "rating"], "generic"),
        ([], "generic"),
    ],
)
def test_detect_schema_from_keys(keys: list[str], schema: str) -> None:
    assert detect_schema(dict.fromkeys(keys, "x")) == schema


# ---- salaries -------------------------------------------------------------------------------------------------------
D = Decimal


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$90,000 - $120,000 a year", (D(90000), D(120000), "USD", "year")),
        ("€50K–60K", (D(50000), D(60000), "EUR", None)),
        ("45 an hour", (D(45), D(45), None, "hour")),
        ("$22.50 an hour", (D("22.5"), D("22.5"), "USD", "hour")),
        ("From $80,000 a year", (D(80000), None, "USD", "year")),
        ("Up to $60,000 a year", (None, D(60000), "USD", "year")),
        ("$100K+", (D(100000), None, "USD", None)),
        ("$50.00/hr - $60.00/hr", (D(50), D(60), "USD", "hour")),
        ("$4,000 - $5,500 a month", (D(4000), D(5500), "USD", "month")),
        ("£30,000 - £35,000 per annum", (D(30000), D(35000), "GBP", "year")),
        ("USD 100k-120k/yr", (D(100000), D(120000), "USD", "year")),
        ("50-60K EUR", (D(50000), D(60000), "EUR", None)),
        ("€50.000 - €60.000 brutto/Jahr", (D(50000), D(60000), "EUR", "year")),
        ("CHF 120'000 p.a.", (D(120000), D(120000), "CHF", "year")),
        ("CA$85,000 - CA$95,000 a year", (D(85000), D(95000), "CAD", "year")),
        ("$18 to $22 per hour", (D(18), D(22), "USD", "hour")),
        ("Between $70,000 and $85,000", (D(70000), D(85000), "USD", None)),
        ("$1,200 a week", (D(1200), D(1200), "USD", "week")),
        ("$250 per day", (D(250), D(250), "USD", "day")),
        ("Competitive", (None, None, None, None)),
        ("", (None, None, None, None)),
        ("99999999999999999999999", (None, None, None, None)),
    ],
)
def test_salary_text(text: str, expected: tuple[Any, ...]) -> None:
    salary = parse_salary_text(text)
    assert (salary.minimum, salary.maximum, salary.currency, salary.period) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (["$90,000", "$120,000"], (D(90000), D(120000), "USD", None)),
        (["$55.00/hr - $65.00/hr"], (D(55), D(65), "USD", "hour")),
        ([], (None, None, None, None)),
        (
            {"min": 90000, "max": 110000, "unitOfWork": "YEAR", "currencyCode": "USD"},
            (D(90000), D(110000), "USD", "year"),
        ),
        ({"min": "21", "max": "25.5", "unitOfWork": "HOUR", "currencyCode": "usd"}, (D(21), D("25.5"), "USD", "hour")),
        ({"max": 90000, "min": 120000, "unitOfWork": "YEAR"}, (D(90000), D(120000), None, "year")),
        (
            {"value": {"minValue": 4200, "maxValue": 5100, "unitText": "MONTH"}, "currency": "EUR"},
            (D(4200), D(5100), "EUR", "month"),
        ),
        ({"min": float("nan"), "max": None}, (None, None, None, None)),
        (85000, (D(85000), D(85000), None, None)),
        (True, (None, None, None, None)),
    ],
)
def test_salary_values(value: Any, expected: tuple[Any, ...]) -> None:
    salary = parse_salary(value)
    assert (salary.minimum, salary.maximum, salary.currency, salary.period) == expected


def test_salary_columns_of_jobspy_and_swapped_bounds() -> None:
    hourly = normalize_one(
        {
            "site": "indeed",
            "title": "Cook",
            "company": "Orchard Labs",
            "interval": "hourly",
            "min_amount": "19.5",
            "max_amount": "23.0",
            "currency": "USD",
            "job_url_direct": None,
        }
    )
    assert (hourly.salary_min, hourly.salary_max, hourly.salary_period) == (D("19.5"), D(23), "hour")
    swapped = normalize_one({"title": "Cook", "company": "Orchard Labs", "salaryMin": 30, "salaryMax": 20})
    assert (swapped.salary_min, swapped.salary_max) == (D(20), D(30))
    assert "salary minimum was above the maximum; swapped" in swapped.warnings


# ---- dates ----------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-06-24", datetime(2026, 6, 24, tzinfo=UTC)),
        ("2026-11-18T10:00:00.000Z", datetime(2026, 11, 18, 10, tzinfo=UTC)),
        ("2026-11-18T10:00:00+02:00", datetime(2026, 11, 18, 8, tzinfo=UTC)),
        ("2026-11-18 10:00:00", datetime(2026, 11, 18, 10, tzinfo=UTC)),
        (1794787200000, datetime(2026, 11, 16, tzinfo=UTC)),
        ("1794787200000", datetime(2026, 11, 16, tzinfo=UTC)),
        (1794787200, datetime(2026, 11, 16, tzinfo=UTC)),
        ("2 days ago", NOW - timedelta(days=2)),
        ("Posted 3 hours ago", NOW - timedelta(hours=3)),
        ("30+ days ago", NOW - timedelta(days=30)),
        ("an hour ago", NOW - timedelta(hours=1)),
        ("1 week ago", NOW - timedelta(weeks=1)),
        ("2 months ago", NOW - timedelta(days=60)),
        ("5d ago", NOW - timedelta(days=5)),
        ("just posted", NOW),
        ("Today", NOW),
        ("yesterday", NOW - timedelta(days=1)),
        ("Jun 24, 2026", datetime(2026, 6, 24, tzinfo=UTC)),
        ("24.06.2026", datetime(2026, 6, 24, tzinfo=UTC)),
        ("sometime last spring", None),
        ("2026-13-45", None),
        ("", None),
        (0, None),
        (True, None),
        (None, None),
        ({"date": "2026-06-24"}, None),
    ],
)
def test_posted_at(value: Any, expected: datetime | None) -> None:
    parsed = parse_posted_at(value, NOW)
    assert parsed == expected
    if parsed is not None:
        assert parsed.tzinfo is not None


def test_relative_dates_follow_the_given_now() -> None:
    item = {"positionName": "Cashier", "company": "Quillwork", "postedAt": "3 days ago"}
    later = datetime(2027, 1, 10, 9, 30, tzinfo=timezone(timedelta(hours=1)))
    assert normalize_items([item], now=later).jobs[0].posted_at == later - timedelta(days=3)
    naive_now = datetime(2027, 1, 10, 9, 30)
    assert normalize_items([item], now=naive_now).jobs[0].posted_at == datetime(2027, 1, 7, 9, 30, tzinfo=UTC)


# ---- HTML to text ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("<p>First paragraph.</p><p>Second one.</p>", "First paragraph.\n\nSecond one."),
        (
            "<p>Skills:</p><ul><li>Python</li><li>SQL</li></ul><p>Apply now.</p>",
            "Skills:\n\n• Python\n• SQL\n\nApply now.",
        ),
        ("Line one<br>Line two<br/>Line three", "Line one\nLine two\nLine three"),
        ("R&amp;D &lt;team&gt; &quot;caf&eacute;&quot; &#8212; 5&nbsp;days", 'R&D <team> "café" — 5 days'),
        ("<div>\n  Lots   of\n  source   whitespace\n</div>", "Lots of source whitespace"),
        ("<style>p {color: red}</style><script>alert(1)</script><!-- note --><p>Visible</p>", "Visible"),
        ("<h2>About</h2><p>We <strong>ship</strong> <a href='x'>often</a>.</p>", "About\n\nWe ship often."),
        ("<table><tr><td>Pay</td><td>$50</td></tr></table>", "Pay $50"),
    ],
)
def test_html_to_text(markup: str, text: str) -> None:
    assert html_to_text(markup) == text


def test_html_only_description_keeps_the_markup_in_metadata() -> None:
    markup = "<p>Build <b>things</b>.</p>"
    job = normalize_one({"positionName": "Engineer", "company": "Initech", "description": markup})
    assert job.description == "Build things."
    assert job.metadata["description_html"] == markup
    assert "description" not in job.metadata


def test_text_and_html_descriptions_keep_no_html_copy() -> None:
    job = normalize_one(
        {
            "title": "Engineer",
            "companyName": "Initech",
            "salaryInfo": [],
            "descriptionText": "Plain words.",
            "descriptionHtml": "<p>Plain words.</p>",
        }
    )
    assert job.description == "Plain words."
    assert not {"description_html", "descriptionHtml", "descriptionText"} & set(job.metadata)
    assert job.metadata["salaryInfo"] == []


def test_text_field_that_holds_html_is_converted() -> None:
    job = normalize_one(
        {
            "key": "k",
            "title": "Technician",
            "employer": {"name": "Bluefin Robotics"},
            "description": {"text": "<p>Fix <b>robots</b></p><ul><li>Wiring</li></ul>", "html": None},
        }
    )
    assert job.description == "Fix robots\n\n• Wiring"


# ---- rejections -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("item", "reason"),
    [
        ({"company": "Acme Corp", "location": "Austin, TX"}, "no title"),
        ({"title": "Engineer", "location": "Austin, TX"}, "no company"),
        ({"title": "   ", "company": "Acme"}, "no title"),
        ({"title": "Engineer", "company": "\t\n"}, "no company"),
        ({"title": "---", "company": "Acme"}, "no title"),
        ({"title": "nan", "company": "Acme"}, "no title"),
        ({"title": {"text": "Engineer"}, "company": "Acme"}, "no title"),
        ({"title": "Engineer", "company": {"logo": "x.png"}}, "no company"),
        ({}, "no title and no company"),
        ({"#error": True, "url": "https://www.indeed.com/viewjob?jk=1"}, "no title and no company"),
        (["Engineer", "Acme"], "item is a list, not an object"),
        ("Engineer at Acme", "item is a string, not an object"),
        (42, "item is a number, not an object"),
        (4.2, "item is a number, not an object"),
        (None, "item is null, not an object"),
        (True, "item is true/false, not an object"),
    ],
)
def test_rejection_reasons(item: Any, reason: str) -> None:
    batch = normalize_items([item], now=NOW)
    assert batch.jobs == []
    assert [rejection.reason for rejection in batch.rejected] == [reason]
    assert len(batch.rejected[0].excerpt) <= 120


def test_rejections_keep_the_rest_and_carry_indexes_and_excerpts() -> None:
    good = {"title": "Engineer", "company": "Acme"}
    items = [good, None, {"title": "Designer", "company": "Hooli"}, {"company": "Globex " + "x" * 500}]
    batch = normalize_items(items, start_index=100, now=NOW)
    assert [job.title for job in batch.jobs] == ["Engineer", "Designer"]
    assert [(r.index, r.reason) for r in batch.rejected] == [(101, "item is null, not an object"), (103, "no title")]
    assert batch.rejected[1].excerpt.startswith('{"company": "Globex xxx')
    assert len(batch.rejected[1].excerpt) <= 120


def test_messy_fixture() -> None:
    items = read_dataset_file(DATASETS / "messy_items.json").items
    batch = normalize_items(items, now=NOW)
    assert [(r.index, r.reason) for r in batch.rejected] == [
        (3, "no title"),
        (4, "item is a list, not an object"),
        (5, "item is a string, not an object"),
        (6, "item is a number, not an object"),
        (7, "item is null, not an object"),
        (8, "item is true/false, not an object"),
        (9, "no title and no company"),
        (10, "no title"),
        (11, "no company"),
    ]
    assert [job.title[:17] for job in batch.jobs] == [
        "Senior Backend En",
        "404",
        "Support Engineer",
        "Platform Engineer",
        "Warehouse Lead",
    ]
    assert {entry.index for entry in batch.cleaned} == {0, 1, 2, 12}


# ---- cleaning -------------------------------------------------------------------------------------------------------
def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for key, child in value.items() for s in (*_strings(key), *_strings(child))]
    if isinstance(value, list):
        return [s for child in value for s in _strings(child)]
    return []


def test_control_characters_are_stripped_everywhere_and_noted() -> None:
    item = {
        "title": "Senior\x00 Engineer\x07",
        "companyName": "Acme\x00 Corp",
        "location": "Austin,\x1b TX",
        "descriptionText": "Line one\x00\r\nLine two\x01\ud800",
        "salaryInfo": ["$1\x00"],
        "extra": {"note\x00": ["keep\x00 me"]},
    }
    batch = normalize_items([item], now=NOW)
    job = batch.jobs[0]
    assert (job.title, job.company, job.location) == ("Senior Engineer", "Acme Corp", "Austin, TX")
    assert job.description == "Line one\nLine two"
    assert "title: removed 2 control characters" in job.warnings
    assert "description: removed 3 control characters" in job.warnings
    assert all("\x00" not in s and "\ud800" not in s for s in _strings(job.metadata))
    assert job.metadata["extra"] == {"note": ["keep me"]}
    assert [(c.index, c.reason) for c in batch.cleaned] == [(0, warning) for warning in job.warnings]
    assert batch.cleaned[0].excerpt == "Senior Engineer — Acme Corp"
    job.description.encode("utf-8")


def test_huge_description_is_truncated_with_a_warning() -> None:
    description = ("Ship reliable software. " * 45_000)[:1_048_576]
    job = normalize_one({"title": "Engineer", "company": "Acme", "description": description})
    assert len(job.description) <= 100_000
    assert job.description == description[:100_000].rstrip()
    assert "description was 1,048,576 characters; cut to 100,000" in job.warnings


def test_huge_html_description_caps_both_text_and_markup() -> None:
    markup = "<p>" + "word " * 250_000 + "</p>"
    job = normalize_one({"positionName": "Engineer", "company": "Acme", "description": markup})
    assert len(job.description) <= 100_000
    assert len(job.metadata["description_html"]) == 100_000
    assert any(warning.startswith("description was 1,249,999 characters") for warning in job.warnings)


def test_numbers_where_text_belongs_become_text() -> None:
    job = normalize_one({"title": 404, "company": 3.0, "location": 10001, "id": 4012345678})
    assert (job.title, job.company, job.location, job.external_id) == ("404", "3", "10001", "4012345678")
    assert "title was a number; converted to text" in job.warnings
    assert "company was a number; converted to text" in job.warnings
    assert not any("external id" in warning for warning in job.warnings)


def test_wrong_types_are_dropped_with_warnings() -> None:
    job = normalize_one(
        {
            "title": "Engineer",
            "company": "Acme",
            "location": {"lat": 1.0, "lng": 2.0},
            "description": ["not", "text"],
            "url": {"href": "x"},
            "isRemote": "perhaps",
            "postedAt": {"date": "2026-01-01"},
            "score": float("nan"),
        }
    )
    assert (job.location, job.description, job.url, job.is_remote, job.posted_at) == (None, None, None, None, None)
    assert "location was an object without an address; dropped" in job.warnings
    assert "description was a list, not text; dropped" in job.warnings
    assert "url was an object, not text; dropped" in job.warnings
    assert job.metadata["score"] is None
    json.dumps(job.metadata, allow_nan=False)


def test_titles_and_companies_are_trimmed_collapsed_decoded_and_capped() -> None:
    job = normalize_one({"title": "  R&amp;D\n  Software\tEngineer  ", "company": "Lumen &amp; Finch " + "x" * 600})
    assert job.title == "R&D Software Engineer"
    assert job.company.startswith("Lumen & Finch xxx")
    assert len(job.company) == 500
    assert any(warning.startswith("company was 61") and warning.endswith("cut to 500") for warning in job.warnings)


def test_remote_from_explicit_flags_and_hints() -> None:
    base = {"title": "Engineer", "company": "Acme"}
    assert normalize_one({**base, "is_remote": "False", "location": "Remote"}).is_remote is False
    assert normalize_one({**base, "location": "United States (Remote)"}).is_remote is True
    assert normalize_one({**base, "location": "Seattle, WA (Hybrid)"}).is_remote is False
    assert normalize_one({**base, "jobType": ["Full-time", "Remote"]}).is_remote is True
    assert normalize_one({**base, "location": "Austin, TX"}).is_remote is None


# ---- the fixtures other tests rely on -------------------------------------------------------------------------------
MANIFEST = json.loads((DATASETS / "MANIFEST.json").read_text())


@pytest.mark.parametrize("name", sorted(MANIFEST["exports"]))
def test_realistic_exports_match_the_manifest(name: str) -> None:
    expected = MANIFEST["exports"][name]
    dataset = read_dataset_file(DATASETS / name)
    batch = normalize_items(dataset.items, now=NOW)
    assert dataset.format == expected["format"]
    assert len(dataset.items) == expected["items"]
    assert len(dataset.rejected) == expected["unparsable_rows"]
    assert len(batch.jobs) == expected["jobs"]
    assert {str(r.index): r.reason for r in batch.rejected} == expected["rejected"]
    assert len({job_hash(j.company, j.title, j.location) for j in batch.jobs}) == expected["unique_postings"]
    schemas = {job.metadata["schema"] for job in batch.jobs}
    assert schemas == {expected["schema"]}
    for job in batch.jobs:
        assert job.url and job.description and job.external_id
        json.dumps(job.metadata, allow_nan=False)


def test_shared_postings_hash_alike_across_exports() -> None:
    hashes: dict[str, set[str]] = {}
    for name in MANIFEST["exports"]:
        for job in normalize_items(read_dataset_file(DATASETS / name).items, now=NOW).jobs:
            hashes.setdefault(job_hash(job.company, job.title, job.location), set()).add(name)
    shared = sorted(sorted(files) for files in hashes.values() if len(files) > 1)
    assert shared == sorted(sorted(posting["companies"]) for posting in MANIFEST["shared_postings"])
    assert len(hashes) == MANIFEST["unique_postings_all_exports"]
