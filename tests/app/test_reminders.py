"""Follow-ups against a real PostgreSQL: set, snooze, done, due lists and counts, the Due filter on the board."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import text

from app.errors import InvalidInput, NotFound
from app.records import JobStatus
from tests.support.synthetic import linkedin_items

TODAY = date.today()


def _seed(ctx, name: str = "Ana", n: int = 4):
    profile = ctx.profiles.add(name)
    ctx.ingestion.run(name, [linkedin_items(0, n)], source="test", embed=False)
    return profile, ctx.board.cards_for(profile.id)


def test_set_replace_snooze_and_finish_a_follow_up(ctx) -> None:
    profile, cards = _seed(ctx)
    card = cards[0].user_job_id
    ctx.reminders.set(card, TODAY + timedelta(days=3), "  Ask about the take-home \x00 ")
    assert ctx.board.card(card).next_reminder == TODAY + timedelta(days=3)
    assert ctx.reminders.note(card) == "Ask about the take-home"
    ctx.reminders.set(card, TODAY - timedelta(days=1), None)  # one follow-up per card: the later one replaces it
    assert [(r.due_on, r.note) for r in ctx.reminders.open_reminders(profile.id)] == [(TODAY - timedelta(days=1), None)]
    assert ctx.reminders.due_count(profile.id) == 1
    assert ctx.reminders.snooze(card, 2) == TODAY + timedelta(days=2)
    assert ctx.reminders.due_count(profile.id) == 0
    ctx.reminders.done(card)
    assert ctx.board.card(card).next_reminder is None
    assert ctx.reminders.open_reminders(profile.id) == []
    with pytest.raises(NotFound):
        ctx.reminders.done(card)  # nothing open any more
    with pytest.raises(InvalidInput):
        ctx.reminders.set(card, TODAY, "x" * 3000)
    with pytest.raises(InvalidInput):
        ctx.reminders.snooze(card, 0)


def test_due_lists_counts_and_the_board_filter(ctx) -> None:
    profile, cards = _seed(ctx, n=6)
    ids = [c.user_job_id for c in cards]
    ctx.reminders.set(ids[0], TODAY - timedelta(days=5), "overdue")
    ctx.reminders.set(ids[1], TODAY, "today")
    ctx.reminders.set(ids[2], TODAY + timedelta(days=1), "tomorrow")
    ctx.reminders.set(ids[3], TODAY - timedelta(days=1), "done already")
    ctx.reminders.done(ids[3])
    ctx.cards.move([ids[1]], JobStatus.APPLIED)
    assert [r.note for r in ctx.reminders.open_reminders(profile.id)] == ["overdue", "today", "tomorrow"]
    assert [r.note for r in ctx.reminders.open_reminders(profile.id, due_by=TODAY)] == ["overdue", "today"]
    assert ctx.reminders.due_count(profile.id) == 2
    due = {c.user_job_id for c in ctx.board.cards_for(profile.id, due=True)}
    assert due == {ids[0], ids[1]}
    assert {c.user_job_id for c in ctx.board.cards_for(profile.id, search="due:")} == due
    # the search syntax: the word `due:` filters, the other words still search
    title = cards[0].title.split()[0]
    assert {c.user_job_id for c in ctx.board.cards_for(profile.id, search=f"{title} due:")} <= due
    counts = ctx.board.column_counts(profile.id, "due:")
    assert counts[JobStatus.RECOMMENDED] == 1 and counts[JobStatus.APPLIED] == 1
    opened = ctx.board.open_board(profile.id, search="DUE:")
    assert [c.user_job_id for c in opened[JobStatus.RECOMMENDED].cards] == [ids[0]]
    assert [c.user_job_id for c in opened[JobStatus.APPLIED].cards] == [ids[1]]
    page = ctx.board.column_page(profile.id, JobStatus.RECOMMENDED, search="due:")
    assert [c.user_job_id for c in page.cards] == [ids[0]] and page.total == 1
    # without the word, every card, each with its next follow-up
    everything = {c.user_job_id: c for c in ctx.board.cards_for(profile.id)}
    assert len(everything) == 6
    assert everything[ids[2]].next_reminder == TODAY + timedelta(days=1) and everything[ids[3]].next_reminder is None
    assert everything[ids[0]].reminder_due(TODAY) and not everything[ids[2]].reminder_due(TODAY)


def test_follow_ups_survive_rejection_and_go_with_their_card(ctx) -> None:
    profile, cards = _seed(ctx, n=2)
    card = cards[0].user_job_id
    ctx.reminders.set(card, TODAY, "chase")
    ctx.cards.move([card], JobStatus.REJECTED)
    assert ctx.reminders.open_reminders(profile.id)[0].note == "chase"
    with ctx.database.engine.begin() as conn:
        conn.execute(text("DELETE FROM user_job WHERE id = :id"), {"id": card})
        assert conn.execute(text("SELECT count(*) FROM reminder")).scalar() == 0
    with pytest.raises(NotFound):
        ctx.reminders.set(card, TODAY)


def test_follow_up_offer_days_are_a_setting(tmp_path) -> None:
    from app import settings

    assert settings.load_follow_up_days(tmp_path) == settings.DEFAULT_FOLLOW_UP_DAYS == 7
    settings.save_follow_up_days(0, tmp_path)
    assert settings.load_follow_up_days(tmp_path) == 0
    settings.save_follow_up_days(14, tmp_path)
    assert settings.load_follow_up_days(tmp_path) == 14
    with pytest.raises(ValueError):
        settings.save_follow_up_days(-1, tmp_path)
    (tmp_path / settings.SETTINGS_FILE).write_text('{"follow_up": {"days": "soon"}}')
    assert settings.load_follow_up_days(tmp_path) == 7
