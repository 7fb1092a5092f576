"""Plain records that flow through the ingestion pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any


@dataclass(frozen=True, slots=True)
class NormalizedJob:
    """One scraper item mapped onto the pool's columns; `hash` is filled by the pipeline."""

    title: str
    company: str
    source: str
    external_id: str | None = None
    url: str | None = None
    apply_url: str | None = None
    location: str | None = None
    description: str | None = None
    salary_min: Decimal | None = None
    salary_max: Decimal | None = None
    salary_currency: str | None = None
    salary_period: str | None = None
    job_type: str | None = None
    is_remote: bool | None = None
    posted_at: datetime | None = None
    posted_at_inferred: bool = False
    source_format: str | None = None
    skills: list[str] | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    def completeness(self) -> int:
        """How many optional fields carry a value; the most complete duplicate wins."""
        values = (
            self.external_id,
            self.url,
            self.apply_url,
            self.location,
            self.description,
            self.salary_min,
            self.salary_max,
            self.salary_currency,
            self.salary_period,
            self.job_type,
            self.is_remote,
            self.posted_at,
            self.skills,
        )
        return sum(v is not None and v != "" for v in values)


@dataclass(frozen=True, slots=True)
class Rejection:
    """An item that could not enter the pool, and why."""

    index: int
    reason: str
    excerpt: str = ""


@dataclass(frozen=True, slots=True)
class NormalizedBatch:
    """The outcome of normalizing a list of raw items."""

    jobs: list[NormalizedJob]
    rejected: list[Rejection]
    cleaned: list[Rejection] = field(default_factory=list)
    urls_dropped: int = 0
    dates_inferred: int = 0
    formats: dict[str, int] = field(default_factory=dict)
