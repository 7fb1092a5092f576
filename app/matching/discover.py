"""Discover: pool jobs nearest to a resume that are not on the profile's board, found through the HNSW index.

The index (ix_job_pool_embedding_head_hnsw) covers `subvector(embedding, 1, 512)::halfvec(512)`; the query
orders by exactly that expression so PostgreSQL walks the index, over-fetches `candidates` rows and re-ranks them
on the full vectors. Jobs already linked to the profile are filtered with `NOT IN (subquery)`, which PostgreSQL runs
as a hashed subplan inside the index scan (an anti-join would replace the index scan with a sequential scan and a
sort). With pgvector 0.8 `hnsw.iterative_scan` keeps the scan going when filtering removes rows, so a profile with
thousands of cards still gets its full list.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, text
from sqlalchemy.orm import Session

from db.engine import psycopg_connection
from db.models import EMBEDDING_INDEX_EXPRESSION

MIN_CANDIDATES = 50
MAX_CANDIDATES = 1000
# A wide search reaches every cluster of the sparse graph (recall@20 ~0.95 at 60, ~1.0 at 200; ~1 ms more).
EF_SEARCH = 200
_ROW_KEY = EMBEDDING_INDEX_EXPRESSION.replace("embedding", "p.embedding", 1)
_QUERY_KEY = EMBEDDING_INDEX_EXPRESSION.replace("embedding", "CAST(:q AS vector)", 1)

DISCOVER_SQL = f"""
SELECT c.id, c.title, c.company, c.location, c.url, c.source, c.is_remote, c.posted_at, c.skills,
       c.fallback_title, c.fallback_description, 1 - (c.embedding <=> CAST(:q AS vector)) AS similarity
FROM (
    SELECT p.id, p.title, p.company, p.location, p.url, p.source, p.is_remote, p.posted_at, p.skills, p.embedding,
           CASE WHEN p.skills IS NULL THEN p.title END AS fallback_title,
           CASE WHEN p.skills IS NULL THEN left(p.description, 4000) END AS fallback_description
    FROM job_pool p
    WHERE p.embedding_model = :model
      AND p.id NOT IN (SELECT l.job_pool_id FROM user_job l WHERE l.user_id = :uid)
    ORDER BY {_ROW_KEY} <=> {_QUERY_KEY}
    LIMIT :candidates
) c
ORDER BY c.embedding <=> CAST(:q AS vector), c.id
LIMIT :limit
"""


def resume_vector(session: Session, user_id: uuid.UUID) -> Any:
    """A profile's resume embedding (None without one), read over the binary protocol: as text, parsing its 1,536
    floats costs milliseconds of a Discover call."""
    with psycopg_connection(session.connection()).cursor(binary=True) as cursor:
        row = cursor.execute("SELECT resume_embedding FROM users WHERE id = %s", (user_id,)).fetchone()
    return row[0] if row else None


def resume_vectors(session: Session, user_id: uuid.UUID) -> list[tuple[uuid.UUID, Any]]:
    """(résumé id, embedding) of a profile's embedded résumés, primary first, over the binary protocol."""
    with psycopg_connection(session.connection()).cursor(binary=True) as cursor:
        rows = cursor.execute(
            "SELECT id, embedding FROM resume WHERE user_id = %s AND embedding IS NOT NULL "
            "ORDER BY is_primary DESC, created_at, id",
            (user_id,),
        ).fetchall()
    return [(row[0], row[1]) for row in rows]


def candidate_count(limit: int) -> int:
    """How many index candidates to re-rank for a result of `limit` jobs."""
    return max(MIN_CANDIDATES, min(MAX_CANDIDATES, limit * 3))


def supports_iterative_scan(session: Session) -> bool:
    """Whether the server's pgvector (0.8 or later) has hnsw.iterative_scan."""
    version = session.execute(text("SELECT extversion FROM pg_extension WHERE extname = 'vector'")).scalar()
    if not version:
        return False
    parts = tuple(int(p) for p in version.split(".")[:2] if p.isdigit())
    return parts >= (0, 8)


def _tune(session: Session, candidates: int, iterative: bool) -> None:
    # Transaction-local settings (SET LOCAL): ef_search must also cover the over-fetch or the scan stops short.
    ef_search = str(min(max(EF_SEARCH, candidates), 1000))
    if iterative:
        session.execute(
            text(
                "SELECT set_config('hnsw.ef_search', :ef, true), "
                "set_config('hnsw.iterative_scan', 'relaxed_order', true)"
            ),
            {"ef": ef_search},
        )
    else:
        session.execute(text("SELECT set_config('hnsw.ef_search', :ef, true)"), {"ef": ef_search})


def nearest_unlinked(
    session: Session, user_id: uuid.UUID, query: Any, model: str, limit: int, *, iterative: bool
) -> Sequence[Row]:
    """The nearest pool jobs (embedded with `model`) that the profile has no card for, nearest first."""
    candidates = candidate_count(limit)
    _tune(session, candidates, iterative)
    params = {"q": query, "model": model, "uid": user_id, "candidates": candidates, "limit": limit}
    return session.execute(text(DISCOVER_SQL), params).all()


def explain_nearest_unlinked(session: Session, user_id: uuid.UUID, query: Any, model: str, limit: int) -> str:
    """The plan of the Discover query (to check that the HNSW index is used)."""
    candidates = candidate_count(limit)
    _tune(session, candidates, supports_iterative_scan(session))
    params = {"q": query, "model": model, "uid": user_id, "candidates": candidates, "limit": limit}
    rows = session.execute(text("EXPLAIN " + DISCOVER_SQL), params).all()
    return "\n".join(row[0] for row in rows)
