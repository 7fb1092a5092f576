"""An optional embedder over any OpenAI-compatible /embeddings endpoint, configured by environment variables.

JOBPOOL_EMBEDDINGS_URL    base URL of the API ("https://api.openai.com/v1", "http://localhost:11434/v1") or the
                          full .../embeddings URL; when unset, the local HashingEmbedder is used
JOBPOOL_EMBEDDINGS_KEY    API key sent as "Authorization: Bearer ..." (optional for local servers)
JOBPOOL_EMBEDDINGS_MODEL  model name (default text-embedding-3-small); recorded in job_pool.embedding_model
JOBPOOL_EMBEDDINGS_DIMENSIONS  optional "dimensions" request field, for models that can shorten their vectors

Vectors longer than 1536 dimensions cannot be stored (job_pool.embedding is vector(1536)); shorter ones are
zero-padded by the caller. Standard library only (urllib), so the default install needs nothing more.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence

import numpy as np

from app.errors import InvalidInput, JobPoolError
from db.models import EMBEDDING_DIM

log = logging.getLogger(__name__)

URL_ENV = "JOBPOOL_EMBEDDINGS_URL"
KEY_ENV = "JOBPOOL_EMBEDDINGS_KEY"
MODEL_ENV = "JOBPOOL_EMBEDDINGS_MODEL"
DIMENSIONS_ENV = "JOBPOOL_EMBEDDINGS_DIMENSIONS"
DEFAULT_MODEL = "text-embedding-3-small"
_RETRY_STATUSES = (429, 500, 502, 503, 504)


class OpenAICompatibleEmbedder:
    """Embeds texts by POSTing batches to an OpenAI-compatible embeddings endpoint."""

    def __init__(
        self,
        url: str,
        model: str = DEFAULT_MODEL,
        api_key: str | None = None,
        *,
        dimensions: int | None = None,
        batch_size: int = 64,
        timeout: float = 30.0,
        retries: int = 3,
    ) -> None:
        base = url.strip().rstrip("/")
        if not base.startswith(("http://", "https://")):
            raise InvalidInput(f"{URL_ENV} must be an http:// or https:// URL, not “{url}”.")
        self.url = base if base.endswith("/embeddings") else base + "/embeddings"
        self.model = model
        self.api_key = api_key or None
        self.dimensions = dimensions
        self.batch_size = batch_size
        self.timeout = timeout
        self.retries = retries

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One L2-normalized row per text, in order."""
        rows: list[np.ndarray] = []
        for start in range(0, len(texts), self.batch_size):
            batch = [t if t and t.strip() else " " for t in texts[start : start + self.batch_size]]
            rows.extend(self._embed_batch(batch))
        if not rows:
            return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
        out = np.vstack(rows).astype(np.float32)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return np.divide(out, norms, out=np.zeros_like(out), where=norms > 0)

    def _embed_batch(self, batch: list[str]) -> list[np.ndarray]:
        payload: dict[str, object] = {"model": self.model, "input": batch}
        if self.dimensions:
            payload["dimensions"] = self.dimensions
        body = self._post(json.dumps(payload).encode("utf-8"))
        try:
            items = sorted(body["data"], key=lambda item: item.get("index", 0))
            vectors = [np.asarray(item["embedding"], dtype=np.float32) for item in items]
        except (KeyError, TypeError, ValueError) as exc:
            raise JobPoolError(f"The embeddings service at {self.url} answered in an unknown format ({exc}).") from exc
        if len(vectors) != len(batch) or any(v.ndim != 1 or v.size == 0 for v in vectors):
            raise JobPoolError(
                f"The embeddings service at {self.url} returned {len(vectors)} vectors for {len(batch)} texts."
            )
        size = vectors[0].size
        if size > EMBEDDING_DIM:
            raise InvalidInput(
                f"The model “{self.model}” returns {size} dimensions; JobPool stores at most {EMBEDDING_DIM}. "
                f"Choose a smaller model or set {DIMENSIONS_ENV}={EMBEDDING_DIM} if the model supports it."
            )
        return vectors

    def _post(self, data: bytes) -> dict:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        for attempt in range(self.retries + 1):
            request = urllib.request.Request(self.url, data=data, headers=headers, method="POST")
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    return json.loads(response.read().decode("utf-8"))
            except urllib.error.HTTPError as exc:
                if exc.code in (401, 403):
                    raise JobPoolError(
                        f"The embeddings service at {self.url} refused the key (HTTP {exc.code}): check {KEY_ENV}."
                    ) from None
                if exc.code in _RETRY_STATUSES and attempt < self.retries:
                    self._wait(attempt, exc.headers.get("Retry-After"))
                    continue
                detail = exc.read(300).decode("utf-8", "replace").strip()
                suffix = f": {detail}" if detail else "."
                raise JobPoolError(f"The embeddings service at {self.url} answered HTTP {exc.code}{suffix}") from None
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                if attempt < self.retries:
                    self._wait(attempt, None)
                    continue
                reason = getattr(exc, "reason", exc)
                raise JobPoolError(
                    f"The embeddings service at {self.url} cannot be reached ({reason}); "
                    f"check {URL_ENV} or unset it to use the local model."
                ) from None
            except json.JSONDecodeError as exc:
                raise JobPoolError(f"The embeddings service at {self.url} did not answer JSON ({exc}).") from None
        raise JobPoolError(f"The embeddings service at {self.url} kept failing.")  # pragma: no cover

    @staticmethod
    def _wait(attempt: int, retry_after: str | None) -> None:
        delay = 0.5 * 2**attempt
        if retry_after:
            with contextlib.suppress(ValueError):
                delay = min(30.0, float(retry_after))
        log.info("embeddings request failed, retrying in %.1fs", delay)
        time.sleep(delay)


def embedder_from_env(environ: Mapping[str, str] | None = None, default: object | None = None) -> object:
    """The HTTP embedder when JOBPOOL_EMBEDDINGS_URL is set, else `default` (or a new local HashingEmbedder)."""
    env = os.environ if environ is None else environ
    url = env.get(URL_ENV, "").strip()
    if not url:
        if default is not None:
            return default
        from app.matching.embedding import HashingEmbedder

        return HashingEmbedder()
    raw_dimensions = env.get(DIMENSIONS_ENV, "").strip()
    try:
        dimensions = int(raw_dimensions) if raw_dimensions else None
    except ValueError:
        raise InvalidInput(f"{DIMENSIONS_ENV} must be a whole number, not “{raw_dimensions}”.") from None
    return OpenAICompatibleEmbedder(
        url, env.get(MODEL_ENV, "").strip() or DEFAULT_MODEL, env.get(KEY_ENV, "").strip() or None,
        dimensions=dimensions,
    )
