"""The whole window on a real database: first run, import, profiles, search, notes, export, dialogs."""

from __future__ import annotations

import csv

import pytest
from PySide6.QtCore import Qt

from app.records import JobStatus
from tests.support.paths import DATASETS
from tests.ui.helpers import ScriptedPrompts, column_ids, seed_profile
from ui.shell.main_window import PAGE_BOARD, PAGE_EMPTY, PAGE_WELCOME, MainWindow
from ui.support.window_state import AppSettings


@pytest.fixture
def open_window(ctx, qtbot, loop, tmp_path):
    """Opens MainWindows over the test database with scripted prompts and a private settings file."""
    windows: list[MainWindow] = []

    def make(prompts: ScriptedPrompts | None = None) -> MainWindow:
        window = MainWindow(ctx, settings=AppSettings(tmp_path / "settings.ini"), prompts=prompts or ScriptedPrompts())
        window.prompts.parent = window
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        windows.append(window)
        return window

    yield make
    for window in windows:
        if window.isVisible():
            window.close()


def wait_board(qtbot, window: MainWindow, total: int) -> None:
    qtbot.waitUntil(lambda: window.controller.has_loaded and window.controller.total == total, timeout=10_000)


def test_first_run_asks_for_a_profile_then_points_to_import(open_window, ctx, qtbot):
    window = open_window()
    qtbot.waitUntil(lambda: window.stack.currentIndex() == PAGE_WELCOME, timeout=10_000)
    assert not window.menu_actions["import"].isEnabled()
    qtbot.keyClicks(window.welcome_page.name_edit, "Robin")
    qtbot.mouseClick(window.welcome_page.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.stack.currentIndex() == PAGE_EMPTY, timeout=10_000)
    assert [p.name for p in ctx.profiles.list()] == ["Robin"]
    assert window.current_profile.name == "Robin" and window.windowTitle() == "Robin — JobPool"
    assert "Robin" in window.empty_page.heading.text()
    assert window.menu_actions["import"].isEnabled()


def test_import_through_the_menu_fills_the_board(open_window, ctx, qtbot):
    profile = seed_profile(ctx, "Alex")
    window = open_window(ScriptedPrompts(dataset=str(DATASETS / "linkedin_curious.json")))
    qtbot.waitUntil(lambda: window.stack.currentIndex() == PAGE_EMPTY, timeout=10_000)
    window.menu_actions["import"].trigger()
    dialog = window.last_dialog
    qtbot.waitUntil(lambda: dialog.finished_running, timeout=30_000)
    report = dialog.result_value
    assert report is not None and report.links_created > 0, dialog.message.text()
    assert "Pool insert" in dialog.message.text() and report.rejected and dialog.details.isVisible()
    wait_board(qtbot, window, report.links_created)
    assert window.stack.currentIndex() == PAGE_BOARD
    assert ctx.board.column_counts(profile.id)[JobStatus.RECOMMENDED] == report.links_created
    qtbot.waitUntil(lambda: f"Pool insert {report.pool_inserts}" in window.status.ingestion_label.text())
    assert window.status.cards_label.text() == f"Alex: {report.links_created} cards"


def test_profile_switch_shows_the_other_board(open_window, ctx, qtbot):
    alex = seed_profile(ctx, "Alex", 5)
    sam = seed_profile(ctx, "Sam", 8, start=100)
    window = open_window()
    wait_board(qtbot, window, 5)
    assert window.current_profile.id == alex.id
    index = window.switcher.findText("Sam")
    window.switcher.activated.emit(index)
    wait_board(qtbot, window, 8)
    shown = {card.user_job_id for card in window.controller.models[JobStatus.RECOMMENDED].cards}
    assert shown == set(column_ids(ctx, sam, "recommended"))
    assert window.settings.last_profile_id == sam.id


def test_search_filters_every_column(open_window, ctx, qtbot):
    profile = seed_profile(ctx, "Alex", 60)
    window = open_window()
    wait_board(qtbot, window, 60)
    cards = ctx.board.column_page(profile.id, JobStatus.RECOMMENDED, 0, 100).cards
    hooli_ids = [card.user_job_id for card in cards if card.company.startswith("Hooli")]
    ctx.cards.move(hooli_ids[:2] + [card.user_job_id for card in cards[:10]], JobStatus.APPLIED)
    hooli = ctx.board.column_counts(profile.id, "hooli")
    assert hooli[JobStatus.APPLIED] > 0 and hooli[JobStatus.RECOMMENDED] > 0 and sum(hooli.values()) < 60
    window.refresh_board()
    window.focus_search()
    qtbot.keyClicks(window.search, "hooli")
    wait_board(qtbot, window, sum(hooli.values()))
    for status in (JobStatus.RECOMMENDED, JobStatus.APPLIED):
        companies = {card.company for card in window.controller.models[status].cards}
        assert companies and all(company.startswith("Hooli") for company in companies)
        header = window.board_view.columns[status].count_label.text()
        assert header == str(hooli[status])
    assert window.board_view.view(JobStatus.OFFER).empty_text == "No matches"
    window.search.clear()
    wait_board(qtbot, window, 60)


def select_card(window: MainWindow, qtbot, row: int):
    model = window.controller.models[JobStatus.RECOMMENDED]
    card = model.card_at(row)
    window.board_view.select_cards(JobStatus.RECOMMENDED, [card.user_job_id])
    qtbot.waitUntil(lambda: window.detail.card is not None and window.detail.card.user_job_id == card.user_job_id)
    return card


def test_notes_save_when_switching_cards(open_window, ctx, qtbot):
    seed_profile(ctx, "Alex", 4)
    window = open_window()
    wait_board(qtbot, window, 4)
    first = select_card(window, qtbot, 0)
    qtbot.keyClicks(window.detail.notes_edit, "Call Sam on Monday")
    select_card(window, qtbot, 1)
    qtbot.waitUntil(lambda: ctx.board.card(first.user_job_id).notes == "Call Sam on Monday", timeout=10_000)
    model = window.controller.models[JobStatus.RECOMMENDED]
    qtbot.waitUntil(lambda: model.card_at(model.row_of(first.user_job_id)).notes == "Call Sam on Monday")
    select_card(window, qtbot, 0)
    assert window.detail.notes_edit.toPlainText() == "Call Sam on Monday"


def test_notes_save_on_close(open_window, ctx, qtbot):
    seed_profile(ctx, "Alex", 2)
    window = open_window()
    wait_board(qtbot, window, 2)
    card = select_card(window, qtbot, 1)
    qtbot.keyClicks(window.detail.notes_edit, "Recruiter: Dana")
    window.close()
    assert ctx.board.card(card.user_job_id).notes == "Recruiter: Dana"
    assert window.settings.unsaved_notes() == {}


def test_status_selector_in_the_detail_pane_moves_the_card(open_window, ctx, qtbot):
    seed_profile(ctx, "Alex", 3)
    window = open_window()
    wait_board(qtbot, window, 3)
    card = select_card(window, qtbot, 2)
    qtbot.waitUntil(lambda: window.detail.detail is not None, timeout=10_000)
    with qtbot.waitSignal(window.controller.move_settled, timeout=10_000):
        window.detail.status_box.activated.emit(2)  # Interviewing
    assert ctx.board.card(card.user_job_id).status is JobStatus.INTERVIEWING
    column = window.board_view.view(JobStatus.INTERVIEWING).column_model
    # A board read queued behind the move may still be answering: the column settles on the moved card.
    qtbot.waitUntil(
        lambda: (first := column.card_at(0)) is not None and first.user_job_id == card.user_job_id, timeout=10_000
    )


def test_delete_profile_confirms_and_keeps_the_pool(open_window, ctx, qtbot):
    seed_profile(ctx, "Alex", 3)
    seed_profile(ctx, "Sam", 2, start=50)
    window = open_window(ScriptedPrompts(confirm=True))
    wait_board(qtbot, window, 3)
    pool_before = window.stats.figures(None).pool_size
    window.menu_actions["delete_profile"].trigger()
    assert "the jobs stay in the shared pool" in window.prompts.confirmations[0].lower()
    qtbot.waitUntil(lambda: window.current_profile is not None and window.current_profile.name == "Sam", timeout=10_000)
    wait_board(qtbot, window, 2)
    assert [p.name for p in ctx.profiles.list()] == ["Sam"]
    assert window.stats.figures(None).pool_size == pool_before


def test_export_board_as_csv(open_window, ctx, qtbot, tmp_path):
    seed_profile(ctx, "Alex", 7)
    target = tmp_path / "board.csv"
    window = open_window(ScriptedPrompts(csv_path=str(target)))
    wait_board(qtbot, window, 7)
    window.menu_actions["export"].trigger()
    qtbot.waitUntil(lambda: "Exported 7 cards" in window.message_bar.text, timeout=10_000)
    with target.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 7 and {row["status"] for row in rows} == {"Recommended"}


def test_dialog_that_needs_a_profile_asks_for_one_first(open_window, qtbot):
    window = open_window()
    assert window.current_profile is None
    assert window.open_dialog("apify") is None
    assert window.prompts.informed[-1] == ("Ingest from Apify", "Create a profile first: Profiles → New….")


def test_window_remembers_the_last_profile(open_window, ctx, qtbot):
    seed_profile(ctx, "Alex", 1)
    sam = seed_profile(ctx, "Sam", 2, start=10)
    first = open_window()
    wait_board(qtbot, first, 1)
    first.switch_profile(next(p for p in first.profiles if p.id == sam.id))
    first.close()
    second = open_window()
    qtbot.waitUntil(lambda: second.current_profile is not None, timeout=10_000)
    assert second.current_profile.id == sam.id


def test_import_can_be_cancelled_and_keeps_what_is_stored(open_window, ctx, qtbot, tmp_path):
    import json

    from tests.support.synthetic import linkedin_items

    seed_profile(ctx, "Alex")
    export = tmp_path / "big.json"
    export.write_text(json.dumps(linkedin_items(0, 3000, seed=3)), encoding="utf-8")
    ctx.ingestion.chunk_size = 50
    window = open_window(ScriptedPrompts(dataset=str(export)))
    qtbot.waitUntil(lambda: window.current_profile is not None, timeout=10_000)
    dialog = window.import_dataset()
    qtbot.waitUntil(lambda: "Pool insert" in dialog.message.text(), timeout=20_000)  # the first batch is in
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.finished_running, timeout=30_000)
    report = dialog.result_value
    assert report.status == "cancelled" and 0 < report.links_created < 3000
    assert dialog.message.text().startswith("Cancelled")
    wait_board(qtbot, window, report.links_created)
    assert dialog.cancel_button.text() == "Close"


def test_connection_info_and_layout_are_remembered(open_window, ctx, qtbot):
    seed_profile(ctx, "Alex", 1)
    window = open_window()
    wait_board(qtbot, window, 1)
    window.menu_actions["connection"].trigger()
    title, text = window.prompts.informed[-1]
    assert title == "Connection info" and "External PostgreSQL" in text
    window.resize(720, 540)  # inside the offscreen screen, which clamps restored geometry
    window.splitter.setSizes([380, 330])
    sizes = window.splitter.sizes()
    window.close()
    again = open_window()
    wait_board(qtbot, again, 1)
    assert again.settings.geometry() is not None
    assert again.width() == window.width()  # heights follow each page's minimum size
    qtbot.waitUntil(lambda: again.splitter.sizes() == sizes)
