"""The board's state: six column models, loading and paging them, and optimistic card moves."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from PySide6.QtCore import QObject, Signal

from app.board import ORDER_POSITION, ORDER_SCORE, PAGE_SIZE, BoardQueries
from app.cards import VIA_DRAG, VIA_MENU, CardService
from app.errors import JobPoolError, NotFound
from app.records import STATUSES, BoardCard, ColumnPage, JobStatus, MoveResult
from ui.board.column_model import ColumnModel
from ui.support.events import ChangeSet, Hub
from ui.support.tasks import TaskRunner

MAX_RELOAD_ROWS = 2000


@dataclasses.dataclass
class _PendingMove:
    ids: list[uuid.UUID]
    target: JobStatus
    taken: list[tuple[ColumnModel, list[tuple[int, BoardCard]]]]
    inserted: bool
    count: int
    user_id: uuid.UUID
    generation: int
    unplaced: frozenset[uuid.UUID] = frozenset()  # counted in the target but below its loaded rows, not shown


class BoardController(QObject):
    """Owns one ColumnModel per status; reads pages through the TaskRunner and applies moves optimistically.

    A move changes the models at once, then CardService.move runs on the writer thread; when it fails the cards
    go back where they were and move_failed carries the reason.
    """

    loaded = Signal()  # a full load (profile, search, refresh) reached the models
    load_failed = Signal(str)
    cards_moved = Signal(list, object)  # (ids, target status), right after the optimistic change
    cards_arrived = Signal(list, object)  # (cards that changed column, target status), after cards_moved
    move_settled = Signal(list, bool)  # (ids, saved?) once the service answered
    move_failed = Signal(str)

    def __init__(
        self, board: BoardQueries, cards: CardService, tasks: TaskRunner, hub: Hub, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._board = board
        self._cards = cards
        self.tasks = tasks
        self.models: dict[JobStatus, ColumnModel] = {}
        for status in STATUSES:
            model = ColumnModel(status, self)
            model.fetch_requested.connect(self._fetch_page)
            model.move_requested.connect(self.drop)
            self.models[status] = model
        self.user_id: uuid.UUID | None = None
        self.search = ""
        self.has_loaded = False
        self._generation = 0
        self._reading: int | None = None  # the generation of a board read under way
        self._moves_in_flight = 0  # moves sent to the writer thread and not answered yet
        self.orders: dict[JobStatus, str] = dict.fromkeys(STATUSES, ORDER_POSITION)
        hub.changed.connect(self._on_changes)

    # -- reading ---------------------------------------------------------------------------------------
    @property
    def total(self) -> int:
        """Cards on the board (matching the search, when one is active)."""
        return sum(model.total for model in self.models.values())

    def set_profile(self, user_id: uuid.UUID | None) -> None:
        """Show another profile's board."""
        self.user_id = user_id
        self.reload(keep_rows=False)

    def set_order(self, status: JobStatus, order: str) -> None:
        """Show a column in the profile's own order or best match first (ORDER_POSITION / ORDER_SCORE)."""
        status = JobStatus(status)
        if self.orders[status] != order:
            self.orders[status] = order
            self.models[status].sorted_by_score = order == ORDER_SCORE
            self.reload()

    def sorted_by_score(self, status: JobStatus) -> bool:
        """Whether a column shows best match first (its own order cannot be changed by dragging then)."""
        return self.orders[JobStatus(status)] == ORDER_SCORE

    def set_search(self, text: str) -> None:
        """Filter every column by full-text search (empty text shows everything)."""
        text = text.strip()
        if text != self.search:
            self.search = text
            self.reload(keep_rows=False)

    def reload(self, keep_rows: bool = True, *, after_writes: bool = False) -> None:
        """Read counts and the first rows of every column again (as many rows as are loaded, when keep_rows).

        after_writes queues the read behind the writes already queued (card moves), so it sees them.
        """
        self._generation += 1
        generation = self._generation
        self._reading = None
        if self.user_id is None:
            for model in self.models.values():
                model.set_cards([], 0)
            self.has_loaded = True
            self.loaded.emit()
            return
        limits = {
            status: min(MAX_RELOAD_ROWS, max(PAGE_SIZE, len(model.cards) if keep_rows else 0))
            for status, model in self.models.items()
        }
        self._reading = generation
        self.tasks.run(
            self._read_board,
            self.user_id,
            self.search,
            limits,
            dict(self.orders),
            report=False,
            # A read while moves are on their way waits behind them, or it would bring the old columns back.
            ordered=after_writes or self._moves_in_flight > 0,
            on_success=lambda pages: self._apply_board(generation, pages),
            on_failure=lambda exc: self._read_failed(generation, exc),
        )

    def _read_board(
        self, user_id: uuid.UUID, search: str, limits: dict[JobStatus, int], orders: dict[JobStatus, str]
    ) -> dict[JobStatus, ColumnPage]:
        """Worker thread: the counts and the first page of every column, in one round trip each."""
        return self._board.open_board(user_id, limits, search or None, orders)

    def _read_failed(self, generation: int, exc: JobPoolError) -> None:
        if generation != self._generation:
            return  # a read superseded by another (another profile, or none): its failure is not the board's
        self._reading = None
        self.load_failed.emit(exc.message)

    def _apply_board(self, generation: int, pages: dict[JobStatus, ColumnPage]) -> None:
        if generation != self._generation:
            return
        self._reading = None
        for status, page in pages.items():
            self.models[status].set_cards(page.cards, page.total)
        self.has_loaded = True
        self.loaded.emit()

    def _fetch_page(self, status: JobStatus, offset: int) -> None:
        model = self.models[status]
        if self.user_id is None:
            model.fetch_failed()
            return
        generation = self._generation

        def deliver(page: ColumnPage) -> None:
            if generation == self._generation:
                model.append_page(page)

        self.tasks.run(
            self._board.column_page,
            self.user_id,
            status,
            offset,
            PAGE_SIZE,
            self.search or None,
            order=self.orders[status],
            total=model.total,
            on_success=deliver,
            on_failure=lambda _exc: model.fetch_failed(),
        )

    def find(self, user_job_id: uuid.UUID) -> BoardCard | None:
        """A loaded card by id."""
        for model in self.models.values():
            row = model.row_of(user_job_id)
            if row >= 0:
                return model.card_at(row)
        return None

    # -- moving ----------------------------------------------------------------------------------------
    def drop(self, ids: list[uuid.UUID], status: JobStatus, row: int) -> None:
        """A drop asked to put cards at `row` of a column (-1 or past the loaded rows: the column's end)."""
        self.move(ids, status, row=row if row >= 0 else self.models[status].rowCount(), via=VIA_DRAG)

    def move(self, ids: Sequence[uuid.UUID], status: JobStatus, *, row: int | None = None, via: str = VIA_MENU) -> bool:
        """Move cards to a column: at `row` (its current rows) or, with row None, to the top. False if no-op.

        `via` (drag, keyboard, menu) goes into the status history of the cards whose column changes.
        """
        ids = list(dict.fromkeys(ids))
        target = self.models[JobStatus(status)]
        if not ids or self.user_id is None:
            return False
        moving = set(ids)
        unplaced: frozenset[uuid.UUID] = frozenset()
        by_score = self.sorted_by_score(target.status)
        if by_score:
            if all(target.row_of(i) >= 0 for i in ids):
                return False  # a column sorted by match has no order of the user's to change
            row = None  # stored on top of the profile's own order; shown where its score puts it
        before: uuid.UUID | None = None
        at_top = row is None
        if row is not None:
            after = [card for card in target.cards[row:] if card.user_job_id not in moving]
            before = after[0].user_job_id if after else None
            if self._is_noop(target, ids, before):
                return False
        at_end_unloaded = not at_top and before is None and not target.fully_loaded
        taken = [(model, model.take(ids)) for model in self.models.values()]
        taken = [(model, pairs) for model, pairs in taken if pairs]
        by_id = {card.user_job_id: card for _model, pairs in taken for _row, card in pairs}
        for model, pairs in taken:
            model.adjust_total(-len(pairs))
        now = datetime.now(UTC)
        moved = [self._arrived(by_id[i], target.status, now) for i in ids if i in by_id]
        count = len(moved) if moved else len(ids)
        if at_end_unloaded or not moved:
            target.adjust_total(count)
        else:
            if by_score:
                unplaced = self._put_by_score(target, moved)
            else:
                insert_row = 0 if at_top else target.row_of(before) if before is not None else target.rowCount()
                target.put(insert_row, moved)
            target.adjust_total(len(moved))
        inserted = bool(moved) and not at_end_unloaded
        pending = _PendingMove(
            ids=ids,
            target=target.status,
            taken=taken,
            inserted=inserted,
            count=count,
            user_id=self.user_id,
            generation=self._generation,
            unplaced=unplaced,
        )
        self.cards_moved.emit(ids, target.status)
        arrived = [by_id[i] for i in ids if i in by_id and by_id[i].status != target.status]
        if arrived:
            self.cards_arrived.emit(arrived, target.status)
        self._moves_in_flight += 1
        self.tasks.run(
            self._cards.move,
            ids,
            target.status,
            before=before,
            at_top=at_top,
            via=via,
            ordered=True,
            report=False,
            changes=ChangeSet.for_cards(ids, initiator=self),
            on_success=lambda result: self._move_saved(pending, result),
            on_failure=lambda exc: self._move_refused(pending, exc),
        )
        if self._reading is not None:
            # A board read started before this move would bring the old columns back: read again after it.
            # The move still owns its undo: the new read is queued behind it and answers after it.
            self.reload(after_writes=True)
            pending.generation = self._generation
        return True

    @staticmethod
    def _put_by_score(target: ColumnModel, moved: list[BoardCard]) -> frozenset[uuid.UUID]:
        """Insert cards where best-match-first order puts them among the loaded ones (unscored at the end).

        A card that ranks below every loaded card of a column not fully loaded belongs to a page not read yet: it
        is only counted (shown, it would shift the next page's offset and hide a card). Returns those cards' ids.
        """

        def rank(card: BoardCard) -> int:
            return -1 if card.match_score is None else card.match_score

        unplaced: set[uuid.UUID] = set()
        for card in sorted(moved, key=rank):
            loaded = target.cards
            row = next((r for r, other in enumerate(loaded) if rank(other) < rank(card)), len(loaded))
            if row == len(loaded) and not target.fully_loaded:
                unplaced.add(card.user_job_id)
            else:
                target.put(row, [card])
        return frozenset(unplaced)

    @staticmethod
    def _arrived(card: BoardCard, status: JobStatus, now: datetime) -> BoardCard:
        if card.status == status:
            return card
        applied_at = now if status is JobStatus.APPLIED else card.applied_at  # the history will say the same
        return dataclasses.replace(card, status=status, status_changed_at=now, applied_at=applied_at)

    @staticmethod
    def _is_noop(target: ColumnModel, ids: list[uuid.UUID], before: uuid.UUID | None) -> bool:
        current = [card.user_job_id for card in target.cards]
        if any(target.row_of(i) < 0 for i in ids):
            return False
        rest = [i for i in current if i not in set(ids)]
        at = rest.index(before) if before is not None else len(rest)
        return rest[:at] + ids + rest[at:] == current and (before is not None or target.fully_loaded)

    def _move_saved(self, pending: _PendingMove, result: MoveResult) -> None:
        self._moves_in_flight -= 1
        target = self.models[pending.target]
        for card_id, position in zip(result.user_job_ids, result.positions, strict=False):
            card = target.card_at(target.row_of(card_id))
            if card is not None:
                target.replace(dataclasses.replace(card, position=position))
        self.move_settled.emit(pending.ids, True)

    def _move_refused(self, pending: _PendingMove, exc: JobPoolError) -> None:
        self._moves_in_flight -= 1
        one = len(pending.ids) == 1
        where = "It is back where it was." if one else "They are back where they were."
        noun = "card" if one else f"{len(pending.ids)} cards"
        self.move_failed.emit(f"Could not move the {noun}: {exc.message} {where}")
        if pending.generation != self._generation:
            # The board was reread (or another profile shown) meanwhile: the database, not the undo list, is right.
            # The read waits for the moves still queued, or it would show the board from before them.
            if pending.user_id == self.user_id:
                self.reload(after_writes=True)
        else:
            self._undo(pending)
        self.move_settled.emit(pending.ids, False)

    def _undo(self, pending: _PendingMove) -> None:
        target = self.models[pending.target]
        if pending.inserted:
            back = {card.user_job_id for _row, card in target.take(pending.ids)} | pending.unplaced
            target.adjust_total(-len(back))
        else:
            back = {card.user_job_id for _model, pairs in pending.taken for _row, card in pairs}
            target.adjust_total(-pending.count)
        for model, pairs in pending.taken:
            # A card moved again since is where the later move put it; only the others go back.
            returning = [
                (row, card) for row, card in pairs if card.user_job_id in back and self.find(card.user_job_id) is None
            ]
            model.put_back(returning)
            model.adjust_total(len(returning))

    # -- change-sets from elsewhere --------------------------------------------------------------------
    def _on_changes(self, changes: ChangeSet) -> None:
        if changes.initiator is self or self.user_id is None:
            return
        if changes.board or changes.ingestion or changes.pool:
            self.reload()
        elif changes.cards:
            ids = [i for i in changes.cards if self.find(i) is not None]
            if len(ids) < len(changes.cards):  # a card this board does not show (added elsewhere): read the board
                self.reload()
            elif ids:
                self.tasks.run(self._read_cards, ids, report=False, on_success=self._apply_cards)

    def _read_cards(self, ids: list[uuid.UUID]) -> list[tuple[uuid.UUID, BoardCard | None]]:
        """Worker thread: the current version of a few cards (None for one that is gone)."""
        found: list[tuple[uuid.UUID, BoardCard | None]] = []
        for card_id in ids:
            try:
                found.append((card_id, self._board.card(card_id)))
            except NotFound:
                found.append((card_id, None))
        return found

    def _apply_cards(self, found: list[tuple[uuid.UUID, BoardCard | None]]) -> None:
        for card_id, card in found:
            shown = self.find(card_id)
            if shown is None:
                continue
            if card is None or card.status != shown.status:
                self.reload()
                return
            self.models[card.status].replace(dataclasses.replace(card, seen=shown.seen and card.seen))
