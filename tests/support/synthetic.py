"""Synthetic scraper items in the LinkedIn (curious_coder) shape, for tests and the benchmark."""

from __future__ import annotations

import random

COMPANIES = [
    "Acme Corp",
    "Globex",
    "Initech",
    "Umbrella",
    "Hooli",
    "Vandelay Industries",
    "Stark Industries",
    "Wayne Enterprises",
    "Tyrell",
    "Cyberdyne Systems",
    "Soylent",
    "Massive Dynamic",
    "Aperture Science",
    "Black Mesa",
    "Oscorp",
    "Wonka",
]
TITLES = [
    "Backend Engineer",
    "Senior Python Developer",
    "Data Engineer",
    "Frontend Developer",
    "DevOps Engineer",
    "Machine Learning Engineer",
    "Site Reliability Engineer",
    "Product Manager",
    "QA Engineer",
    "Staff Engineer",
    "Registered Nurse",
    "Data Analyst",
    "Mobile Developer",
    "Security Engineer",
    "Engineering Manager",
]
CITIES = ["Berlin", "Munich", "Hamburg", "London", "Paris", "Amsterdam", "Remote", "Vienna", "Zurich", "Lisbon"]
WORDS = [
    "python",
    "postgres",
    "kubernetes",
    "react",
    "team",
    "ship",
    "build",
    "design",
    "scale",
    "data",
    "mentor",
    "product",
    "customers",
]


def linkedin_item(i: int, rng: random.Random | None = None, description_words: int = 120) -> dict:
    """One plausible curious_coder LinkedIn item; the same i always gives the same posting."""
    rng = rng or random.Random(i)
    company = f"{COMPANIES[i % len(COMPANIES)]} {i // (len(COMPANIES) * len(TITLES) * len(CITIES))}"
    title = TITLES[(i // len(COMPANIES)) % len(TITLES)]
    city = CITIES[(i // (len(COMPANIES) * len(TITLES))) % len(CITIES)]
    low = 40_000 + (i % 50) * 1_000
    return {
        "id": str(1_000_000 + i),
        "link": f"https://www.linkedin.com/jobs/view/{1_000_000 + i}",
        "title": title,
        "companyName": company,
        "location": city,
        "postedAt": f"2026-11-{1 + i % 20:02d}",
        "salaryInfo": [f"${low:,}", f"${low + 20_000:,}"],
        "descriptionText": " ".join(rng.choice(WORDS) for _ in range(description_words)),
        "employmentType": "Full-time",
        "seniorityLevel": "Mid-Senior level",
    }


def linkedin_items(start: int, stop: int, seed: int = 7) -> list[dict]:
    """Items start..stop-1 (distinct postings), in a reproducible shuffled order."""
    items = [linkedin_item(i) for i in range(start, stop)]
    random.Random(seed).shuffle(items)
    return items
