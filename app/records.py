"""Frozen records the services return; no ORM object leaves a session."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from db.base import JobStatus

__all__ = [
    "STATUSES",
    "BoardCard",
    "ColumnPage",
    "IngestReport",
    "JobDetail",
    "JobStatus",
    "MoveResult",
    "Profile",
    "status_label",
]

STATUSES: tuple[JobStatus, ...] = tuple(JobStatus)
_LABELS = {
    JobStatus.RECOMMENDED: "Recommended",
    JobStatus.APPLIED: "Applied",
    JobStatus.INTERVIEWING: "Interviewing",
    JobStatus.OFFER: "Offer",
    JobStatus.REJECTED: "Rejected",
    JobStatus.ARCHIVED: "Archived",
}


def status_label(status: JobStatus | str) -> str:
    """The column title a user reads for a status."""
    return _LABELS[JobStatus(status)]


@dataclass(frozen=True, slots=True)
class Profile:
    """A local profile and how many cards it has."""

    id: uuid.UUID
    name: str
    email: str | None
    has_resume: bool
    card_count: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class BoardCard:
    """One card: job data from job_pool, the profile's data from user_job."""

    user_job_id: uuid.UUID
    job_pool_id: uuid.UUID
    title: str
    company: str | None
    location: str | None
    status: JobStatus
    position: float | None
    match_score: int | None
    gap_analysis: dict[str, Any] | None
    notes: str | None
    url: str | None
    source: str | None
    is_remote: bool | None
    posted_at: datetime | None
    added_at: datetime
    status_changed_at: datetime
    seen: bool = True
    tags: tuple[str, ...] = ()
    priority: str | None = None

    @property
    def best_resume(self) -> str | None:
        """The label of the résumé that gave the card its score (kept with its gap analysis)."""
        label = (self.gap_analysis or {}).get("resume")
        return label if isinstance(label, str) else None

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (ids and dates as strings)."""
        return {
            "user_job_id": str(self.user_job_id),
            "job_pool_id": str(self.job_pool_id),
            "title": self.title,
            "company": self.company,
            "location": self.location,
            "status": self.status.value,
            "position": self.position,
            "match_score": self.match_score,
            "gap_analysis": self.gap_analysis,
            "notes": self.notes,
            "url": self.url,
            "source": self.source,
            "is_remote": self.is_remote,
            "posted_at": self.posted_at.isoformat() if self.posted_at else None,
            "added_at": self.added_at.isoformat(),
            "status_changed_at": self.status_changed_at.isoformat(),
            "tags": list(self.tags),
            "priority": self.priority,
            "best_resume": self.best_resume,
        }


@dataclass(frozen=True, slots=True)
class ColumnPage:
    """A slice of one column, in board order."""

    status: JobStatus
    cards: list[BoardCard]
    offset: int
    total: int

    @property
    def has_more(self) -> bool:
        """Whether rows remain after this page."""
        return self.offset + len(self.cards) < self.total


@dataclass(frozen=True, slots=True)
class JobDetail:
    """Everything the detail pane shows about one card."""

    card: BoardCard
    description: str | None
    description_html: str | None
    apply_url: str | None
    salary_min: Decimal | None
    salary_max: Decimal | None
    salary_currency: str | None
    salary_period: str | None
    job_type: str | None
    skills: list[str] | None
    criteria_tags: list[Any]
    scraped_at: datetime
    legacy_status: str | None
    other_profiles: int
    metadata: dict[str, Any] = field(default_factory=dict)

    def salary_text(self) -> str | None:
        """ "$90,000–120,000 USD / year" style text, or None."""
        if self.salary_min is None and self.salary_max is None:
            return None
        low, high = self.salary_min, self.salary_max
        parts = [f"{v:,.0f}" for v in (low, high) if v is not None]
        text = "–".join(dict.fromkeys(parts))
        if self.salary_currency:
            text += f" {self.salary_currency}"
        if self.salary_period:
            text += f" / {self.salary_period}"
        return text


@dataclass(frozen=True, slots=True)
class MoveResult:
    """Where moved cards ended up."""

    user_job_ids: list[uuid.UUID]
    status: JobStatus
    positions: list[float]


@dataclass(frozen=True, slots=True)
class IngestReport:
    """What one ingestion did; "Pool hit" / "Pool insert" are the headline counts."""

    run_id: uuid.UUID | None
    source: str
    status: str
    fetched: int
    rejected: list[dict[str, Any]]
    cleaned: int
    pool_inserts: int
    pool_hits: int
    links_created: int
    links_existing: int
    embedded: int
    seconds: float
    served_from_pool: bool = False
    error: str | None = None
    duplicates: int = 0
    urls_dropped: int = 0

    @property
    def summary(self) -> str:
        """One line for a status bar or a log."""
        text = (
            f"Pool hit {self.pool_hits} · Pool insert {self.pool_inserts} · "
            f"{self.links_created} new cards, {self.links_existing} already on the board"
        )
        if self.rejected:
            text += f" · {len(self.rejected)} rejected"
        if self.urls_dropped:
            text += f" · {self.urls_dropped} links that were not http(s) dropped"
        if self.served_from_pool:
            text += " · served from the pool (no scraper call)"
        return text

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "run_id": str(self.run_id) if self.run_id else None,
            "source": self.source,
            "status": self.status,
            "fetched": self.fetched,
            "rejected": self.rejected,
            "rejected_count": len(self.rejected),
            "cleaned": self.cleaned,
            "pool_inserts": self.pool_inserts,
            "pool_hits": self.pool_hits,
            "links_created": self.links_created,
            "links_existing": self.links_existing,
            "embedded": self.embedded,
            "seconds": round(self.seconds, 3),
            "duplicates": self.duplicates,
            "urls_dropped": self.urls_dropped,
            "served_from_pool": self.served_from_pool,
            "error": self.error,
        }
