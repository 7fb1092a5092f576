"""Items and files in the shapes real exports have: Apify's indeed-scraper (JSON and its flattened CSV), JobSpy CSV."""

from __future__ import annotations

import csv
import io


def indeed_scraper_item(key: str = "5f1c0a9e3b2d7c41", **extra: object) -> dict[str, object]:
    """One item of Apify's indeed-scraper, as its dataset holds it."""
    item: dict[str, object] = {
        "jobKey": key,
        "title": "Ingénieur·e Data",
        "companyName": "Lumière Analytics",
        "url": f"https://fr.indeed.com/viewjob?jk={key}&from=serp&tk=1i2b3c&utm_source=apify",
        "location": {
            "city": "Paris",
            "postalCode": "75002",
            "countryCode": "FR",
            "formattedAddressShort": "Paris (75)",
        },
        "salary": {"salaryMin": 48000, "salaryMax": 56000, "salaryCurrency": "EUR", "salaryType": "YEARLY"},
        "descriptionText": "Vous rejoignez une équipe R&D.",
        "descriptionHtml": "<p>Vous rejoignez une équipe <b>R&amp;D</b>.</p>",
        "datePublished": "2026-03-05T00:00:00.000Z",
        "age": "10 days ago",
        "scrapedAt": "2026-03-15T08:30:00.000Z",
    }
    item.update(extra)
    return item


def flattened_csv(items: list[dict[str, object]]) -> bytes:
    """Apify's CSV export of items: nested objects as "location/city"-style columns."""
    rows = []
    for item in items:
        row: dict[str, object] = {}
        for key, value in item.items():
            if isinstance(value, dict):
                row.update({f"{key}/{child}": inner for child, inner in value.items()})
            else:
                row[key] = value
        rows.append(row)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def jobspy_csv(description: str, title: str = "Ingénieur R&D") -> bytes:
    """A JobSpy CSV as python-jobspy writes it (quoting=QUOTE_NONNUMERIC, escapechar="\\")."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_NONNUMERIC, escapechar="\\")
    writer.writerow(
        [
            "id",
            "site",
            "job_url",
            "job_url_direct",
            "title",
            "company",
            "location",
            "date_posted",
            "interval",
            "min_amount",
            "max_amount",
            "currency",
            "is_remote",
            "description",
        ]
    )
    writer.writerow(
        [
            "in-7a1b",
            "indeed",
            "https://www.indeed.com/viewjob?jk=7a1b2c3d4e5f6a7b",
            "",
            title,
            "Acme Corp",
            "Austin, TX, US",
            "2026-11-20",
            "hourly",
            23.5,
            29.4,
            "USD",
            False,
            description,
        ]
    )
    return out.getvalue().encode()
