"""The detail pane's lines of text about a card: where the posting came from, when it was posted, its meta line, and
how the card has been tracked."""

from __future__ import annotations

from datetime import datetime

from app.records import JobDetail, status_label

SOURCE_NAMES = {
    "linkedin": "LinkedIn",
    "indeed": "Indeed",
    "glassdoor": "Glassdoor",
    "zip_recruiter": "ZipRecruiter",
    "ziprecruiter": "ZipRecruiter",
    "google": "Google Jobs",
    "naukri": "Naukri",
    "bayt": "Bayt",
}


def source_label(source: str | None) -> str | None:
    """ "via LinkedIn" for the job board a posting came from (unknown sources as they are)."""
    if not source:
        return None
    name = SOURCE_NAMES.get(source.lower(), source)
    return f"via {name}"


def posted_text(detail: JobDetail) -> str | None:
    """ "Posted 3 Mar 2026", or "Posted about …" when the date was worked out from an age."""
    posted = detail.card.posted_at
    if posted is None:
        return None
    return (
        f"Posted about {short_date(posted)} (from its age)"
        if detail.posted_at_inferred
        else f"Posted {short_date(posted)}"
    )


def short_date(value: datetime | None) -> str:
    """ "3 Mar 2026" in this machine's local time ("" for none)."""
    if value is None:
        return ""
    local = value.astimezone()
    return f"{local.day} {local:%b %Y}"


def meta_text(detail: JobDetail) -> str:
    """Salary, job type, source and posting date, those known, joined by " · "."""
    meta = [detail.salary_text(), detail.job_type, source_label(detail.card.source), posted_text(detail)]
    return " · ".join(x for x in meta if x)


def tracking_text(detail: JobDetail) -> str:
    """When the card was added and moved, who else tracks the job, its old status and reposts; an earlier
    application first."""
    card = detail.card
    parts = [f"Added {short_date(card.added_at)}"]
    if card.status_changed_at and abs((card.status_changed_at - card.added_at).total_seconds()) > 60:
        parts.append(f"in {status_label(card.status)} since {short_date(card.status_changed_at)}")
    others = detail.other_profiles
    parts.append(
        "tracked by no other profile"
        if others == 0
        else f"tracked by {others} other profile{'s' if others != 1 else ''}"
    )
    if detail.legacy_status:
        parts.append(f"status in the old database: “{detail.legacy_status}”")
    if card.reposted and detail.reposted_at:
        parts.append(f"reposted {short_date(detail.reposted_at)}, seen {detail.times_seen} times")
    text = " · ".join(parts)
    applied = card.applied_before_text
    return f"{applied} (an earlier version of this posting).\n{text}" if applied else text
