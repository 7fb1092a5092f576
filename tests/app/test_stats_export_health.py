"""app.stats (status bar figures), app.export (board as CSV) and app.health (lost connections)."""

from __future__ import annotations

import csv

import pytest
from sqlalchemy.exc import OperationalError

from app.errors import DatabaseUnavailable, InvalidInput, NotFound
from app.export import CSV_COLUMNS, export_board_csv
from app.health import as_database_unavailable, check_connection
from app.records import JobStatus
from app.stats import BoardStats
from tests.support.synthetic import linkedin_items


def test_figures_count_pool_cards_and_the_last_ingestion(ctx):
    stats = BoardStats(ctx.database.sessions)
    alex = ctx.profiles.add("Alex")
    assert stats.figures(alex.id).last_ingestion is None
    ctx.ingestion.run(alex.id, [linkedin_items(0, 12)], source="test", embed=False)
    sam = ctx.profiles.add("Sam")
    ctx.ingestion.run(sam.id, [linkedin_items(6, 20)], source="test", embed=False)
    figures = stats.figures(sam.id)
    assert figures.pool_size == 20 and figures.card_count == 14
    assert (figures.last_ingestion.pool_hits, figures.last_ingestion.pool_inserts) == (6, 8)
    assert figures.last_ingestion.summary == "Pool hit 6 · Pool insert 8"
    assert stats.figures(alex.id).last_ingestion.pool_inserts == 12
    assert stats.figures(None).card_count == 0


def test_a_run_that_brought_no_jobs_is_named_and_the_last_one_that_did_is_kept(ctx):
    stats = BoardStats(ctx.database.sessions)
    alex = ctx.profiles.add("Alex")
    ctx.ingestion.run(alex.id, [linkedin_items(0, 12)], source="test", embed=False)
    ctx.ingestion.run(alex.id, [linkedin_items(20, 30)], source="test", embed=False, should_cancel=lambda: True)
    figures = stats.figures(alex.id)
    assert figures.last_ingestion.summary == "Pool hit 0 · Pool insert 12"
    assert figures.later_run is not None and figures.later_run.outcome == "cancelled"
    sam = ctx.profiles.add("Sam")
    ctx.ingestion.run(sam.id, [linkedin_items(0, 5)], source="test", embed=False, should_cancel=lambda: True)
    figures = stats.figures(sam.id)
    assert figures.last_ingestion is None and figures.later_run.outcome == "cancelled"
    ctx.ingestion.run(sam.id, [linkedin_items(0, 5)], source="test", embed=False)
    figures = stats.figures(sam.id)
    assert figures.last_ingestion.summary == "Pool hit 5 · Pool insert 0" and figures.later_run is None


def test_export_writes_every_card_and_defuses_formulas(ctx, tmp_path):
    alex = ctx.profiles.add("Alex")
    ctx.ingestion.run(alex.id, [linkedin_items(0, 5)], source="test", embed=False)
    cards = ctx.board.cards_for(alex.id)
    ctx.cards.move([cards[0].user_job_id], JobStatus.OFFER)
    ctx.cards.set_notes(cards[1].user_job_id, '=HYPERLINK("http://evil")')
    target = tmp_path / "board.csv"
    assert export_board_csv(ctx.board, alex.id, target) == 5
    with target.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == list(CSV_COLUMNS)
    assert sorted(row["status"] for row in rows).count("Offer") == 1
    note = next(row["notes"] for row in rows if row["user_job_id"] == str(cards[1].user_job_id))
    assert note.startswith("'=")
    with pytest.raises(InvalidInput, match="Cannot write"):
        export_board_csv(ctx.board, alex.id, tmp_path / "missing" / "board.csv")


def test_health_tells_lost_connections_from_other_errors(ctx):
    check_connection(ctx.database)
    lost = OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))
    assert isinstance(as_database_unavailable(lost), DatabaseUnavailable)
    assert "server closed the connection" in as_database_unavailable(lost).message
    assert as_database_unavailable(NotFound("gone")) is None
    assert as_database_unavailable(ValueError("x")) is None
