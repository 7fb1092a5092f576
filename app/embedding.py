"""Embeddings for pool jobs: a local, dependency-free default model, written after the cards are on the board."""

from __future__ import annotations

import hashlib
import re
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from itertools import pairwise
from typing import Protocol

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from db.models import EMBEDDING_DIM, PoolJob

_TOKEN = re.compile(r"[a-z0-9][a-z0-9+#.\-]*[a-z0-9+#]|[a-z0-9]", re.IGNORECASE)
DESCRIPTION_CHARS = 4000


class Embedder(Protocol):
    """Turns texts into vectors of at most EMBEDDING_DIM dimensions."""

    model: str

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One L2-normalized row per text."""
        ...


class HashingEmbedder:
    """Feature hashing of words and word pairs: no network, no model download, stable across runs."""

    model = "local-hashing-v1"

    def __init__(self, dim: int = 512) -> None:
        self.dim = dim

    def _bucket(self, token: str) -> tuple[int, float]:
        digest = hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest()
        value = int.from_bytes(digest, "little")
        return value % self.dim, (1.0 if value >> 63 else -1.0)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One L2-normalized row per text (log term frequency, signed hashing)."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text_ in enumerate(texts):
            words = [w.lower() for w in _TOKEN.findall(text_ or "")]
            features = Counter(words)
            features.update(f"{a} {b}" for a, b in pairwise(words))
            for token, count in features.items():
                index, sign = self._bucket(token)
                out[row, index] += sign * (1.0 + np.log(count))
            norm = float(np.linalg.norm(out[row]))
            if norm > 0:
                out[row] /= norm
        return out


def pad(vectors: np.ndarray) -> np.ndarray:
    """Zero-pad rows to the column's 1536 dimensions (cosine distance is unchanged by padding)."""
    if vectors.shape[1] == EMBEDDING_DIM:
        return vectors
    padded = np.zeros((vectors.shape[0], EMBEDDING_DIM), dtype=np.float32)
    padded[:, : vectors.shape[1]] = vectors
    return padded


def job_text(title: str | None, company: str | None, location: str | None, description: str | None) -> str:
    """The text a job is embedded from; the column comment on job_pool.embedding names these fields."""
    parts = (title, title, company, location, (description or "")[:DESCRIPTION_CHARS])
    return "\n".join(part for part in parts if part)


class EmbeddingService:
    """Fills job_pool.embedding for rows that have none, in small transactions."""

    def __init__(self, sessions: sessionmaker[Session], embedder: Embedder, batch_size: int = 500) -> None:
        self._sessions = sessions
        self.embedder = embedder
        self.batch_size = batch_size

    def embed_jobs(
        self,
        job_ids: Sequence[uuid.UUID] | None = None,
        *,
        on_progress: Callable[[int, int], None] | None = None,
        should_cancel: Callable[[], bool] | None = None,
    ) -> int:
        """Embed the given pool jobs (or every job without an embedding); returns how many were written."""
        if job_ids is None:
            with self._sessions() as session:
                job_ids = list(session.scalars(select(PoolJob.id).where(PoolJob.embedding.is_(None))))
        ids = list(job_ids)
        done = 0
        for start in range(0, len(ids), self.batch_size):
            if should_cancel and should_cancel():
                break
            chunk = ids[start : start + self.batch_size]
            with self._sessions.begin() as session:
                rows = session.execute(
                    select(PoolJob.id, PoolJob.title, PoolJob.company, PoolJob.location, PoolJob.description)
                    .where(PoolJob.id.in_(chunk), PoolJob.embedding.is_(None))
                    .order_by(PoolJob.id)
                    .with_for_update(skip_locked=True)
                ).all()
                if rows:
                    vectors = pad(self.embedder.embed([job_text(*row[1:]) for row in rows]))
                    raw = session.connection().connection.driver_connection
                    with raw.cursor() as cursor:
                        cursor.executemany(
                            "UPDATE job_pool SET embedding = %s, embedding_model = %s WHERE id = %s",
                            [(vectors[i], self.embedder.model, row[0]) for i, row in enumerate(rows)],
                        )
                done += len(rows)
            if on_progress:
                on_progress(min(start + len(chunk), len(ids)), len(ids))
        return done
