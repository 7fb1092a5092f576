"""Embeddings for pool jobs: a local, dependency-free default model, written after the cards are on the board."""

from __future__ import annotations

import math
import uuid
import zlib
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Any, Protocol

from psycopg.types.json import Jsonb
from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session, sessionmaker

from app.matching.skills import tokenize
from app.transactions import retry_conflicts
from db.engine import psycopg_connection
from db.models import EMBEDDING_DIM, PoolJob

if TYPE_CHECKING:
    import numpy as np

    from app.matching.skills import SkillVocabulary

DESCRIPTION_CHARS = 4000


class Embedder(Protocol):
    """Turns texts into vectors of at most EMBEDDING_DIM dimensions."""

    model: str

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One L2-normalized row per text."""
        ...


# Function words and job-ad boilerplate: they make every posting look alike.
_STOPWORD_TEXT = """a about above across after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each either etc few for from further had has
have having he her here hers him his how i if in into is it its itself just me more most my no nor not now of off on
once only or other our ours out over own same she should so some such than that the their theirs them then there these
they this those through to too under until up upon us very via was we were what when where which while who whom why
will with within without would you your yours yourself per may might must shall also including include includes well
able ability abilities experience experienced years year work working works job jobs role roles position opportunity
opportunities team teams company candidate candidates ideal looking seeking join help new strong excellent good great
plus preferred required requirements require requires responsibilities responsible duties key skills skill knowledge
understanding familiarity proven demonstrated minimum least relevant related environment based day days week weeks
time full part across ensure provide support supporting make use using used apply applicants application applications
equal employer status regardless benefits offer offering salary competitive location remote hybrid office"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_SKILL_PREFIX = "\x1fskill:"


class HashingEmbedder:
    """Feature hashing of content words, word pairs and canonical skills: no network, no model download.

    Stop words and job-ad boilerplate are dropped; each canonical skill found through the vocabulary's aliases
    adds a strongly weighted feature, so "k8s" in a resume meets "Kubernetes" in a posting. Stable across runs
    (CRC-32 buckets, no salted hashing); the model name changes whenever the features change.
    """

    model = "local-hashing-v2"
    WORD_WEIGHT = 1.0
    PAIR_WEIGHT = 0.5
    SKILL_WEIGHT = 2.5
    _CACHE_LIMIT = 400_000

    def __init__(self, dim: int = 512, vocabulary: SkillVocabulary | None = None) -> None:
        from app.matching.skills import default_vocabulary

        self.dim = dim
        self.vocabulary = vocabulary or default_vocabulary()
        self._buckets: dict[str, int] = {}

    def _bucket(self, feature: str) -> int:
        """A signed bucket: index + 1, negated for a negative sign (0 is never used)."""
        found = self._buckets.get(feature)
        if found is None:
            # Fibonacci hashing spreads CRC-32 over 64 bits; index and sign come from different high bits.
            mixed = (zlib.crc32(feature.encode("utf-8")) * 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
            index = (mixed >> 40) % self.dim + 1
            found = index if (mixed >> 39) & 1 else -index
            if len(self._buckets) >= self._CACHE_LIMIT:
                self._buckets.clear()
            self._buckets[feature] = found
        return found

    def features(self, text_: str) -> dict[str, float]:
        """The weighted features of one text (for inspection and tests)."""
        tokens = tokenize(text_ or "")
        lowered = [t.lower() for t in tokens]
        words = [t for t in lowered if len(t) > 1 and t not in _STOPWORDS and not t.isdigit()]
        weights: dict[str, float] = {}
        for word, count in Counter(words).items():
            weights[word] = self.WORD_WEIGHT * (1.0 + math.log(count))
        for pair, count in Counter(f"{a} {b}" for a, b in pairwise(words)).items():
            weights[pair] = self.PAIR_WEIGHT * (1.0 + math.log(count))
        for skill, count in self.vocabulary.mentions(tokens, lowered).items():
            weights[_SKILL_PREFIX + skill] = self.SKILL_WEIGHT * (1.0 + math.log(count))
        return weights

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One L2-normalized row per text."""
        import numpy as np  # loaded when the first text is embedded, not at start

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text_ in enumerate(texts):
            weights = self.features(text_)
            if not weights:
                continue
            cached = list(map(self._buckets.get, weights))
            if None in cached:
                cached = [b if b is not None else self._bucket(f) for f, b in zip(weights, cached, strict=True)]
            signed = np.array(cached, dtype=np.int64)
            values = np.fromiter(weights.values(), dtype=np.float64, count=len(weights))
            vector = np.bincount(np.abs(signed) - 1, weights=np.sign(signed) * values, minlength=self.dim)
            norm = float(np.linalg.norm(vector))
            if norm > 0:
                out[row] = vector / norm
        return out


def pad(vectors: np.ndarray) -> np.ndarray:
    """Zero-pad rows to the column's 1536 dimensions (cosine distance is unchanged by padding)."""
    if vectors.shape[1] == EMBEDDING_DIM:
        return vectors
    import numpy as np

    padded = np.zeros((vectors.shape[0], EMBEDDING_DIM), dtype=np.float32)
    padded[:, : vectors.shape[1]] = vectors
    return padded


def job_text(title: str | None, company: str | None, location: str | None, description: str | None) -> str:
    """The text a job is embedded from; the column comment on job_pool.embedding names these fields."""
    parts = (title, title, company, location, (description or "")[:DESCRIPTION_CHARS])
    return "\n".join(part for part in parts if part)


SkillsFor = Callable[[str | None, str | None, Any], list[str]]


@dataclass(frozen=True, slots=True)
class _PreparedRow:
    job_id: uuid.UUID
    vector: np.ndarray
    skills: list[str]


class EmbeddingService:
    """Fills job_pool.embedding and job_pool.skills for rows without an embedding of the current model.

    Each batch is one UPDATE pass per row (embedding, model and skills together, so a row is rewritten once).
    Batches run on `writers` threads, each reading, embedding and writing its batch: the database spends most
    of the time inserting into the HNSW index, and pgvector takes concurrent inserts, so one thread's Python work
    overlaps another's writes and two writers use two cores (bench/bench_matching.py: ~1.5-2x one writer).
    """

    def __init__(
        self,
        sessions: sessionmaker[Session],
        embedder: Embedder,
        batch_size: int = 500,
        skills_for: SkillsFor | None = None,
        writers: int = 2,
    ) -> None:
        self._sessions = sessions
        self.embedder = embedder
        self.batch_size = batch_size
        self.writers = max(1, writers)
        if skills_for is None:
            from app.matching.skills import default_vocabulary

            skills_for = default_vocabulary().job_skills
        self.skills_for = skills_for

    def _stale(self) -> ColumnElement[bool]:
        return or_(PoolJob.embedding.is_(None), PoolJob.embedding_model.is_distinct_from(self.embedder.model))

    def pending_ids(self) -> list[uuid.UUID]:
        """Pool jobs with no embedding, or one written by another model than the current embedder's."""
        with self._sessions() as session:
            return list(session.scalars(select(PoolJob.id).where(self._stale()).order_by(PoolJob.id)))

    def embed_jobs(
        self,
        job_ids: Sequence[uuid.UUID] | None = None,
        *,
        on_progress: Callable[[int, int], None] | None = None,
        should_cancel: Callable[[], bool] | None = None,
    ) -> int:
        """Embed the given pool jobs (or every pending job) unless current already; returns how many were written."""
        ids = self.pending_ids() if job_ids is None else list(job_ids)
        chunks = [ids[start : start + self.batch_size] for start in range(0, len(ids), self.batch_size)]

        def embed_chunk(chunk: Sequence[uuid.UUID]) -> int | None:
            if should_cancel and should_cancel():
                return None  # skipped: cancelled before this batch started
            return self._write(self._prepare(chunk))

        done = handled = 0
        with ThreadPoolExecutor(max_workers=self.writers, thread_name_prefix="jobpool-embed") as pool:
            futures = {pool.submit(embed_chunk, chunk): len(chunk) for chunk in chunks}
            try:
                for future in as_completed(futures):
                    written = future.result()
                    if written is None:
                        continue
                    done += written
                    handled += futures[future]
                    if on_progress:
                        on_progress(handled, len(ids))
            except BaseException:
                for future in futures:
                    future.cancel()
                raise
        return done

    def _prepare(self, chunk: Sequence[uuid.UUID]) -> list[_PreparedRow]:
        with self._sessions() as session:
            rows = session.execute(
                select(
                    PoolJob.id, PoolJob.title, PoolJob.company, PoolJob.location, PoolJob.description, PoolJob.skills
                )
                .where(PoolJob.id.in_(chunk), self._stale())
                .order_by(PoolJob.id)
            ).all()
        if not rows:
            return []
        vectors = pad(self.embedder.embed([job_text(*row[1:5]) for row in rows]))
        return [_PreparedRow(row[0], vectors[i], self.skills_for(row[1], row[4], row[5])) for i, row in enumerate(rows)]

    def _write(self, prepared: list[_PreparedRow]) -> int:
        if not prepared:
            return 0
        model = self.embedder.model
        params = [(row.vector, model, Jsonb(row.skills), row.job_id, model) for row in prepared]

        def write() -> int:
            with self._sessions.begin() as session:
                raw = psycopg_connection(session.connection())
                with raw.cursor() as cursor:
                    # Rows already current (another instance embedded them meanwhile) are left alone.
                    cursor.executemany(
                        "UPDATE job_pool SET embedding = %s, embedding_model = %s, skills = %s "
                        "WHERE id = %s AND (embedding IS NULL OR embedding_model IS DISTINCT FROM %s)",
                        params,
                    )
                    return max(cursor.rowcount, 0)

        return retry_conflicts(write, attempts=3)
