"""What a user notices in the window: its title, searches that keep the selected card, columns after a switch."""

from __future__ import annotations

import pytest

from app.records import JobStatus
from tests.support.synthetic import linkedin_items
from tests.ui.helpers import ScriptedPrompts, column_ids, seed_profile
from ui.shell.main_window import MainWindow
from ui.support.window_state import AppSettings


@pytest.fixture
def open_window(ctx, qtbot, loop, tmp_path):
    windows: list[MainWindow] = []

    def make() -> MainWindow:
        window = MainWindow(ctx, settings=AppSettings(tmp_path / "settings.ini"), prompts=ScriptedPrompts())
        qtbot.addWidget(window)
        window.resize(1440, 880)
        window.show()
        qtbot.waitExposed(window)
        windows.append(window)
        return window

    yield make
    for window in windows:
        if window.isVisible():
            window.close()


def test_title_names_the_profile_then_the_app_once(open_window, ctx, qtbot, qapp):
    seed_profile(ctx, "Alex", 1)
    shown = qapp.applicationDisplayName()
    qapp.setApplicationDisplayName("JobPool")
    try:
        window = open_window()
        qtbot.waitUntil(lambda: window.current_profile is not None, timeout=10_000)
        assert window.windowTitle() == "Alex — JobPool"
        # The window system adds the display name unless the title already ends with it.
        assert window.windowTitle().endswith(qapp.applicationDisplayName())
    finally:
        qapp.setApplicationDisplayName(shown)


def test_clearing_a_search_keeps_the_selected_card(open_window, ctx, qtbot):
    profile = seed_profile(ctx, "Alex", 80)
    window = open_window()
    qtbot.waitUntil(lambda: window.controller.has_loaded and window.controller.total == 80, timeout=10_000)
    last = ctx.board.card(column_ids(ctx, profile, "recommended")[-1])  # far below the first page of the column
    window.search.setText(f"{last.company} {last.title}")
    with qtbot.waitSignal(window.controller.loaded, timeout=10_000):
        window.apply_search()
    assert window.controller.total < 10
    assert window.controller.models[JobStatus.RECOMMENDED].row_of(last.user_job_id) >= 0
    window.board_view.select_cards(JobStatus.RECOMMENDED, [last.user_job_id])
    assert window.detail.card.user_job_id == last.user_job_id

    window.clear_search()
    view = window.board_view.view(JobStatus.RECOMMENDED)
    model = view.column_model
    qtbot.waitUntil(lambda: window.controller.total == 80 and model.row_of(last.user_job_id) >= 0, timeout=10_000)
    qtbot.waitUntil(
        lambda: view.selectionModel().isSelected(model.index(model.row_of(last.user_job_id), 0)), timeout=10_000
    )
    assert window.detail.card is not None and window.detail.card.user_job_id == last.user_job_id
    assert window.detail.title.text() == last.title
    assert window.board_view.selected_cards() == [model.card_at(model.row_of(last.user_job_id))]


def test_switching_profiles_starts_every_column_at_its_top(open_window, ctx, qtbot):
    alex = seed_profile(ctx, "Alex", 40)
    sam = seed_profile(ctx, "Sam", 40, start=100)
    for profile in (alex, sam):
        ctx.cards.move(column_ids(ctx, profile, "recommended")[:20], JobStatus.APPLIED)
    window = open_window()
    qtbot.waitUntil(lambda: window.controller.has_loaded and window.controller.total == 40, timeout=10_000)
    bars = {
        status: window.board_view.view(status).verticalScrollBar()
        for status in (JobStatus.RECOMMENDED, JobStatus.APPLIED)
    }
    for bar in bars.values():
        assert bar.maximum() > 0
        bar.setValue(bar.maximum())
    other = sam if window.current_profile.id == alex.id else alex
    with qtbot.waitSignal(window.controller.loaded, timeout=10_000):
        window.switch_profile(next(p for p in window.profiles if p.id == other.id))
    assert window.current_profile.id == other.id
    assert {status: bar.value() for status, bar in bars.items()} == dict.fromkeys(bars, 0)


def test_status_bar_names_a_cancelled_run_and_keeps_the_last_jobs_that_came_in(open_window, ctx, qtbot):
    alex = seed_profile(ctx, "Alex", 12)
    ctx.ingestion.run(alex.id, [linkedin_items(20, 30)], source="test", embed=False, should_cancel=lambda: True)
    sam = ctx.profiles.add("Sam")
    ctx.ingestion.run(sam.id, [linkedin_items(40, 45)], source="test", embed=False, should_cancel=lambda: True)
    window = open_window()
    label = window.status.ingestion_label
    qtbot.waitUntil(lambda: window.current_profile is not None and label.text() != "", timeout=10_000)
    assert window.current_profile.id == alex.id
    qtbot.waitUntil(lambda: "cancelled" in label.text(), timeout=10_000)
    assert label.text() == "Last ingestion: Pool hit 0 · Pool insert 12 · latest run cancelled"
    window.switch_profile(next(p for p in window.profiles if p.id == sam.id))
    qtbot.waitUntil(lambda: label.text() == "Last ingestion: cancelled, no jobs came in", timeout=10_000)
