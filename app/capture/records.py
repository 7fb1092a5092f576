"""Plain records of the capture feature: a posting as found on a page, and a job once added."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class JobDraft:
    """A posting as found on a page (or typed in), before it goes into the pool; any field may be missing."""

    url: str | None = None
    title: str | None = None
    company: str | None = None
    location: str | None = None
    description: str | None = None
    salary_min: Decimal | None = None
    salary_max: Decimal | None = None
    salary_currency: str | None = None
    salary_period: str | None = None
    posted_at: datetime | None = None
    valid_through: datetime | None = None
    employment_type: str | None = None
    is_remote: bool | None = None
    page_title: str | None = None
    found_by: str | None = None  # "json-ld", "page" (meta tags and known page shapes) or None: no posting found
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def has_posting(self) -> bool:
        """True when the page gave at least a title and a company."""
        return bool(self.title and self.company)


@dataclass(frozen=True, slots=True)
class AddedJob:
    """A job added to a profile's board: its pool row and card, and whether the pool held it already."""

    job_pool_id: uuid.UUID
    user_job_id: uuid.UUID
    title: str
    company: str
    location: str | None
    salary_min: Decimal | None
    salary_max: Decimal | None
    salary_period: str | None
    posted_at: datetime | None
    url: str | None
    source: str
    pool_hit: bool
    status: str
