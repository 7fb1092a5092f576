"""Interviews as an iCalendar (.ics) file, through the maintained `icalendar` package (RFC 5545)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.card_details import InterviewRecord
from app.errors import InvalidInput
from app.private_files import replace_file

INTERVIEW_LENGTH = timedelta(hours=1)  # an interview has no end of its own; calendars want one
UID_DOMAIN = "interview.jobpool"


def interview_uid(interview: InterviewRecord) -> str:
    """A UID stable per interview, so importing the file twice updates events instead of doubling them."""
    return f"{interview.id}@{UID_DOMAIN}"


def interview_summary(interview: InterviewRecord) -> str:
    """ "Interview (video): Data Engineer — Acme" """
    kind = f" ({interview.kind})" if interview.kind else ""
    company = f" — {interview.company}" if interview.company else ""
    return f"Interview{kind}: {interview.title}{company}"


def interviews_calendar(interviews: Sequence[InterviewRecord], now: datetime | None = None) -> bytes:
    """A VCALENDAR with one VEVENT per interview (DTSTART in UTC, which carries its zone), as bytes."""
    import icalendar  # loaded on the first export, not with the window (a tenth of a second)

    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//JobPool//Interviews//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    stamp = (now or datetime.now(UTC)).astimezone(UTC)
    for interview in interviews:
        event = icalendar.Event()
        start = interview.at.astimezone(UTC)
        event.add("uid", interview_uid(interview))
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        event.add("dtend", start + INTERVIEW_LENGTH)
        event.add("summary", interview_summary(interview))
        lines = []
        if interview.with_whom:
            lines.append(f"With: {interview.with_whom}")
        if interview.notes:
            lines.append(interview.notes)
        if lines:
            event.add("description", "\n".join(lines))
        calendar.add_component(event)
    return calendar.to_ical()


def write_interviews_calendar(interviews: Sequence[InterviewRecord], path: str | Path) -> int:
    """Write interviews to an .ics file (in one step: written beside it, then renamed); returns how many events it
    holds."""
    try:
        # Whole or not at all: a calendar app watching the folder never reads half a file.
        replace_file(Path(path), interviews_calendar(interviews))
    except OSError as exc:
        raise InvalidInput(f"Could not write {path}: {exc.strerror or exc}.") from None
    return len(interviews)
