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
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

from app.errors import InvalidInput, JobPoolError
from app.matching.embedding import Embedder, HashingEmbedder
from db.models import EMBEDDING_DIM

if TYPE_CHECKING:
    import numpy as np

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
        import numpy as np

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
        import numpy as np

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
        retrying = Retrying(
            retry=retry_if_exception(_transient),
            stop=stop_after_attempt(self.retries + 1),
            wait=_backoff,
            before_sleep=lambda state: log.info("embeddings request %d failed; retrying", state.attempt_number),
            reraise=True,
        )
        try:
            return retrying(self._post_once, data, headers)
        except urllib.error.HTTPError as exc:
            if exc.code in (401, 403):
                raise JobPoolError(
                    f"The embeddings service at {self.url} refused the key (HTTP {exc.code}): check {KEY_ENV}."
                ) from None
            detail = exc.read(300).decode("utf-8", "replace").strip()
            suffix = f": {detail}" if detail else "."
            raise JobPoolError(f"The embeddings service at {self.url} answered HTTP {exc.code}{suffix}") from None
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            reason = getattr(exc, "reason", exc)
            raise JobPoolError(
                f"The embeddings service at {self.url} cannot be reached ({reason}); "
                f"check {URL_ENV} or unset it to use the local model."
            ) from None
        except json.JSONDecodeError as exc:
            raise JobPoolError(f"The embeddings service at {self.url} did not answer JSON ({exc}).") from None

    def _post_once(self, data: bytes, headers: dict[str, str]) -> dict:
        request = urllib.request.Request(self.url, data=data, headers=headers, method="POST")
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            return json.loads(response.read().decode("utf-8"))


def _transient(exc: BaseException) -> bool:
    """Worth another try: a busy or failing server (429, 5xx), or no connection at all."""
    if isinstance(exc, urllib.error.HTTPError):
        return exc.code in _RETRY_STATUSES
    return isinstance(exc, urllib.error.URLError | TimeoutError | ConnectionError)


def _backoff(state: RetryCallState) -> float:
    """0.5 s, 1 s, 2 s …, or the server's Retry-After (at most 30 s) when it gave one."""
    delay = 0.5 * 2 ** (state.attempt_number - 1)
    exc = state.outcome.exception() if state.outcome else None
    retry_after = exc.headers.get("Retry-After") if isinstance(exc, urllib.error.HTTPError) else None
    if retry_after:
        with contextlib.suppress(ValueError):
            delay = min(30.0, float(retry_after))
    return delay


def embedder_from_env(environ: Mapping[str, str] | None = None, default: Embedder | None = None) -> Embedder:
    """The HTTP embedder when JOBPOOL_EMBEDDINGS_URL is set, else `default` (or a new local HashingEmbedder)."""
    env = os.environ if environ is None else environ
    url = env.get(URL_ENV, "").strip()
    if not url:
        if default is not None:
            return default
        return HashingEmbedder()
    raw_dimensions = env.get(DIMENSIONS_ENV, "").strip()
    try:
        dimensions = int(raw_dimensions) if raw_dimensions else None
    except ValueError:
        raise InvalidInput(f"{DIMENSIONS_ENV} must be a whole number, not “{raw_dimensions}”.") from None
    return OpenAICompatibleEmbedder(
        url,
        env.get(MODEL_ENV, "").strip() or DEFAULT_MODEL,
        env.get(KEY_ENV, "").strip() or None,
        dimensions=dimensions,
    )
