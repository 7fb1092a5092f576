"""Column models: Qt's model checks, paging, and drops at the model level read back from the database."""

from __future__ import annotations

import uuid

import pytest
from PySide6.QtCore import QMimeData, QModelIndex, Qt

from app.board import PAGE_SIZE
from app.records import JobStatus
from tests.ui.helpers import column_ids, seed_profile
from ui.board.column_model import CARD_ROLE, MIME_TYPE, ColumnModel, decode_card_ids, encode_card_ids
from ui.board.controller import BoardController
from ui.support.events import Hub
from ui.support.tasks import TaskRunner

MOVE = Qt.DropAction.MoveAction


@pytest.fixture
def board(ctx, qtbot, loop):
    """A controller over a profile with 250 cards, first pages loaded."""
    profile = seed_profile(ctx, "Alex", 250)
    hub = Hub()
    tasks = TaskRunner(hub)
    controller = BoardController(ctx.board, ctx.cards, tasks, hub)
    with qtbot.waitSignal(controller.loaded, timeout=10_000):
        controller.set_profile(profile.id)
    yield controller, profile
    qtbot.waitUntil(lambda: tasks.active == 0, timeout=10_000)
    tasks.shutdown()


def test_models_pass_qt_model_checks_while_paging(board, qtmodeltester, qtbot):
    controller, _profile = board
    model = controller.models[JobStatus.RECOMMENDED]
    assert model.rowCount() == PAGE_SIZE and model.total == 250 and model.canFetchMore(QModelIndex())
    qtmodeltester.check(model)  # Qt's tester itself asks for the next page
    assert model.loading and not model.canFetchMore(QModelIndex()), "a page is on its way: no second request"
    qtbot.waitUntil(lambda: model.rowCount() == 2 * PAGE_SIZE, timeout=10_000)
    while model.canFetchMore(QModelIndex()):
        rows = model.rowCount()
        model.fetchMore(QModelIndex())
        qtbot.waitUntil(lambda r=rows: model.rowCount() == min(250, r + PAGE_SIZE), timeout=10_000)
    assert model.rowCount() == 250
    assert len({card.user_job_id for card in model.cards}) == 250
    for status in (JobStatus.APPLIED, JobStatus.ARCHIVED):
        qtmodeltester.check(controller.models[status], force_py=True)


def test_mime_data_carries_card_ids_not_rows():
    ids = [uuid.uuid4(), uuid.uuid4()]
    mime = encode_card_ids(ids, JobStatus.APPLIED)
    assert mime.hasFormat(MIME_TYPE) and decode_card_ids(mime) == ids
    foreign = QMimeData()
    foreign.setText("not a card")
    assert decode_card_ids(foreign) == []
    damaged = QMimeData()
    damaged.setData(MIME_TYPE, b"{not json")
    assert decode_card_ids(damaged) == []
    model = ColumnModel(JobStatus.OFFER)
    assert not model.canDropMimeData(foreign, MOVE, 0, 0, QModelIndex())
    assert not model.dropMimeData(foreign, MOVE, 0, 0, QModelIndex())


def test_drop_on_model_moves_card_at_once_and_in_database(board, ctx, qtbot):
    controller, profile = board
    source = controller.models[JobStatus.RECOMMENDED]
    target = controller.models[JobStatus.INTERVIEWING]
    card = source.card_at(3)
    mime = source.mimeData([source.index(3)])
    with qtbot.waitSignal(controller.move_settled, timeout=10_000) as settled:
        assert target.dropMimeData(mime, MOVE, 0, 0, QModelIndex()) is False  # Qt must not remove rows itself
        assert target.card_at(0).user_job_id == card.user_job_id  # optimistic: visible before the write
        assert target.card_at(0).status is JobStatus.INTERVIEWING
        assert source.row_of(card.user_job_id) == -1 and source.total == 249 and target.total == 1
    assert settled.args == [[card.user_job_id], True]
    assert ctx.board.card(card.user_job_id).status is JobStatus.INTERVIEWING
    assert column_ids(ctx, profile, "interviewing") == [card.user_job_id]
    assert ctx.board.column_counts(profile.id)[JobStatus.RECOMMENDED] == 249


def test_several_cards_move_together_in_their_order(board, ctx, qtbot):
    controller, profile = board
    source = controller.models[JobStatus.RECOMMENDED]
    target = controller.models[JobStatus.APPLIED]
    picked = [source.card_at(row).user_job_id for row in (1, 4, 7)]
    mime = source.mimeData([source.index(row) for row in (7, 1, 4)])
    with qtbot.waitSignal(controller.move_settled, timeout=10_000):
        target.dropMimeData(mime, MOVE, -1, 0, QModelIndex())
    assert [card.user_job_id for card in target.cards] == picked
    assert column_ids(ctx, profile, "applied") == picked


def test_reorder_inside_a_column_persists(board, ctx, qtbot):
    controller, profile = board
    model = controller.models[JobStatus.RECOMMENDED]
    before = column_ids(ctx, profile, "recommended", PAGE_SIZE)
    assert [card.user_job_id for card in model.cards] == before
    mime = model.mimeData([model.index(0)])
    with qtbot.waitSignal(controller.move_settled, timeout=10_000):
        model.dropMimeData(mime, MOVE, 4, 0, QModelIndex())  # between rows 3 and 4
    expected = [*before[1:4], before[0], *before[4:]]
    assert [card.user_job_id for card in model.cards] == expected
    assert column_ids(ctx, profile, "recommended", PAGE_SIZE) == expected
    controller.reload(keep_rows=False)
    qtbot.waitUntil(lambda: [c.user_job_id for c in model.cards][:5] == expected[:5], timeout=10_000)


def test_drop_on_its_own_place_changes_nothing(board, ctx, qtbot):
    controller, _profile = board
    model = controller.models[JobStatus.RECOMMENDED]
    mime = model.mimeData([model.index(2)])
    assert not controller.move(decode_card_ids(mime), JobStatus.RECOMMENDED, row=3)
    assert not controller.move(decode_card_ids(mime), JobStatus.RECOMMENDED, row=2)
    assert controller.tasks.active == 0


def test_failed_move_goes_back_with_a_message(board, ctx, qtbot):
    controller, profile = board
    source = controller.models[JobStatus.RECOMMENDED]
    target = controller.models[JobStatus.OFFER]
    card = source.card_at(5)
    # The profile disappears (as if deleted in another window): its card rows are gone for real.
    ctx.profiles.remove(profile.id)
    mime = source.mimeData([source.index(5)])
    with qtbot.waitSignal(controller.move_failed, timeout=10_000) as failed:
        target.dropMimeData(mime, MOVE, 0, 0, QModelIndex())
        assert target.rowCount() == 1
    assert "no longer exists" in failed.args[0] and "back where it was" in failed.args[0]
    assert target.rowCount() == 0 and target.total == 0
    assert source.card_at(5).user_job_id == card.user_job_id and source.total == 250


def test_move_with_an_unknown_card_id_is_refused_and_reverted(board, ctx, qtbot):
    controller, _profile = board
    source = controller.models[JobStatus.RECOMMENDED]
    target = controller.models[JobStatus.APPLIED]
    real = source.card_at(0)
    mime = encode_card_ids([real.user_job_id, uuid.uuid4()])
    with qtbot.waitSignal(controller.move_settled, timeout=10_000) as settled:
        target.dropMimeData(mime, MOVE, 0, 0, QModelIndex())
    assert settled.args[1] is False
    assert source.card_at(0) == real and target.rowCount() == 0
    assert ctx.board.card(real.user_job_id).status is JobStatus.RECOMMENDED


def test_card_role_returns_the_record(board):
    controller, _profile = board
    model = controller.models[JobStatus.RECOMMENDED]
    card = model.data(model.index(0), CARD_ROLE)
    assert card == model.card_at(0)
    assert model.data(model.index(0)) == card.title
