"""The board widget: drops delivered as real QDropEvents, keyboard moves, the context menu; read back from the DB."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QModelIndex, QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from app.records import JobStatus
from tests.ui.helpers import column_ids, seed_profile
from ui.board.board_view import BoardView
from ui.board.column_view import ColumnView
from ui.board.controller import BoardController
from ui.support.events import Hub
from ui.support.tasks import TaskRunner

MOVE = Qt.DropAction.MoveAction


@pytest.fixture
def board(ctx, qtbot, loop):
    """A shown BoardView over a profile with 30 cards in Recommended and 3 in Applied."""
    profile = seed_profile(ctx, "Alex", 33)
    first = column_ids(ctx, profile, "recommended")
    ctx.cards.move(first[:3], JobStatus.APPLIED)
    hub = Hub()
    tasks = TaskRunner(hub)
    controller = BoardController(ctx.board, ctx.cards, tasks, hub)
    view = BoardView(controller)
    qtbot.addWidget(view)
    view.resize(1500, 800)
    with qtbot.waitSignal(controller.loaded, timeout=10_000):
        controller.set_profile(profile.id)
    view.show()
    qtbot.waitExposed(view)
    yield view, profile
    qtbot.waitUntil(lambda: tasks.active == 0, timeout=10_000)
    tasks.shutdown()


def deliver_drop(target: ColumnView, mime, pos: QPoint) -> None:
    """What Qt delivers to a view's viewport during a drag that ends over `pos`."""
    viewport = target.viewport()
    point = QPointF(pos)
    buttons, modifiers = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(pos, MOVE, mime, buttons, modifiers)
    QApplication.sendEvent(viewport, enter)
    assert enter.isAccepted()
    move = QDragMoveEvent(pos, MOVE, mime, buttons, modifiers)
    QApplication.sendEvent(viewport, move)
    assert move.isAccepted() and target._drop_row is not None
    drop = QDropEvent(point, MOVE, mime, buttons, modifiers, QEvent.Type.Drop)
    QApplication.sendEvent(viewport, drop)
    assert drop.isAccepted() and target._drop_row is None


def test_drop_event_between_columns_lands_where_indicated(board, ctx, qtbot):
    view, profile = board
    source, target = view.view(JobStatus.RECOMMENDED), view.view(JobStatus.APPLIED)
    moving = source.column_model.card_at(2)
    applied_before = column_ids(ctx, profile, "applied")
    mime = source.model().mimeData([source.model().index(2, 0)])
    second = target.visualRect(target.model().index(1, 0))
    drop_at = QPoint(second.center().x(), second.top() + 6)  # upper half of the second card: lands before it
    assert target.drop_row_at(drop_at) == 1
    with qtbot.waitSignal(view.controller.move_settled, timeout=10_000):
        deliver_drop(target, mime, drop_at)
        assert target.column_model.card_at(1).user_job_id == moving.user_job_id
    expected = [applied_before[0], moving.user_job_id, *applied_before[1:]]
    assert column_ids(ctx, profile, "applied") == expected
    assert view.columns[JobStatus.APPLIED].count_label.text() == "4"
    assert view.columns[JobStatus.RECOMMENDED].count_label.text() == "29"
    assert target.selectionModel().isSelected(target.model().index(1, 0)), "a dropped card stays selected"


def test_drop_event_on_an_empty_column_and_inside_a_column(board, ctx, qtbot):
    view, profile = board
    source, offer = view.view(JobStatus.RECOMMENDED), view.view(JobStatus.OFFER)
    card = source.column_model.card_at(0)
    with qtbot.waitSignal(view.controller.move_settled, timeout=10_000):
        deliver_drop(offer, source.model().mimeData([source.model().index(0, 0)]), QPoint(40, 40))
    assert column_ids(ctx, profile, "offer") == [card.user_job_id]
    before = column_ids(ctx, profile, "recommended")
    below_third = source.visualRect(source.model().index(3, 0))
    with qtbot.waitSignal(view.controller.move_settled, timeout=10_000):
        deliver_drop(
            source,
            source.model().mimeData([source.model().index(0, 0)]),
            QPoint(below_third.center().x(), below_third.bottom() - 6),
        )
    assert column_ids(ctx, profile, "recommended") == [*before[1:4], before[0], *before[4:]]


def test_keyboard_sends_selection_to_a_column_and_delete_archives(board, ctx, qtbot):
    view, profile = board
    source = view.view(JobStatus.RECOMMENDED)
    view.window().activateWindow()
    view.focus_column(JobStatus.RECOMMENDED)
    qtbot.waitUntil(source.hasFocus)
    first, second, third = (source.column_model.card_at(row) for row in range(3))
    qtbot.keyClick(source, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)  # rows 0 and 1 selected
    assert [card.user_job_id for card in view.selected_cards()] == [first.user_job_id, second.user_job_id]
    with qtbot.waitSignal(view.controller.move_settled, timeout=10_000):
        qtbot.keyClick(source, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert column_ids(ctx, profile, "interviewing") == [first.user_job_id, second.user_job_id]
    assert [card.user_job_id for card in view.selected_cards()] == [third.user_job_id], "the next card is up"
    with qtbot.waitSignal(view.controller.move_settled, timeout=10_000):
        qtbot.keyClick(source, Qt.Key.Key_Delete)
    assert ctx.board.card(third.user_job_id).status is JobStatus.ARCHIVED


def test_ctrl_down_moves_a_card_down_its_column(board, ctx, qtbot):
    view, profile = board
    source = view.view(JobStatus.RECOMMENDED)
    view.focus_column(JobStatus.RECOMMENDED)
    before = column_ids(ctx, profile, "recommended")
    with qtbot.waitSignal(view.controller.move_settled, timeout=10_000):
        qtbot.keyClick(source, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert column_ids(ctx, profile, "recommended")[:3] == [before[1], before[0], before[2]]
    assert view.selected_cards()[0].user_job_id == before[0]


def test_context_menu_offers_every_column_and_moves(board, ctx, qtbot):
    view, _profile = board
    view.select_cards(JobStatus.APPLIED, [view.view(JobStatus.APPLIED).column_model.card_at(0).user_job_id])
    card = view.selected_cards()[0]
    menu = view.context_menu()
    move_to = menu.actions()[0].menu()
    names = [action.text() for action in move_to.actions()]
    assert names == ["Recommended", "Applied", "Interviewing", "Offer", "Rejected", "Archived"]
    assert not move_to.actions()[1].isEnabled(), "the card's own column is not offered"
    with qtbot.waitSignal(view.controller.move_settled, timeout=10_000):
        move_to.actions()[3].trigger()
    assert ctx.board.card(card.user_job_id).status is JobStatus.OFFER


def test_left_and_right_keys_walk_the_columns(board, qtbot):
    view, _profile = board
    view.focus_column(JobStatus.RECOMMENDED)
    qtbot.keyClick(view.view(JobStatus.RECOMMENDED), Qt.Key.Key_Right)
    assert view.active_status is JobStatus.APPLIED and view.view(JobStatus.APPLIED).hasFocus()


def test_a_board_read_under_way_during_a_move_does_not_bring_the_old_columns_back(ctx, qtbot, loop):
    """A read that started before a move answers after it: its stale columns are dropped and read again."""
    import threading

    from app.board import BoardQueries

    class HeldBoard(BoardQueries):
        """Reads at once but answers only when released, like a slow read racing a quick write."""

        def __init__(self, sessions, release: threading.Event) -> None:
            super().__init__(sessions)
            self.release = release

        def open_board(self, *args, **kwargs):
            pages = super().open_board(*args, **kwargs)
            assert self.release.wait(10)
            return pages

    profile = seed_profile(ctx, "Alex", 5)
    release = threading.Event()
    hub = Hub()
    tasks = TaskRunner(hub)
    controller = BoardController(HeldBoard(ctx.database.sessions, release), ctx.cards, tasks, hub)
    release.set()
    with qtbot.waitSignal(controller.loaded, timeout=10_000):
        controller.set_profile(profile.id)
    card = controller.models[JobStatus.RECOMMENDED].card_at(0)

    release.clear()
    controller.reload()  # reads the columns as they are, then waits
    with qtbot.waitSignal(controller.move_settled, timeout=10_000):
        controller.move([card.user_job_id], JobStatus.OFFER)
    with qtbot.waitSignal(controller.loaded, timeout=10_000):
        release.set()
    assert [c.user_job_id for c in controller.models[JobStatus.OFFER].cards] == [card.user_job_id]
    assert controller.models[JobStatus.RECOMMENDED].row_of(card.user_job_id) == -1
    qtbot.waitUntil(lambda: tasks.active == 0, timeout=10_000)
    tasks.shutdown()


def test_recommended_sorts_best_match_first_and_takes_drops_by_score(board, ctx, qtbot):
    from sqlalchemy import text

    view, profile = board
    with ctx.database.sessions.begin() as session:  # scores 0..96 in a scrambled order, every fifth card unscored
        session.execute(
            text(
                "UPDATE user_job SET match_score = CASE WHEN rn % 5 = 0 THEN NULL ELSE (rn * 37) % 97 END "
                "FROM (SELECT id, row_number() OVER (ORDER BY position) AS rn FROM user_job WHERE user_id = :uid) r "
                "WHERE user_job.id = r.id"
            ),
            {"uid": profile.id},
        )
    controller = view.controller
    recommended = controller.models[JobStatus.RECOMMENDED]
    own_order = [c.user_job_id for c in recommended.cards]
    button = view.columns[JobStatus.RECOMMENDED].sort_button
    assert button is not None and view.columns[JobStatus.APPLIED].sort_button is None
    with qtbot.waitSignal(controller.loaded, timeout=10_000):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    scores = [c.match_score for c in recommended.cards]
    scored = [s for s in scores if s is not None]
    assert len(scores) == 30 and 0 < len(scored) < 30
    assert scores == sorted(scored, reverse=True) + [None] * (30 - len(scored))  # unscored last
    assert recommended.sorted_by_score

    # A reorder inside a column sorted by match means nothing: refused, nothing written.
    assert not controller.move([recommended.card_at(3).user_job_id], JobStatus.RECOMMENDED, row=0)
    # A card from another column lands where its score puts it.
    applied = controller.models[JobStatus.APPLIED].card_at(0)
    with ctx.database.sessions.begin() as session:
        session.execute(text("UPDATE user_job SET match_score = 60 WHERE id = :id"), {"id": applied.user_job_id})
    with qtbot.waitSignal(controller.loaded, timeout=10_000):
        controller.reload()
    applied = controller.models[JobStatus.APPLIED].card_at(0)
    with qtbot.waitSignal(controller.move_settled, timeout=10_000):
        controller.drop([applied.user_job_id], JobStatus.RECOMMENDED, 0)
    row = recommended.row_of(applied.user_job_id)
    assert recommended.card_at(row - 1).match_score >= 60 >= (recommended.card_at(row + 1).match_score or 0)
    assert ctx.board.card(applied.user_job_id).status is JobStatus.RECOMMENDED

    with qtbot.waitSignal(controller.loaded, timeout=10_000):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert [c.user_job_id for c in recommended.cards][1:] == own_order  # own order back, the arrival on top


def _bare_controller(ctx):
    hub = Hub()
    tasks = TaskRunner(hub)
    return BoardController(ctx.board, ctx.cards, tasks, hub), tasks


def test_a_card_dropped_below_the_loaded_part_of_a_score_sorted_column_hides_no_other(ctx, qtbot, loop):
    from sqlalchemy import text

    from app.board import ORDER_SCORE, PAGE_SIZE

    profile = seed_profile(ctx, "Alex", 250)
    ids = column_ids(ctx, profile, "recommended")
    ctx.cards.move(ids[:1], JobStatus.APPLIED)
    with ctx.database.sessions.begin() as session:  # Recommended scores 50..99; the Applied card scores 1
        session.execute(
            text("UPDATE user_job SET match_score = 50 + abs(hashtext(id::text)) % 50 WHERE user_id = :u"),
            {"u": profile.id},
        )
        session.execute(text("UPDATE user_job SET match_score = 1 WHERE id = :i"), {"i": ids[0]})
    controller, tasks = _bare_controller(ctx)
    controller.set_order(JobStatus.RECOMMENDED, ORDER_SCORE)
    with qtbot.waitSignal(controller.loaded, timeout=10_000):
        controller.set_profile(profile.id)
    recommended = controller.models[JobStatus.RECOMMENDED]
    assert len(recommended.cards) == PAGE_SIZE and recommended.total == 249
    with qtbot.waitSignal(controller.move_settled, timeout=10_000):
        controller.move([ids[0]], JobStatus.RECOMMENDED)
    assert recommended.row_of(ids[0]) == -1 and recommended.total == 250  # counted, waiting for its page
    while recommended.canFetchMore(QModelIndex()):
        before = len(recommended.cards)
        recommended.fetchMore(QModelIndex())
        qtbot.waitUntil(lambda: not recommended.loading, timeout=10_000)
        assert len(recommended.cards) > before
    assert {c.user_job_id for c in recommended.cards} == set(column_ids(ctx, profile, "recommended", 1000))
    assert recommended.card_at(len(recommended.cards) - 1).user_job_id == ids[0]
    qtbot.waitUntil(lambda: tasks.active == 0, timeout=10_000)
    tasks.shutdown()


def test_a_refused_move_rereads_the_board_behind_the_moves_still_queued(ctx, qtbot, loop):
    from sqlalchemy import text

    profile = seed_profile(ctx, "Alex", 10)
    ids = column_ids(ctx, profile, "recommended")
    controller, tasks = _bare_controller(ctx)
    with qtbot.waitSignal(controller.loaded, timeout=10_000):
        controller.set_profile(profile.id)
    with ctx.database.engine.begin() as conn:  # card 1 is gone from the database; the board does not know yet
        conn.execute(text("DELETE FROM user_job WHERE id = :i"), {"i": ids[1]})
    blocker = ctx.database.engine.connect()  # another writer holds card 2 for a moment
    held = blocker.begin()
    blocker.execute(text("SELECT 1 FROM user_job WHERE id = :i FOR UPDATE"), {"i": ids[2]})
    controller.reload()  # a board read under way
    with qtbot.waitSignal(controller.move_failed, timeout=10_000):
        assert controller.move([ids[1]], JobStatus.APPLIED)  # refused: the card no longer exists
        assert controller.move([ids[2]], JobStatus.OFFER)  # saved once the other writer lets go
    held.commit()
    blocker.close()
    qtbot.waitUntil(lambda: tasks.active == 0 and controller._reading is None, timeout=10_000)
    assert ctx.board.card(ids[2]).status is JobStatus.OFFER
    assert controller.models[JobStatus.OFFER].row_of(ids[2]) >= 0
    assert all(model.row_of(ids[1]) == -1 for model in controller.models.values())
    tasks.shutdown()


def test_a_board_read_asked_for_while_a_move_is_on_its_way_shows_the_move(board, qtbot):
    import threading

    view, _profile = board
    controller = view.controller
    card = controller.models[JobStatus.RECOMMENDED].card_at(0)
    gate = threading.Event()
    # Another write holds the writer thread, so the move waits in its queue while the board is read again.
    controller.tasks.run(gate.wait, 10, ordered=True, report=False)
    controller.move([card.user_job_id], JobStatus.OFFER)
    seen: list[tuple[bool, bool]] = []

    def columns_when_loaded() -> None:  # what the board shows the moment the read lands, before anything rereads
        offer = {c.user_job_id for c in controller.models[JobStatus.OFFER].cards}
        recommended = {c.user_job_id for c in controller.models[JobStatus.RECOMMENDED].cards}
        seen.append((card.user_job_id in offer, card.user_job_id in recommended))

    controller.loaded.connect(columns_when_loaded)
    with qtbot.waitSignal(controller.loaded, timeout=10_000):
        controller.reload()
        gate.set()
    qtbot.waitUntil(lambda: controller.tasks.active == 0, timeout=10_000)
    assert seen[0] == (True, False)
