"""Interviews, contacts, tags and priority of cards, against a real PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import icalendar
import pytest
from sqlalchemy import text

from app.calendar_export import interview_uid, interviews_calendar
from app.card_filter import CardFilter
from app.context import open_context
from app.errors import InvalidInput, NotFound
from app.records import JobStatus
from tests.support.synthetic import linkedin_items

CET = timezone(timedelta(hours=1))


def _seed(ctx, name: str = "Ana", n: int = 6):
    profile = ctx.profiles.add(name)
    ctx.ingestion.run(name, [linkedin_items(0, n)], source="test", embed=False)
    return profile, ctx.board.cards_for(profile.id)


def test_interviews_keep_their_moment_and_list_soonest_first(ctx) -> None:
    ana, cards = _seed(ctx)
    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    later = ctx.details.add_interview(
        cards[0].user_job_id, datetime(2026, 12, 3, 15, 0, tzinfo=CET), "Video", "Maria (CTO)", "system design"
    )
    sooner = ctx.details.add_interview(cards[1].user_job_id, datetime(2026, 12, 2, 8, 30, tzinfo=UTC), "take home")
    ctx.details.add_interview(cards[1].user_job_id, datetime(2026, 11, 20, 8, 30, tzinfo=UTC), "phone")  # past
    assert later.at == datetime(2026, 12, 3, 14, 0, tzinfo=UTC)  # the same moment, whatever zone it came in
    assert later.kind == "video" and sooner.kind == "take-home"
    upcoming = ctx.details.upcoming_interviews(ana.id, now=now)
    assert [i.id for i in upcoming] == [sooner.id, later.id]
    assert upcoming[1].with_whom == "Maria (CTO)" and upcoming[1].title == cards[0].title
    assert len(ctx.details.interviews(ana.id)) == 3


def test_interview_input_is_checked(ctx) -> None:
    _ana, cards = _seed(ctx, n=1)
    card = cards[0].user_job_id
    with pytest.raises(InvalidInput, match="time zone"):
        ctx.details.add_interview(card, datetime(2026, 12, 3, 15, 0))
    with pytest.raises(InvalidInput, match="kind"):
        ctx.details.add_interview(card, datetime(2026, 12, 3, 15, 0, tzinfo=UTC), "lunch")
    with pytest.raises(InvalidInput):
        ctx.details.add_interview(card, datetime(2026, 12, 3, 15, 0, tzinfo=UTC), notes="x" * 20_001)
    with pytest.raises(NotFound):
        ctx.details.add_interview(uuid.uuid4(), datetime(2026, 12, 3, 15, 0, tzinfo=UTC))


def test_contacts_accept_only_web_profile_urls(ctx) -> None:
    _ana, cards = _seed(ctx, n=1)
    card = cards[0].user_job_id
    for bad in ("javascript:alert(1)", "file:///etc/passwd", "ftp://x.org/", "https://"):
        with pytest.raises(InvalidInput):
            ctx.details.add_contact(card, "Eve", url=bad)
    with pytest.raises(InvalidInput):
        ctx.details.add_contact(card, "   ")
    with pytest.raises(InvalidInput):
        ctx.details.add_contact(card, "Eve", email="not an address")
    added = ctx.details.add_contact(
        card,
        " <b>Sam</b> ",
        "Recruiter",
        "sam@acme.example",
        "+1 555 0100",
        "https://www.linkedin.com/in/sam",
        "met at meetup",
    )
    assert added.name == "<b>Sam</b>"  # stored as given; shown as plain text
    details = ctx.details.details(card)
    assert [c.to_json()["url"] for c in details.contacts] == ["https://www.linkedin.com/in/sam"]


def test_tags_and_priority_are_on_the_card_and_filter_the_board(ctx) -> None:
    ana, cards = _seed(ctx)
    a, b, c = (card.user_job_id for card in cards[:3])
    assert ctx.details.change_tags(a, ["Remote", "dream job"]) == ("remote", "dream job")
    assert ctx.details.change_tags(a, ["REMOTE", "fintech"]) == ("remote", "dream job", "fintech")
    assert ctx.details.change_tags(a, ["dream job"], remove=True) == ("remote", "fintech")
    ctx.details.set_tags(b, ["remote"])
    ctx.details.set_priority(a, "High")
    ctx.details.set_priority(c, "high")
    with pytest.raises(InvalidInput):
        ctx.details.set_priority(a, "urgent")
    card = ctx.board.card(a)
    assert card.tags == ("remote", "fintech") and card.priority == "high"
    assert card.to_json()["tags"] == ["remote", "fintech"] and card.to_json()["priority"] == "high"
    assert {x.user_job_id for x in ctx.board.cards_for(ana.id, search="tag:remote")} == {a, b}
    assert {x.user_job_id for x in ctx.board.cards_for(ana.id, search="tag:remote priority:high")} == {a}
    assert {x.user_job_id for x in ctx.board.cards_for(ana.id, search=CardFilter(priority="high"))} == {a, c}
    # The window's paths: counts and first pages honour the filter too.
    pages = ctx.board.open_board(ana.id, search="tag:remote")
    assert sum(p.total for p in pages.values()) == 2
    assert {x.user_job_id for p in pages.values() for x in p.cards} == {a, b}
    assert ctx.board.column_page(ana.id, JobStatus.RECOMMENDED, search="tag:fintech").total == 1
    assert ctx.details.profile_tags(ana.id) == ["fintech", "remote"]


def test_salary_filter_compares_yearly_amounts(ctx) -> None:
    ana, cards = _seed(ctx, n=4)
    hourly, monthly, yearly_low, unpaid = cards[:4]
    with ctx.database.engine.begin() as conn:
        for card, low, high, period in (
            (hourly, 45, 50, "hour"),  # 104,000 a year at the top
            (monthly, 6000, None, "month"),  # 72,000
            (yearly_low, 60000, 80000, "year"),
        ):
            conn.execute(
                text("UPDATE job_pool SET salary_min = :lo, salary_max = :hi, salary_period = :p WHERE id = :id"),
                {"lo": low, "hi": high, "p": period, "id": card.job_pool_id},
            )
        conn.execute(
            text("UPDATE job_pool SET salary_min = NULL, salary_max = NULL WHERE id = :id"), {"id": unpaid.job_pool_id}
        )

    def ids(minimum: int) -> set:
        return {c.job_pool_id for c in ctx.board.cards_for(ana.id, search=CardFilter(min_salary=Decimal(minimum)))}

    assert ids(100_000) == {hourly.job_pool_id}
    assert ids(75_000) == {hourly.job_pool_id, yearly_low.job_pool_id}
    assert ids(70_000) == {hourly.job_pool_id, monthly.job_pool_id, yearly_low.job_pool_id}
    assert {c.job_pool_id for c in ctx.board.cards_for(ana.id, search="salary:100k")} == {hourly.job_pool_id}


def test_nothing_is_lost_by_rejecting_switching_profiles_or_restarting(ctx, db_url, tmp_path) -> None:
    ana, cards = _seed(ctx, "Ana", 2)
    ben, _ = _seed(ctx, "Ben", 2)
    card = cards[0]
    ctx.details.add_interview(card.user_job_id, datetime(2030, 1, 2, 10, 0, tzinfo=UTC), "onsite", "Panel")
    ctx.details.add_contact(card.user_job_id, "Sam", url="https://example.org/sam")
    ctx.details.change_tags(card.user_job_id, ["remote"])
    ctx.details.set_priority(card.user_job_id, "medium")
    ctx.cards.move([card.user_job_id], JobStatus.REJECTED)
    assert ctx.details.upcoming_interviews(ben.id) == []  # another profile sees none of it
    ctx.close()
    reopened = open_context(db_url, tmp_path / "again")
    try:
        details = reopened.details.details(card.user_job_id)
        assert [i.kind for i in details.interviews] == ["onsite"]
        assert [c.name for c in details.contacts] == ["Sam"]
        assert details.tags == ("remote",) and details.priority == "medium"
        moved = reopened.board.card(card.user_job_id)
        assert moved.status is JobStatus.REJECTED and moved.tags == ("remote",)
        assert len(reopened.details.upcoming_interviews(ana.id, now=datetime(2029, 1, 1, tzinfo=UTC))) == 1
    finally:
        reopened.close()


def test_calendar_has_one_event_per_interview_with_stable_uids(ctx) -> None:
    ana, cards = _seed(ctx, n=2)
    first = ctx.details.add_interview(
        cards[0].user_job_id, datetime(2030, 3, 1, 15, 0, tzinfo=CET), "video", "Maria; Bob", "Bring\nportfolio, ok"
    )
    ctx.details.add_interview(cards[1].user_job_id, datetime(2030, 3, 2, 9, 0, tzinfo=UTC), None)
    interviews = ctx.details.upcoming_interviews(ana.id, now=datetime(2030, 1, 1, tzinfo=UTC))
    raw = interviews_calendar(interviews)
    calendar = icalendar.Calendar.from_ical(raw)
    assert calendar.name == "VCALENDAR" and str(calendar["version"]) == "2.0"
    events = calendar.walk("VEVENT")
    assert len(events) == 2
    assert str(events[0]["uid"]) == interview_uid(first) == f"{first.id}@interview.jobpool"
    start = events[0].decoded("dtstart")
    assert start == datetime(2030, 3, 1, 14, 0, tzinfo=UTC) and start.utcoffset() == timedelta(0)
    assert "DTSTART:20300301T140000Z" in raw.decode()
    assert str(events[0]["description"]) == "With: Maria; Bob\nBring\nportfolio, ok"
    again = icalendar.Calendar.from_ical(interviews_calendar(ctx.details.upcoming_interviews(ana.id)))
    assert [str(e["uid"]) for e in again.walk("VEVENT")] == [str(e["uid"]) for e in events]


def test_a_calendar_file_is_replaced_whole_and_a_failed_write_leaves_nothing(ctx, tmp_path) -> None:
    """The .ics file appears in one step (written beside it, then renamed): a calendar app watching the folder, or
    an earlier export of the same name, never sees half a file; a write that fails leaves no stray file."""
    from app.calendar_export import write_interviews_calendar
    from app.errors import InvalidInput

    ana, cards = _seed(ctx, n=1)
    ctx.details.add_interview(cards[0].user_job_id, datetime(2030, 3, 1, 15, 0, tzinfo=UTC), "video")
    interviews = ctx.details.upcoming_interviews(ana.id, now=datetime(2030, 1, 1, tzinfo=UTC))
    target = tmp_path / "interviews.ics"
    target.write_text("an older export")
    assert write_interviews_calendar(interviews, target) == 1
    assert len(icalendar.Calendar.from_ical(target.read_bytes()).walk("VEVENT")) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["interviews.ics"]
    with pytest.raises(InvalidInput, match="Could not write"):
        write_interviews_calendar(interviews, tmp_path / "missing" / "interviews.ics")
    assert [p.name for p in tmp_path.iterdir()] == ["interviews.ics"]
