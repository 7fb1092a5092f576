"""Frozen records the matching service returns."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class ResumeInfo:
    """A profile's resume as stored, with the skills found in it."""

    profile_id: uuid.UUID
    profile_name: str
    text: str | None
    skills: list[str]
    embedded: bool


@dataclass(frozen=True, slots=True)
class ResumeUpdate:
    """What saving a resume did."""

    profile_id: uuid.UUID
    profile_name: str
    skills: list[str]
    links_rescored: int
    characters: int
    label: str | None = None


@dataclass(frozen=True, slots=True)
class ResumeEntry:
    """One of a profile's résumés."""

    id: uuid.UUID
    label: str
    focus: str | None
    text: str
    primary: bool
    skills: list[str]
    embedded: bool
    updated_at: datetime

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (without the text)."""
        return {
            "id": str(self.id),
            "label": self.label,
            "focus": self.focus,
            "primary": self.primary,
            "characters": len(self.text),
            "skills": self.skills,
            "embedded": self.embedded,
            "updated_at": self.updated_at.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class ResumeGap:
    """A card's match against one of its profile's résumés."""

    resume_id: uuid.UUID
    label: str
    primary: bool
    score: int
    have: list[str]
    missing: list[str]


@dataclass(frozen=True, slots=True)
class FanOutReport:
    """New recommended links created for other profiles, by profile name."""

    links_created: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """All links created."""
        return sum(self.links_created.values())


@dataclass(frozen=True, slots=True)
class DiscoverItem:
    """A pool job close to a profile's resume that is not on its board yet."""

    job_pool_id: uuid.UUID
    title: str
    company: str | None
    location: str | None
    url: str | None
    source: str | None
    is_remote: bool | None
    posted_at: datetime | None
    similarity: float
    match_score: int
    skills: list[str]
    have: list[str]
    missing: list[str]
    best_resume: str | None = None

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "job_pool_id": str(self.job_pool_id),
            "title": self.title,
            "company": self.company,
            "location": self.location,
            "url": self.url,
            "source": self.source,
            "is_remote": self.is_remote,
            "posted_at": self.posted_at.isoformat() if self.posted_at else None,
            "similarity": round(self.similarity, 4),
            "match_score": self.match_score,
            "skills": self.skills,
            "have": self.have,
            "missing": self.missing,
            "best_resume": self.best_resume,
        }


@dataclass(frozen=True, slots=True)
class NewRecommendations:
    """How many recommended cards a profile has not looked at yet."""

    profile_id: uuid.UUID
    profile_name: str
    count: int


@dataclass(frozen=True, slots=True)
class RefreshReport:
    """What bringing embeddings and scores to the current model did."""

    model: str
    jobs_embedded: int
    resumes_embedded: int
    links_rescored: int
    cancelled: bool = False
