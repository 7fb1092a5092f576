"""Exporting a profile's board as CSV (one row per card, in board order)."""

from __future__ import annotations

import csv
import uuid
from pathlib import Path

from app.board import BoardQueries
from app.errors import InvalidInput
from app.records import status_label

CSV_COLUMNS = (
    "status",
    "title",
    "company",
    "location",
    "match_score",
    "notes",
    "url",
    "source",
    "is_remote",
    "posted_at",
    "added_at",
    "status_changed_at",
    "user_job_id",
    "job_pool_id",
)
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    if value is None:
        return ""
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    # Spreadsheets run cells that start like a formula; a quote keeps scraped text inert.
    return "'" + text if text.startswith(_FORMULA_PREFIXES) else text


def export_board_csv(board: BoardQueries, user_id: uuid.UUID, path: str | Path, search: str | None = None) -> int:
    """Write every card of a profile (optionally only search matches) to a UTF-8 CSV file; returns the row count."""
    target = Path(path)
    cards = board.cards_for(user_id, search=search)
    try:
        with target.open("w", newline="", encoding="utf-8-sig") as handle:
            writer = csv.writer(handle)
            writer.writerow(CSV_COLUMNS)
            for card in cards:
                writer.writerow(
                    [
                        status_label(card.status),
                        _cell(card.title),
                        _cell(card.company),
                        _cell(card.location),
                        _cell(card.match_score),
                        _cell(card.notes),
                        _cell(card.url),
                        _cell(card.source),
                        _cell(card.is_remote),
                        _cell(card.posted_at),
                        _cell(card.added_at),
                        _cell(card.status_changed_at),
                        str(card.user_job_id),
                        str(card.job_pool_id),
                    ]
                )
    except OSError as exc:
        raise InvalidInput(f"Cannot write {target}: {exc.strerror or exc}.") from exc
    return len(cards)


def export_rows_csv(path: str | Path, headers: list[str], rows: list[list[object]]) -> int:
    """Write a table (a chart's numbers) as CSV, cells that look like formulas kept inert; returns the row count."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([_cell(h) for h in headers])
        writer.writerows([_cell(value) for value in row] for row in rows)
    return len(rows)
