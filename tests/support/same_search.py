"""One search ("data jobs", Paris, San Francisco, Berlin) as five boards' exports would hold it.

Three real postings: Acme's Data Engineer in Paris, Globex's Backend Engineer in San Francisco and Initech's
Senior QA Analyst in Berlin. Every board spells the place its own way (Indeed's FIPS region "A8", ZipRecruiter's
"CA, USA", LinkedIn's "Île-de-France"), the company with or without its legal form, and the field shapes are
those of each Apify actor / JobSpy. A fourth posting, Initech's "Sr. QA Analyst (m/w/d)", is a near-duplicate
(another spelling of "Senior QA Analyst"): listed as a possible duplicate, never merged by itself.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

ACME_TEXT = "Acme builds data pipelines for retailers. You will own our Spark jobs and the warehouse models."
GLOBEX_TEXT = "Globex is hiring a Backend Engineer to build payment APIs in Go and PostgreSQL."
INITECH_TEXT = "Initech needs a QA Analyst to automate regression tests for our TPS report service."

REAL_JOBS = 3


def linkedin_curious() -> list[dict]:
    """curious_coder/linkedin-jobs-scraper items."""
    return [
        {
            "id": "4824591510",
            "trackingId": "d2f2a4276b0bd066548bbcded8077efc",
            "refId": "fe3fb2c3ea9359680cbf9a",
            "link": "https://www.linkedin.com/jobs/view/4824591510?refId=abc&trk=public_jobs",
            "title": "Data Engineer",
            "companyName": "Acme",
            "location": "Paris, Île-de-France, France",
            "salaryInfo": "['€55,000.00/yr', '€65,000.00/yr']",
            "postedAt": "2026-11-18",
            "descriptionText": ACME_TEXT,
            "descriptionHtml": f"<p>{ACME_TEXT}</p>",
            "employmentType": "Full-time",
            "seniorityLevel": "Mid-Senior level",
        },
        {
            "id": "4824591777",
            "link": "https://www.linkedin.com/jobs/view/4824591777",
            "title": "Backend Engineer",
            "companyName": "Globex",
            "location": "San Francisco, CA",
            "salaryInfo": "",
            "postedAt": "2026-11-17",
            "descriptionText": GLOBEX_TEXT,
            "employmentType": "Full-time",
            "seniorityLevel": "Associate",
        },
    ]


def linkedin_bebity() -> list[dict]:
    """bebity/linkedin-jobs-scraper items (no id: it comes from the URL)."""
    return [
        {
            "publishedAt": "2026-11-18T14:02:11.000Z",
            "salary": "",
            "title": "Data Engineer",
            "jobUrl": "https://www.linkedin.com/jobs/view/data-engineer-at-acme-4824591510",
            "companyName": "Acme Inc.",
            "location": "Paris, Île-de-France, France",
            "postedTime": "2 days ago",
            "description": ACME_TEXT,
            "contractType": "Full-time",
            "workType": "Hybrid",
        },
        {
            "publishedAt": "2026-11-16T09:00:00.000Z",
            "salary": "$150K/yr - $180K/yr",
            "title": "Backend Engineer",
            "jobUrl": "https://www.linkedin.com/jobs/view/backend-engineer-at-globex-4824591777",
            "companyName": "Globex, Inc.",
            "location": "San Francisco, California, United States",
            "postedTime": "3 days ago",
            "description": GLOBEX_TEXT,
            "contractType": "Full-time",
            "workType": "On-site",
        },
        {
            "publishedAt": "2026-11-15T09:00:00.000Z",
            "salary": "",
            "title": "Senior QA Analyst",
            "jobUrl": "https://www.linkedin.com/jobs/view/qa-analyst-at-initech-4824590001",
            "companyName": "Initech",
            "location": "Berlin, Berlin, Germany",
            "postedTime": "4 days ago",
            "description": INITECH_TEXT,
            "contractType": "Full-time",
            "workType": "Hybrid",
        },
    ]


def indeed_misceres() -> list[dict]:
    """misceres/indeed-scraper items (fr.indeed.com and indeed.com)."""
    return [
        {
            "positionName": "Data Engineer",
            "salary": "55 000 € - 65 000 € par an",
            "jobType": ["CDI"],
            "company": "ACME",
            "location": "Paris, A8, FR",
            "url": "https://fr.indeed.com/viewjob?jk=7a1c2e3f4b5d6e7f",
            "id": "7a1c2e3f4b5d6e7f",
            "postedAt": "il y a 2 jours",
            "scrapedAt": "2026-11-20T10:15:42.310Z",
            "postingDateParsed": "2026-11-18T08:00:00.000Z",
            "description": ACME_TEXT,
            "descriptionHTML": f"<p>{ACME_TEXT}</p>",
        },
        {
            "positionName": "Backend Engineer",
            "salary": "$150,000 - $180,000 a year",
            "jobType": ["Full-time"],
            "company": "Globex",
            "location": "San Francisco, CA 94105",
            "url": "https://www.indeed.com/viewjob?jk=1b2c3d4e5f607182",
            "id": "1b2c3d4e5f607182",
            "postedAt": "3 days ago",
            "scrapedAt": "2026-11-20T10:15:42.310Z",
            "postingDateParsed": "2026-11-17T08:00:00.000Z",
            "description": GLOBEX_TEXT,
        },
        {
            "positionName": "Sr. QA Analyst (m/w/d)",
            "salary": "",
            "jobType": ["Vollzeit"],
            "company": "Initech GmbH",
            "location": "Berlin",
            "url": "https://de.indeed.com/viewjob?jk=99aa88bb77cc66dd",
            "id": "99aa88bb77cc66dd",
            "postedAt": "vor 1 Tag",
            "scrapedAt": "2026-11-20T10:15:42.310Z",
            "postingDateParsed": "2026-11-19T08:00:00.000Z",
            "description": INITECH_TEXT + " Senior role.",
        },
    ]


def indeed_valig() -> list[dict]:
    """valig/indeed-jobs-scraper items (location and employer as objects)."""
    return [
        {
            "key": "7a1c2e3f4b5d6e7f",
            "url": "https://fr.indeed.com/viewjob?jk=7a1c2e3f4b5d6e7f",
            "title": "Data Engineer",
            "datePublished": "2026-11-18T00:00:00.000Z",
            "location": {
                "countryName": "France",
                "countryCode": "FR",
                "admin1Code": "A8",
                "city": "Paris",
                "formattedAddressShort": "Paris (75)",
            },
            "employer": {"name": "Acme"},
            "baseSalary": {"min": 55000, "max": 65000, "unitOfWork": "YEAR", "currencyCode": "EUR"},
            "description": {"text": ACME_TEXT, "html": f"<p>{ACME_TEXT}</p>"},
            "jobTypes": {"CF3CP": "CDI"},
        },
        {
            "key": "1b2c3d4e5f607182",
            "url": "https://www.indeed.com/viewjob?jk=1b2c3d4e5f607182",
            "title": "Backend Engineer",
            "datePublished": "2026-11-17T00:00:00.000Z",
            "location": {
                "countryName": "United States",
                "countryCode": "US",
                "admin1Code": "CA",
                "city": "San Francisco",
                "formattedAddressShort": "San Francisco, CA",
            },
            "employer": {"name": "Globex"},
            "baseSalary": {"min": 150000, "max": 180000, "unitOfWork": "YEAR", "currencyCode": "USD"},
            "description": {"text": GLOBEX_TEXT},
            "jobTypes": {"CF3CP": "Full-time"},
        },
    ]


JOBSPY_COLUMNS = [
    "id",
    "site",
    "job_url",
    "job_url_direct",
    "title",
    "company",
    "location",
    "date_posted",
    "job_type",
    "salary_source",
    "interval",
    "min_amount",
    "max_amount",
    "currency",
    "is_remote",
    "job_level",
    "description",
    "company_industry",
    "company_num_employees",
]


def jobspy_rows() -> list[dict]:
    """JobSpy scrape_jobs() rows (LinkedIn, Indeed and ZipRecruiter in one file)."""
    base = {"salary_source": "", "job_level": "", "company_industry": "", "company_num_employees": ""}
    return [
        base
        | {
            "id": "zr-5e6f7a8b",
            "site": "zip_recruiter",
            "job_url": "https://www.ziprecruiter.com/c/Globex/Job/Backend-Engineer/-in-San-Francisco,CA?jid=5e6f7a8b",
            "job_url_direct": "",
            "title": "Backend Engineer",
            "company": "Globex Inc",
            "location": "San Francisco, CA, USA",
            "date_posted": "2026-11-17",
            "job_type": "fulltime",
            "interval": "yearly",
            "min_amount": "150000.0",
            "max_amount": "180000.0",
            "currency": "USD",
            "is_remote": "False",
            "description": GLOBEX_TEXT,
        },
        base
        | {
            "id": "in-7a1c2e3f4b5d6e7f",
            "site": "indeed",
            "job_url": "https://fr.indeed.com/viewjob?jk=7a1c2e3f4b5d6e7f",
            "job_url_direct": "",
            "title": "Data Engineer",
            "company": "Acme",
            "location": "Paris, Île-de-France, FR",
            "date_posted": "2026-11-18",
            "job_type": "fulltime",
            "interval": "yearly",
            "min_amount": "55000.0",
            "max_amount": "65000.0",
            "currency": "EUR",
            "is_remote": "False",
            "description": ACME_TEXT,
        },
        base
        | {
            "id": "li-4824590001",
            "site": "linkedin",
            "job_url": "https://www.linkedin.com/jobs/view/4824590001",
            "job_url_direct": "",
            "title": "Senior QA Analyst",
            "company": "Initech",
            "location": "Berlin, BE, DE",
            "date_posted": "2026-11-15",
            "job_type": "fulltime",
            "interval": "",
            "min_amount": "",
            "max_amount": "",
            "currency": "",
            "is_remote": "False",
            "description": INITECH_TEXT,
        },
    ]


def write_exports(folder: Path) -> list[Path]:
    """The five exports of the search, as files a user would import."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, items in (
        ("linkedin_curious.json", linkedin_curious()),
        ("linkedin_bebity.json", linkedin_bebity()),
        ("indeed_misceres.json", indeed_misceres()),
    ):
        path = folder / name
        path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
        paths.append(path)
    valig = folder / "indeed_valig.jsonl"
    valig.write_text("\n".join(json.dumps(item, ensure_ascii=False) for item in indeed_valig()), encoding="utf-8")
    paths.append(valig)
    jobspy = folder / "jobspy.csv"
    with jobspy.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=JOBSPY_COLUMNS)
        writer.writeheader()
        writer.writerows(jobspy_rows())
    paths.append(jobspy)
    return paths
