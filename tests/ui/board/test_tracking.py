"""Status history and follow-ups in the window: timeline, the follow-up offer, badges, Due filter, status bar."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from app.records import BoardCard, HistoryEvent, JobStatus
from app.settings import save_follow_up_days
from tests.ui.helpers import ScriptedPrompts, seed_profile
from ui.board.card_delegate import applied_text, reminder_badge
from ui.board.tracking_panel import follow_up_text, timeline_lines
from ui.shell.main_window import MainWindow
from ui.support.events import ChangeSet
from ui.support.window_state import AppSettings

TODAY = date.today()


@pytest.fixture
def window(ctx, qtbot, loop, tmp_path):
    seed_profile(ctx, "Alex", 3)
    # Embedded now, so the window's start-up does not bring matching up to date and reread the board meanwhile:
    # that reread can bring back columns from before a move the test makes (it does so without this change too).
    ctx.matching.refresh.refresh_model()
    made = MainWindow(ctx, settings=AppSettings(tmp_path / "settings.ini"), prompts=ScriptedPrompts())
    qtbot.addWidget(made)
    made.show()
    qtbot.waitUntil(lambda: made.controller.has_loaded and made.controller.total == 3, timeout=10_000)
    yield made
    made.close()


def _select(window: MainWindow, qtbot, status: JobStatus, user_job_id: uuid.UUID) -> None:
    window.board_view.select_cards(status, [user_job_id])
    qtbot.waitUntil(
        lambda: window.detail.detail is not None and window.detail.detail.card.user_job_id == user_job_id,
        timeout=10_000,
    )


def _timeline(window: MainWindow) -> str:
    panel = window.detail.tracking_panel
    assert panel is not None
    return panel.timeline.text()


def _model_card(window: MainWindow, status: JobStatus, user_job_id: uuid.UUID) -> BoardCard | None:
    """The card as the column shows it (None while a reload has not brought it back yet)."""
    model = window.controller.models[status]
    return model.card_at(model.row_of(user_job_id))


def _badge(window: MainWindow, user_job_id: uuid.UUID) -> str | None:
    card = _model_card(window, JobStatus.RECOMMENDED, user_job_id)
    return None if card is None else reminder_badge(card)


def test_moves_from_the_window_show_in_the_timeline_with_how_they_were_made(window, ctx, qtbot) -> None:
    first = window.controller.models[JobStatus.RECOMMENDED].card_at(0)
    second = window.controller.models[JobStatus.RECOMMENDED].card_at(1)
    _select(window, qtbot, JobStatus.RECOMMENDED, first.user_job_id)
    qtbot.waitUntil(lambda: "Added to Recommended" in _timeline(window), timeout=10_000)
    with qtbot.waitSignal(window.controller.move_settled, timeout=10_000):
        window.detail.status_box.activated.emit(1)  # Applied, from the pane's menu
    qtbot.waitUntil(lambda: "Applied ·" in _timeline(window), timeout=10_000)
    assert _timeline(window).splitlines()[1].endswith("· from a menu")
    with qtbot.waitSignal(window.controller.move_settled, timeout=10_000):
        window.controller.drop([second.user_job_id], JobStatus.OFFER, -1)
    qtbot.waitUntil(lambda: _model_card(window, JobStatus.APPLIED, first.user_job_id) is not None, timeout=10_000)
    window.board_view.select_cards(JobStatus.APPLIED, [first.user_job_id])
    assert [c.user_job_id for c in window.board_view.selected_cards()] == [first.user_job_id]
    with qtbot.waitSignal(window.controller.move_settled, timeout=10_000):
        window.board_view.send_selection_to(JobStatus.INTERVIEWING)  # the Ctrl+3 action
    assert [e.via for e in ctx.status_history.events(second.user_job_id)] == ["import", "drag"]
    assert [e.via for e in ctx.status_history.events(first.user_job_id)] == ["import", "menu", "keyboard"]
    moved = _model_card(window, JobStatus.INTERVIEWING, first.user_job_id)
    assert applied_text(moved) == "applied today"


def test_moving_to_applied_offers_a_follow_up_in_a_bar(window, ctx, qtbot) -> None:
    card = window.controller.models[JobStatus.RECOMMENDED].card_at(0)
    window.board_view.select_cards(JobStatus.RECOMMENDED, [card.user_job_id])
    with qtbot.waitSignal(window.controller.move_settled, timeout=10_000):
        window.board_view.send_selection_to(JobStatus.APPLIED)
    bar = window.follow_up_bar
    assert bar.isVisible() and "Follow up in 7 days?" in bar.label.text() and card.title in bar.label.text()
    assert window.board_view.isEnabled()  # a bar, not a modal dialog: the board stays usable
    bar.accept_button.click()
    assert not bar.isVisible()
    qtbot.waitUntil(
        lambda: (
            getattr(_model_card(window, JobStatus.APPLIED, card.user_job_id), "next_reminder", None)
            == TODAY + timedelta(days=7)
        ),
        timeout=10_000,
    )
    assert [r.due_on for r in ctx.reminders.open_reminders(window.current_profile.id)] == [TODAY + timedelta(days=7)]


def test_a_reorder_inside_applied_or_a_switched_off_offer_offers_nothing(window, ctx, qtbot) -> None:
    ids = [c.user_job_id for c in window.controller.models[JobStatus.RECOMMENDED].cards]
    with qtbot.waitSignal(window.controller.move_settled, timeout=10_000):
        window.controller.move(ids[:2], JobStatus.APPLIED)
    assert "2 jobs" in window.follow_up_bar.label.text()
    window.follow_up_bar.hide()
    qtbot.waitUntil(lambda: all(_model_card(window, JobStatus.APPLIED, i) is not None for i in ids[:2]), timeout=20_000)
    with qtbot.waitSignal(window.controller.move_settled, timeout=10_000):
        window.controller.move([ids[1]], JobStatus.APPLIED, row=0)  # same column: no new application
    assert not window.follow_up_bar.isVisible()
    save_follow_up_days(0, ctx.database.location.data_dir)
    with qtbot.waitSignal(window.controller.move_settled, timeout=10_000):
        window.controller.move([ids[2]], JobStatus.APPLIED)
    assert not window.follow_up_bar.isVisible()
    assert ctx.reminders.open_reminders(window.current_profile.id) == []


def test_due_follow_ups_show_in_the_status_bar_the_due_filter_and_the_pane(window, ctx, qtbot) -> None:
    cards = window.controller.models[JobStatus.RECOMMENDED].cards
    due, later = cards[0].user_job_id, cards[1].user_job_id
    ctx.reminders.set(due, TODAY - timedelta(days=2), "Ask about the team")
    ctx.reminders.set(later, TODAY + timedelta(days=4))
    window.hub.emit_changes(ChangeSet(board=True))  # written behind the window's back: tell it, as a reload would
    qtbot.waitUntil(lambda: window.status.due_label.text() == "1 follow-up due", timeout=10_000)
    assert window.status.due_label.isVisible()
    # The desktop hears of it through the inbox, once.
    qtbot.waitUntil(lambda: window.notifier.last_message == "1 follow-up due for Alex", timeout=10_000)
    qtbot.waitUntil(lambda: _badge(window, due) == "Follow up · 2 d late", timeout=10_000)
    assert _badge(window, later) == ""

    window.due_action.trigger()
    assert window.search.text() == "due:"
    qtbot.waitUntil(lambda: window.controller.total == 1, timeout=10_000)
    assert window.controller.models[JobStatus.RECOMMENDED].card_at(0).user_job_id == due
    window.due_action.trigger()
    assert window.search.text() == ""
    qtbot.waitUntil(lambda: window.controller.total == 3, timeout=10_000)
    window.search.setText("due:")  # typing the word sets the toggle
    assert window.due_action.isChecked()
    window.clear_search()
    qtbot.waitUntil(lambda: window.controller.total == 3, timeout=10_000)

    _select(window, qtbot, JobStatus.RECOMMENDED, due)
    panel = window.detail.tracking_panel
    qtbot.waitUntil(lambda: panel.follow_up.text().startswith("Overdue since"), timeout=10_000)
    assert "Ask about the team" in panel.follow_up.text() and not panel.done_button.isHidden()
    panel.snooze(3)
    qtbot.waitUntil(lambda: panel.follow_up.text().startswith("Follow up on"), timeout=10_000)
    qtbot.waitUntil(lambda: window.status.due_label.isHidden(), timeout=10_000)
    panel.mark_done()
    qtbot.waitUntil(lambda: panel.follow_up.text() == "No follow-up set", timeout=10_000)
    assert panel.done_button.isHidden()
    assert [r.user_job_id for r in ctx.reminders.open_reminders(window.current_profile.id)] == [later]
    panel.date_edit.setDate(panel.date_edit.date().addDays(1))
    panel.note_edit.setText("<b>Call</b> Sam")
    panel.set_button.click()
    qtbot.waitUntil(lambda: panel.follow_up.text().endswith("· <b>Call</b> Sam"), timeout=10_000)


def test_history_and_follow_ups_survive_a_profile_switch(window, ctx, qtbot) -> None:
    card = window.controller.models[JobStatus.RECOMMENDED].card_at(0)
    with qtbot.waitSignal(window.controller.move_settled, timeout=10_000):
        window.controller.move([card.user_job_id], JobStatus.REJECTED)
    ctx.reminders.set(card.user_job_id, TODAY + timedelta(days=1), "keep")
    window.hub.emit_changes(ChangeSet(board=True))
    seed_profile(ctx, "Sam", 2, start=50)
    window.refresh_profiles()
    qtbot.waitUntil(lambda: window.switcher.findText("Sam") >= 0, timeout=10_000)
    window.switcher.activated.emit(window.switcher.findText("Sam"))
    qtbot.waitUntil(lambda: window.controller.has_loaded and window.controller.total == 2, timeout=10_000)
    window.switcher.activated.emit(window.switcher.findText("Alex"))
    qtbot.waitUntil(lambda: window.controller.has_loaded and window.controller.total == 3, timeout=10_000)
    _select(window, qtbot, JobStatus.REJECTED, card.user_job_id)
    qtbot.waitUntil(lambda: "Rejected ·" in _timeline(window), timeout=10_000)
    # Board reads (the switch, changes heard from the database) may still be answering: the pane settles on it.
    qtbot.waitUntil(lambda: window.detail.tracking_panel.follow_up.text().endswith("· keep"), timeout=10_000)


def test_readable_texts() -> None:
    now = datetime(2026, 3, 8, 9, 0, tzinfo=UTC)
    at = datetime(2026, 3, 3, 14, 2, tzinfo=UTC)
    events = [
        HistoryEvent(at - timedelta(days=2), None, JobStatus.RECOMMENDED, "import"),
        HistoryEvent(at, JobStatus.RECOMMENDED, JobStatus.APPLIED, "drag"),
        HistoryEvent(at, None, JobStatus.OFFER, "migration"),
        HistoryEvent(at, JobStatus.OFFER, JobStatus.ARCHIVED, "something-new"),
    ]
    lines = timeline_lines(events, now)
    local = at.astimezone()
    assert lines[1] == f"Applied · {local.day} {local:%b} {local:%H:%M} · dragged"
    assert lines[0].startswith("Added to Recommended") and lines[0].endswith("imported")
    assert lines[2].startswith("Offer (earlier columns not known)") and lines[3].endswith("something-new")
    assert timeline_lines([HistoryEvent(datetime(2024, 1, 5, 12, tzinfo=UTC), None, JobStatus.APPLIED, "cli")], now)[
        0
    ].startswith("Added to Applied · 5 Jan 2024")
    assert follow_up_text(None, None) == "No follow-up set"
    assert follow_up_text(TODAY, "x", TODAY) == "Follow up today · x"
    assert follow_up_text(date(2026, 3, 2), None, date(2026, 3, 8)) == "Overdue since 2 Mar"
    assert follow_up_text(date(2027, 1, 2), None, date(2026, 3, 8)) == "Follow up on 2 Jan 2027"


def test_card_face_texts() -> None:
    now = datetime(2026, 3, 8, 9, 0, tzinfo=UTC)
    base = BoardCard(
        user_job_id=uuid.uuid4(),
        job_pool_id=uuid.uuid4(),
        title="T",
        company=None,
        location=None,
        status=JobStatus.INTERVIEWING,
        position=1.0,
        match_score=None,
        gap_analysis=None,
        notes=None,
        url=None,
        source=None,
        is_remote=None,
        posted_at=None,
        added_at=now,
        status_changed_at=now,
        applied_at=now - timedelta(days=5, hours=1),
        next_reminder=date(2026, 3, 8),
    )
    assert applied_text(base, now) == "applied 5 d ago"
    assert applied_text(base.__class__(**{**_fields(base), "status": JobStatus.RECOMMENDED}), now) == ""
    assert applied_text(base.__class__(**{**_fields(base), "applied_at": None}), now) == ""
    assert reminder_badge(base, date(2026, 3, 8)) == "Follow up"
    assert reminder_badge(base, date(2026, 3, 7)) == ""


def _fields(card: BoardCard) -> dict:
    import dataclasses

    return {f.name: getattr(card, f.name) for f in dataclasses.fields(card)}
