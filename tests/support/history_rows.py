"""Cards with a chosen status history: pool jobs and cards inserted directly, the trigger-written events replaced
by events at known times (so figures over the history can be computed by hand)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.engine import Engine

# (from_status or None for "added", to_status, at)
Move = tuple[str | None, str, datetime]


def pool_job(engine: Engine, title: str, company: str, source: str) -> uuid.UUID:
    """A pool job with these fields; its id."""
    with engine.begin() as conn:
        return conn.execute(
            text(
                "INSERT INTO job_pool (hash, title, company, source) VALUES (:hash, :title, :company, :source) "
                "RETURNING id"
            ),
            {"hash": uuid.uuid4().hex, "title": title, "company": company, "source": source},
        ).scalar_one()


def card_with_history(engine: Engine, user_id: uuid.UUID, job_pool_id: uuid.UUID, moves: list[Move]) -> uuid.UUID:
    """A card of the profile for the pool job, in the last move's column, whose history is exactly `moves`."""
    with engine.begin() as conn:
        card = conn.execute(
            text("INSERT INTO user_job (user_id, job_pool_id, status) VALUES (:u, :j, :s) RETURNING id"),
            {"u": user_id, "j": job_pool_id, "s": moves[-1][1]},
        ).scalar_one()
        conn.execute(text("DELETE FROM status_event WHERE user_job_id = :c"), {"c": card})
        for from_status, to_status, at in moves:
            conn.execute(
                text(
                    "INSERT INTO status_event (user_job_id, at, from_status, to_status, via) "
                    "VALUES (:c, :at, :f, :t, 'test')"
                ),
                {"c": card, "at": at, "f": from_status, "t": to_status},
            )
        return card
