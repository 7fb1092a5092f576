"""One current card for the whole board: the detail pane, the notes and every action follow the last card clicked."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from app.records import JobStatus
from tests.ui.helpers import ScriptedPrompts, column_ids, seed_profile
from ui.shell.main_window import MainWindow
from ui.support.window_state import AppSettings


@pytest.fixture
def window(ctx, qtbot, loop, tmp_path):
    """A shown window over a profile with three Recommended cards and a single Applied card."""
    profile = seed_profile(ctx, "Alex", 4)
    ctx.cards.move([column_ids(ctx, profile, "recommended")[0]], JobStatus.APPLIED)
    main = MainWindow(ctx, settings=AppSettings(tmp_path / "settings.ini"), prompts=ScriptedPrompts())
    qtbot.addWidget(main)
    main.resize(1440, 880)
    main.show()
    qtbot.waitExposed(main)
    qtbot.waitUntil(lambda: main.controller.has_loaded and main.controller.total == 4, timeout=10_000)
    yield main
    if main.isVisible():
        main.close()


def click_card(window: MainWindow, status: JobStatus, row: int) -> None:
    """A real mouse click on the card at `row` of a column, where the view draws it."""
    view = window.board_view.view(status)
    rect = view.visualRect(view.model().index(row, 0))
    assert rect.isValid() and view.viewport().rect().contains(rect.center())
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center())


def type_note_and_check(window: MainWindow, ctx, qtbot, card, text: str) -> None:
    """Type into the notes editor; the note must reach THIS card in the database and no other."""
    editor = window.detail.notes_edit
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    window.notes.flush()
    qtbot.waitUntil(lambda: ctx.board.card(card.user_job_id).notes == text, timeout=10_000)
    others = [c for c in ctx.board.cards_for(window.current_profile.id) if c.user_job_id != card.user_job_id]
    assert all(c.notes != text for c in others), "the note landed on another card too"


def test_pane_and_notes_follow_every_click_across_columns(window, ctx, qtbot):
    recommended = window.controller.models[JobStatus.RECOMMENDED]
    applied = window.controller.models[JobStatus.APPLIED]
    assert recommended.rowCount() == 3 and applied.rowCount() == 1
    sequence = [
        (JobStatus.RECOMMENDED, 1),
        (JobStatus.APPLIED, 0),  # into the one-card column
        (JobStatus.RECOMMENDED, 1),  # back to the same card
        (JobStatus.APPLIED, 0),  # the one-card column again
        (JobStatus.RECOMMENDED, 2),
        (JobStatus.RECOMMENDED, 1),
    ]
    for step, (status, row) in enumerate(sequence):
        card = window.controller.models[status].card_at(row)
        click_card(window, status, row)
        pane = window.detail
        assert pane.currentIndex() == 1, f"step {step}: the pane shows no card"
        assert pane.card.user_job_id == card.user_job_id, f"step {step}: the pane shows another card"
        assert pane.title.text() == card.title
        assert window.board_view.selected_cards() == [card]
        type_note_and_check(window, ctx, qtbot, card, f"note {step} for {card.title}")


def test_arrow_keys_move_the_pane_and_a_blank_click_clears_it(window, ctx, qtbot):
    recommended = window.controller.models[JobStatus.RECOMMENDED]
    click_card(window, JobStatus.APPLIED, 0)
    click_card(window, JobStatus.RECOMMENDED, 0)
    view = window.board_view.view(JobStatus.RECOMMENDED)
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_Down)
    assert window.detail.card.user_job_id == recommended.card_at(1).user_job_id
    assert window.detail.title.text() == recommended.card_at(1).title
    type_note_and_check(window, ctx, qtbot, recommended.card_at(1), "seen with the keyboard")

    applied_view = window.board_view.view(JobStatus.APPLIED)
    below = applied_view.visualRect(applied_view.model().index(0, 0)).bottom() + 40
    assert not applied_view.indexAt(QPoint(20, below)).isValid()
    QTest.mouseClick(
        applied_view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(20, below)
    )
    assert window.detail.card is None and window.detail.currentIndex() == 0, "the pane still shows a card"
    assert window.board_view.selected_cards() == []
    assert not window.board_view.send_selection_to(JobStatus.ARCHIVED), "an action reached a card no one sees"
    # The card last shown opens again on the next click.
    click_card(window, JobStatus.RECOMMENDED, 1)
    assert window.detail.card.user_job_id == recommended.card_at(1).user_job_id
