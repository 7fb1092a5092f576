"""Mapping of v1 free-text statuses onto the board's columns (job_status).

A v1 status is normalized before lookup: trimmed, `_` and `-` read as spaces, runs of spaces collapsed to one,
casefolded. So " Phone  Screen", "phone_screen" and "PHONE-SCREEN" are one value. Synonyms:

| column        | v1 values (after normalization)                                                          |
|---------------|-------------------------------------------------------------------------------------------|
| recommended   | recommended, saved, new, "" (empty), none, null, bookmarked, wishlist, interested,         |
|               | to apply, todo, to do, shortlisted, starred, favorite, favourite, suggested                |
| applied       | applied, submitted, application submitted, application sent, sent, in review, under review |
| interviewing  | interview, interviews, interviewing, interviewed, phone screen, phone interview, screening, |
|               | screen, recruiter call, recruiter screen, hr interview, onsite, on site, technical,        |
|               | technical interview, tech screen, take home, assessment, final round, final interview      |
| offer         | offer, offered, offer received, accepted, offer accepted, hired                            |
| rejected      | rejected, rejection, declined, ghosted, no response, no reply, not selected, turned down   |
| archived      | archived, archive, withdrawn, withdrew, closed, expired, not interested, hidden            |

Every job_status name maps to itself. A value not in the table is "unmapped": the card goes to Recommended and the
original text is kept in user_job.legacy_status (shown on the card's detail) and listed by the preview.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from db.base import JobStatus

_SEPARATORS = re.compile(r"[\s_\-]+")

SYNONYMS: dict[JobStatus, tuple[str, ...]] = {
    JobStatus.RECOMMENDED: (
        "recommended",
        "saved",
        "new",
        "",
        "none",
        "null",
        "bookmarked",
        "wishlist",
        "interested",
        "to apply",
        "todo",
        "to do",
        "shortlisted",
        "starred",
        "favorite",
        "favourite",
        "suggested",
    ),
    JobStatus.APPLIED: (
        "applied",
        "submitted",
        "application submitted",
        "application sent",
        "sent",
        "in review",
        "under review",
    ),
    JobStatus.INTERVIEWING: (
        "interview",
        "interviews",
        "interviewing",
        "interviewed",
        "phone screen",
        "phone interview",
        "screening",
        "screen",
        "recruiter call",
        "recruiter screen",
        "hr interview",
        "onsite",
        "on site",
        "technical",
        "technical interview",
        "tech screen",
        "take home",
        "assessment",
        "final round",
        "final interview",
    ),
    JobStatus.OFFER: ("offer", "offered", "offer received", "accepted", "offer accepted", "hired"),
    JobStatus.REJECTED: (
        "rejected",
        "rejection",
        "declined",
        "ghosted",
        "no response",
        "no reply",
        "not selected",
        "turned down",
    ),
    JobStatus.ARCHIVED: (
        "archived",
        "archive",
        "withdrawn",
        "withdrew",
        "closed",
        "expired",
        "not interested",
        "hidden",
    ),
}

_LOOKUP: dict[str, JobStatus] = {word: status for status, words in SYNONYMS.items() for word in words}
BOARD_ORDER: tuple[JobStatus, ...] = tuple(JobStatus)


@dataclass(frozen=True, slots=True)
class StatusMapping:
    """Where one v1 status value goes: its column, and whether the value was known."""

    raw: str
    status: JobStatus
    known: bool


def normalize_status(raw: str | None) -> str:
    """The lookup form of a v1 status: trimmed, `_`/`-` as spaces, spaces collapsed, casefolded."""
    return _SEPARATORS.sub(" ", raw or "").strip().casefold()


def map_status(raw: str | None) -> StatusMapping:
    """Map one v1 status value; an unknown value goes to Recommended with known=False."""
    found = _LOOKUP.get(normalize_status(raw))
    if found is None:
        return StatusMapping(raw=raw or "", status=JobStatus.RECOMMENDED, known=False)
    return StatusMapping(raw=raw or "", status=found, known=True)


def map_statuses(values: Iterable[str | None]) -> dict[str, StatusMapping]:
    """Map every distinct value once (keyed by the raw text as stored)."""
    return {value or "": map_status(value) for value in set(values)}


def board_rank(status: JobStatus) -> int:
    """A status's place in board order (recommended = 0 ... archived = 5); the later one wins a merge."""
    return BOARD_ORDER.index(status)
