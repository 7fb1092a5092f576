"""The JOB_POOL_ID argument the card commands share."""

from __future__ import annotations

import uuid

from app.errors import InvalidInput


def job_pool_id(value: str) -> uuid.UUID:
    """A pool job id from the command line, or a one-line user error."""
    try:
        return uuid.UUID(value)
    except ValueError:
        raise InvalidInput(f"“{value}” is not a job pool id (a UUID; see `board --json`).") from None
