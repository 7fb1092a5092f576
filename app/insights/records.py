"""Frozen records of the insights service, and their JSON shapes (the CLI's `stats --json`)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any


def rate(part: int, whole: int) -> float | None:
    """part / whole as a fraction 0–1, None where there is nothing to divide by."""
    return part / whole if whole else None


@dataclass(frozen=True, slots=True)
class Funnel:
    """Cards that reached each stage (a later stage counts for the earlier ones too), and the step conversions."""

    applied: int
    interviewing: int
    offer: int

    @property
    def applied_to_interviewing(self) -> float | None:
        """Share of applied cards that reached Interviewing."""
        return rate(self.interviewing, self.applied)

    @property
    def interviewing_to_offer(self) -> float | None:
        """Share of interviewed cards that reached Offer."""
        return rate(self.offer, self.interviewing)


@dataclass(frozen=True, slots=True)
class ResponseRow:
    """Applied cards of one group (a source, a company, a title family) and how many got a response."""

    key: str
    applied: int
    responded: int
    median_days: float | None

    @property
    def response_rate(self) -> float | None:
        """responded / applied."""
        return rate(self.responded, self.applied)


@dataclass(frozen=True, slots=True)
class WeekRow:
    """One week's activity (Monday, UTC): distinct cards added, applied, interviewed, offered, rejected."""

    week: date
    added: int
    applied: int
    interviews: int
    offers: int
    rejections: int


@dataclass(frozen=True, slots=True)
class StageTime:
    """The median days a card stayed in one column (stays that ended)."""

    status: str
    stays: int
    median_days: float


@dataclass(frozen=True, slots=True)
class StaleCard:
    """A card in Applied with no change for longer than the stale threshold: what it is and when it last moved."""

    job_pool_id: uuid.UUID
    title: str
    company: str | None
    last_change: datetime


@dataclass(frozen=True, slots=True)
class ProfileInsights:
    """Every figure of one profile (or of pooled profiles) for a date range."""

    by_status: dict[str, int]
    funnel: Funnel
    responded: int
    median_days_to_response: float | None
    by_source: tuple[ResponseRow, ...]
    by_company: tuple[ResponseRow, ...]
    by_title_family: tuple[ResponseRow, ...]
    weekly: tuple[WeekRow, ...]
    stage_times: tuple[StageTime, ...]
    stale_cards: tuple[StaleCard, ...]  # oldest change first
    applications_this_week: int
    applications_this_month: int

    @property
    def stale(self) -> tuple[uuid.UUID, ...]:
        """The stale cards' pool jobs, oldest change first."""
        return tuple(card.job_pool_id for card in self.stale_cards)

    @property
    def response_rate(self) -> float | None:
        """Applied cards that got a response within the window, as a fraction of applied cards."""
        return rate(self.responded, self.funnel.applied)

    def to_json(self) -> dict[str, Any]:
        """The `stats --json` document."""
        return {
            "by_status": dict(self.by_status),
            "reached": {
                "applied": self.funnel.applied,
                "interviewing": self.funnel.interviewing,
                "offer": self.funnel.offer,
            },
            "conversion": {
                "applied_to_interviewing": self.funnel.applied_to_interviewing,
                "interviewing_to_offer": self.funnel.interviewing_to_offer,
            },
            "response_rate": self.response_rate,
            "median_days_to_response": self.median_days_to_response,
            "by_source": [
                {"source": r.key, "applied": r.applied, "responded": r.responded, "response_rate": r.response_rate}
                for r in self.by_source
            ],
            "weekly": [
                {
                    "week": w.week.isoformat(),
                    "added": w.added,
                    "applied": w.applied,
                    "interviews": w.interviews,
                    "offers": w.offers,
                    "rejections": w.rejections,
                }
                for w in self.weekly
            ],
            "stale": [str(job_pool_id) for job_pool_id in self.stale],
        }


@dataclass(frozen=True, slots=True)
class ApplicationStatistics:
    """A profile's application statistics: cards by status and by source, applications this week and month."""

    by_status: dict[str, int]
    by_source: dict[str, int]
    applications_this_week: int
    applications_this_month: int


@dataclass(frozen=True, slots=True)
class Collision:
    """A pool job, or a company, that more than one profile applied to."""

    key: str  # the job_pool_id as text, or the company's name
    label: str
    profiles: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ProfileColumn:
    """One profile's figures in the side-by-side view."""

    profile: str
    excluded: bool
    insights: ProfileInsights


@dataclass(frozen=True, slots=True)
class PooledInsights:
    """The figures of every profile side by side, and what only a shared pool can show."""

    profiles: tuple[ProfileColumn, ...]
    pooled: ProfileInsights  # over the profiles not excluded
    job_collisions: tuple[Collision, ...]
    company_collisions: tuple[Collision, ...]

    def to_json(self) -> dict[str, Any]:
        """The `stats --all-profiles --json` document."""

        def response(rows: tuple[ResponseRow, ...], name: str) -> list[dict[str, Any]]:
            return [
                {name: r.key, "applied": r.applied, "responded": r.responded, "response_rate": r.response_rate}
                for r in rows
            ]

        return {
            "profiles": [
                {"profile": p.profile, "excluded_from_pooled": p.excluded, **p.insights.to_json()}
                for p in self.profiles
            ],
            "pooled": {
                "response_rate": self.pooled.response_rate,
                "by_source": response(self.pooled.by_source, "source"),
                "by_company": response(self.pooled.by_company, "company"),
            },
            "collisions": {
                "jobs": [
                    {"job_pool_id": c.key, "title": c.label, "profiles": list(c.profiles)} for c in self.job_collisions
                ],
                "companies": [{"company": c.label, "profiles": list(c.profiles)} for c in self.company_collisions],
            },
        }
