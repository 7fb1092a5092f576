"""The OpenAI-compatible HTTP embedder against a small local server that speaks the /embeddings API."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest
from sqlalchemy import select

from app.errors import InvalidInput, JobPoolError
from app.matching.embedding import HashingEmbedder
from app.matching.http_embedder import OpenAICompatibleEmbedder, embedder_from_env
from db.models import PoolJob
from tests.support.matching_samples import JOBS, PYTHON_RESUME

KEYWORDS = ["python", "django", "postgres", "kubernetes", "nurse", "patient", "icu", "sales", "ledger", "react"]


class FakeEmbeddings:
    """A keyword-count "model": one dimension per keyword, answering in the OpenAI response format."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.headers: list[dict] = []
        self.fail_next: list[int] = []
        self.dimensions = len(KEYWORDS)

    def vector(self, text: str) -> list[float]:
        words = text.lower()
        counts = [float(words.count(k)) for k in KEYWORDS] + [0.0] * self.dimensions
        return [*counts[: self.dimensions - 1], 0.1]  # the last dimension keeps empty texts off the zero vector


@pytest.fixture
def fake() -> Iterator[tuple[FakeEmbeddings, str]]:
    state = FakeEmbeddings()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            """Keep test output quiet."""

        def do_POST(self) -> None:
            """Answer /v1/embeddings (with scripted failures first)."""
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            state.requests.append(body)
            state.headers.append(dict(self.headers))
            if state.fail_next:
                self.send_response(state.fail_next.pop(0))
                self.send_header("Retry-After", "0")
                self.end_headers()
                self.wfile.write(b'{"error": "try later"}')
                return
            if self.path != "/v1/embeddings":
                self.send_response(404)
                self.end_headers()
                return
            data = [
                {"object": "embedding", "index": i, "embedding": state.vector(text)}
                for i, text in enumerate(body["input"])
            ]
            payload = json.dumps({"object": "list", "data": data[::-1], "model": body["model"]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state, f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def test_embeds_in_batches_in_order_with_key_and_model(fake):
    state, url = fake
    embedder = OpenAICompatibleEmbedder(url, "kw-small", "sk-test", batch_size=2, dimensions=10)
    vectors = embedder.embed(["python python", "nurse", "", "django", "icu"])
    assert vectors.shape == (5, 10)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0)
    assert np.argmax(vectors[0]) == 0 and np.argmax(vectors[1]) == 4 and np.argmax(vectors[4]) == 6
    assert [len(r["input"]) for r in state.requests] == [2, 2, 1]
    assert state.requests[1]["input"][0] == " "  # empty texts are sent as a blank, which every server accepts
    assert all(r["model"] == "kw-small" and r["dimensions"] == 10 for r in state.requests)
    assert state.headers[0]["Authorization"] == "Bearer sk-test"


def test_retries_busy_server_then_reports_refused_key(fake):
    state, url = fake
    state.fail_next = [503, 429]
    assert OpenAICompatibleEmbedder(url + "/embeddings", "m", retries=2).embed(["python"]).shape == (1, 10)
    assert len(state.requests) == 3
    state.fail_next = [401]
    with pytest.raises(JobPoolError, match=r"refused the key.*JOBPOOL_EMBEDDINGS_KEY"):
        OpenAICompatibleEmbedder(url, "m").embed(["python"])


def test_unreachable_server_and_too_many_dimensions(fake):
    state, url = fake
    with pytest.raises(JobPoolError, match="cannot be reached"):
        OpenAICompatibleEmbedder("http://127.0.0.1:9/v1", "m", retries=0, timeout=2).embed(["x"])
    state.dimensions = 2048
    with pytest.raises(InvalidInput, match="at most 1536"):
        OpenAICompatibleEmbedder(url, "big").embed(["python"])
    with pytest.raises(InvalidInput, match="http"):
        OpenAICompatibleEmbedder("ftp://example.org", "m")


def test_environment_selects_the_embedder():
    local = HashingEmbedder()
    assert embedder_from_env({}, default=local) is local
    assert isinstance(embedder_from_env({}), HashingEmbedder)
    remote = embedder_from_env(
        {
            "JOBPOOL_EMBEDDINGS_URL": "https://api.example.org/v1/",
            "JOBPOOL_EMBEDDINGS_KEY": "k",
            "JOBPOOL_EMBEDDINGS_MODEL": "text-embedding-3-small",
            "JOBPOOL_EMBEDDINGS_DIMENSIONS": "512",
        }
    )
    assert isinstance(remote, OpenAICompatibleEmbedder)
    assert (remote.url, remote.model, remote.api_key, remote.dimensions) == (
        "https://api.example.org/v1/embeddings",
        "text-embedding-3-small",
        "k",
        512,
    )
    with pytest.raises(InvalidInput, match="whole number"):
        embedder_from_env({"JOBPOOL_EMBEDDINGS_URL": "http://x", "JOBPOOL_EMBEDDINGS_DIMENSIONS": "lots"})


def test_pool_is_embedded_and_scored_with_the_http_model(ctx, fake):
    _, url = fake
    ctx.embedding.embedder = OpenAICompatibleEmbedder(url, "kw-small")
    ctx.profiles.add("Dana")
    ctx.matching.resumes.set_resume("Dana", PYTHON_RESUME)
    ctx.ingestion.run("Dana", [JOBS], source="test")
    with ctx.database.sessions() as session:
        assert set(session.scalars(select(PoolJob.embedding_model))) == {"kw-small"}
    cards = {c.title: c for c in ctx.board.cards_for(ctx.profiles.get("Dana").id)}
    assert cards["Senior Python Backend Engineer"].gap_analysis["model"] == "kw-small"
    assert cards["Senior Python Backend Engineer"].match_score > cards["Registered Nurse - ICU"].match_score
    assert ctx.matching.discovery.discover("Dana", limit=1) == []  # every job is on Dana's board
