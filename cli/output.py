"""Printing for the headless commands: JSON alone on stdout, or readable tables."""

from __future__ import annotations

import json
import sys
import uuid
from collections.abc import Sequence
from typing import Any

from app.errors import InvalidInput


def print_json(value: Any) -> None:
    """One JSON document on stdout and nothing else."""
    json.dump(value, sys.stdout, ensure_ascii=False, default=str, indent=2)
    sys.stdout.write("\n")


def print_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """A plain, aligned text table."""
    cells = [[("" if v is None else str(v)) for v in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
    for row in cells:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())


def truncate(value: str | None, width: int) -> str:
    """Cut text to a column width with an ellipsis."""
    text = (value or "").replace("\n", " ")
    return text if len(text) <= width else text[: width - 1] + "…"


def parse_job_pool_id(value: str) -> uuid.UUID:
    """A pool job id from the command line, or a user error naming where ids come from."""
    try:
        return uuid.UUID(value)
    except ValueError:
        raise InvalidInput(f"“{value}” is not a job pool id (a UUID; see `board --json`).") from None
