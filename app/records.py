"""Frozen records the services return; no ORM object leaves a session."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from db.base import JobStatus

__all__ = [
    "APPLIED_STATUSES",
    "STATUSES",
    "BoardCard",
    "CardReminder",
    "ColumnPage",
    "HistoryEvent",
    "IngestReport",
    "JobDetail",
    "JobStatus",
    "MoveResult",
    "Profile",
    "counted",
    "money_text",
    "status_label",
]

STATUSES: tuple[JobStatus, ...] = tuple(JobStatus)
# Columns a card reaches only once the profile has applied.
APPLIED_STATUSES: tuple[JobStatus, ...] = (
    JobStatus.APPLIED,
    JobStatus.INTERVIEWING,
    JobStatus.OFFER,
    JobStatus.REJECTED,
)
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
    applied_at: datetime | None = None  # the last move into Applied (status history)
    next_reminder: date | None = None  # the due date of the card's open follow-up

    def reminder_due(self, today: date) -> bool:
        """Whether the card's follow-up is due (or overdue) on `today`."""
        return self.next_reminder is not None and self.next_reminder <= today

    salary_min: Decimal | None = None
    salary_max: Decimal | None = None
    salary_currency: str | None = None
    salary_period: str | None = None
    first_seen_at: datetime | None = None
    reposted: bool = False
    applied_before: datetime | None = None  # set when the job was reposted after this profile applied to it

    @property
    def applied_before_text(self) -> str | None:
        """ "You applied to this on 3 Mar" for a repost of a job this profile applied to, else None."""
        if self.applied_before is None:
            return None
        return f"You applied to this on {self.applied_before.day} {self.applied_before:%b}"

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
            "applied_at": self.applied_at.isoformat() if self.applied_at else None,
            "next_reminder": self.next_reminder.isoformat() if self.next_reminder else None,
            "salary_min": _money(self.salary_min),
            "salary_max": _money(self.salary_max),
            "salary_currency": self.salary_currency,
            "salary_period": self.salary_period,
            "first_seen_at": _iso(self.first_seen_at),
            "reposted": self.reposted,
            "applied_before": _iso(self.applied_before),
            "best_resume": self.best_resume,
        }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _money(amount: Decimal | None) -> float | int | None:
    """An amount as a JSON number: whole amounts as integers, others to the cent."""
    if amount is None:
        return None
    return int(amount) if amount == amount.to_integral_value() else float(round(amount, 2))


def counted(n: int, singular: str, plural: str | None = None) -> str:
    """ "1 card", "2 cards", "1,200 legacy jobs": a number with its noun in the right form."""
    return f"{n:,} {singular if n == 1 else (plural or singular + 's')}"


def money_text(amount: Decimal, with_cents: bool) -> str:
    """ "90,000" or "23.50": cents shown when any end of the range has them."""
    return f"{amount:,.2f}" if with_cents else f"{amount:,.0f}"


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
    posted_at_inferred: bool = False
    source_format: str | None = None
    last_seen_at: datetime | None = None
    times_seen: int = 1
    reposted_at: datetime | None = None
    external_id: str | None = None
    updated_at: datetime | None = None

    def salary_text(self) -> str | None:
        """ "90,000–120,000 USD / year" or "23.50–29.40 USD / hour" (cents kept when given), or None."""
        if self.salary_min is None and self.salary_max is None:
            return None
        values = [v for v in (self.salary_min, self.salary_max) if v is not None]
        cents = any(v != v.to_integral_value() for v in values)
        parts = [money_text(v, cents) for v in values]
        text = "–".join(dict.fromkeys(parts))
        if self.salary_currency:
            text += f" {self.salary_currency}"
        if self.salary_period:
            text += f" / {self.salary_period}"
        return text

    def to_json(self) -> dict[str, Any]:
        """The card in full: every pool field, then the profile's link fields (ids and dates as strings)."""
        card = self.card
        return {
            "job_pool_id": str(card.job_pool_id),
            "title": card.title,
            "company": card.company,
            "location": card.location,
            "description": self.description,
            "salary_min": _money(self.salary_min),
            "salary_max": _money(self.salary_max),
            "salary_currency": self.salary_currency,
            "salary_period": self.salary_period,
            "salary_text": self.salary_text(),
            "posted_at": _iso(card.posted_at),
            "posted_at_inferred": self.posted_at_inferred,
            "source": card.source,
            "format": self.source_format,
            "external_id": self.external_id,
            "url": card.url,
            "apply_url": self.apply_url,
            "job_type": self.job_type,
            "is_remote": card.is_remote,
            "skills": self.skills,
            "criteria_tags": self.criteria_tags,
            "scraped_at": _iso(self.scraped_at),
            "first_seen_at": _iso(card.first_seen_at),
            "last_seen_at": _iso(self.last_seen_at),
            "times_seen": self.times_seen,
            "reposted": card.reposted,
            "reposted_at": _iso(self.reposted_at),
            "other_profiles": self.other_profiles,
            "user_job_id": str(card.user_job_id),
            "status": card.status.value,
            "position": card.position,
            "match_score": card.match_score,
            "gap_analysis": card.gap_analysis,
            "notes": card.notes,
            "added_at": _iso(card.added_at),
            "updated_at": _iso(self.updated_at),
            "status_changed_at": _iso(card.status_changed_at),
            "applied_before": _iso(card.applied_before),
            "legacy_status": self.legacy_status,
        }


@dataclass(frozen=True, slots=True)
class HistoryEvent:
    """One entry of a card's status history: from_status None means the card was added."""

    at: datetime
    from_status: JobStatus | None
    to_status: JobStatus
    via: str

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (the `history --json` shape)."""
        return {
            "at": self.at.isoformat(),
            "from_status": self.from_status.value if self.from_status else None,
            "to_status": self.to_status.value,
            "via": self.via,
        }


@dataclass(frozen=True, slots=True)
class CardReminder:
    """A card's open follow-up, with what identifies the card."""

    user_job_id: uuid.UUID
    job_pool_id: uuid.UUID
    title: str
    company: str | None
    due_on: date
    note: str | None

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (the `reminders --json` shape)."""
        return {
            "job_pool_id": str(self.job_pool_id),
            "title": self.title,
            "company": self.company,
            "due_on": self.due_on.isoformat(),
            "note": self.note,
        }


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
    dates_inferred: int = 0
    formats: dict[str, int] = field(default_factory=dict)  # detected export shape -> jobs read in it
    job_sources: dict[str, int] = field(default_factory=dict)  # board the jobs came from -> jobs

    @property
    def format(self) -> str | None:
        """The export shape most of the jobs were read in ("indeed-scraper", "jobspy", ...)."""
        return next(iter(self.formats), None)

    @property
    def job_source(self) -> str | None:
        """The board most of the jobs came from ("indeed", "linkedin", ...)."""
        return next(iter(self.job_sources), None)

    @property
    def detected(self) -> str | None:
        """ "Read as indeed-scraper (indeed)": what the ingestion took the data for, or None before any job."""
        if self.format is None:
            return None
        others = "" if len(self.formats) == 1 else f" and {len(self.formats) - 1} other shape(s)"
        return f"Read as {self.format}{others}, jobs from {', '.join(self.job_sources)}"

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
        if self.dates_inferred:
            plural = "s" if self.dates_inferred != 1 else ""
            text += f" · {self.dates_inferred} posting date{plural} inferred from an age"
        if self.served_from_pool:
            text += " · served from the pool (no scraper call)"
        return text

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "run_id": str(self.run_id) if self.run_id else None,
            "source": self.job_source or self.source,
            "run_source": self.source,
            "format": self.format,
            "formats": self.formats,
            "sources": self.job_sources,
            "dates_inferred": self.dates_inferred,
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
