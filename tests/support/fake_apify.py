"""A fake Apify API server speaking real HTTP on 127.0.0.1, for tests that drive the real apify-client.

Usage::

    with FakeApify() as fake:
        fake.add_actor("curious_coder/linkedin-jobs-scraper", Script(items=[...], polls_running=3))
        client = ApifyClient("token", api_url=fake.url)

Only the endpoints JobPool uses are served (start, poll, abort, dataset items); bodies follow the shapes the
client validates. Polls are answered at once whatever `waitForFinish` asks, so tests never wait on the server.
"""

from __future__ import annotations

import gzip
import json
import sys
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

FOREVER = sys.maxsize
"""A `Script.transient_errors` count that never runs out."""

TERMINAL_STATUSES = frozenset({"SUCCEEDED", "FAILED", "TIMED-OUT", "ABORTED"})
REQUEST_KINDS = frozenset({"start", "poll", "abort", "items"})
_ERROR_TYPES = {429: "rate-limit-exceeded", 500: "internal-server-error", 502: "bad-gateway", 503: "unavailable"}


@dataclass
class Script:
    """How a fake actor behaves when started.

    items: what the run writes to its dataset (capped by `fail_after`, and by the start's maxItems unless
        `honour_max_items` is off, as for actors that are not charged per result).
    polls_running: polls answered RUNNING before the run ends; items appear in equal steps across the polls.
    final_status: SUCCEEDED, FAILED, TIMED-OUT or ABORTED.
    fail_after: only the first k items are written before the run ends (use with a failing final_status).
    status_message: the run's statusMessage once it has ended.
    token: the token every request about this actor must carry, or None to accept any (even none).
    transient_errors: how many requests of each kind in `transient_on` are answered `transient_status` first.
    never_finishes: the run stays RUNNING until aborted.
    hold: while this event is not set the run stays RUNNING, so a test decides when it may end.
    refuse_start: (HTTP status, error type) answered to every start, e.g. (403, "actor-is-not-rented").
    """

    items: list[dict[str, Any]] = field(default_factory=list)
    polls_running: int = 0
    final_status: str = "SUCCEEDED"
    fail_after: int | None = None
    status_message: str | None = None
    token: str | None = None
    transient_errors: int = 0
    transient_status: int = 429
    transient_on: tuple[str, ...] = ("start",)
    never_finishes: bool = False
    hold: threading.Event | None = None
    honour_max_items: bool = True
    refuse_start: tuple[int, str] | None = None

    def __post_init__(self) -> None:
        if self.final_status not in TERMINAL_STATUSES:
            raise ValueError(f"final_status must be one of {sorted(TERMINAL_STATUSES)}")
        if not set(self.transient_on) <= REQUEST_KINDS:
            raise ValueError(f"transient_on kinds must be among {sorted(REQUEST_KINDS)}")


@dataclass(frozen=True)
class RecordedRequest:
    """One request the fake received (body already un-gzipped)."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    status: int

    def json(self) -> Any:
        """The body parsed as JSON."""
        return json.loads(self.body)


@dataclass(frozen=True)
class StartedRun:
    """A run the fake started: what it was asked and how it stands now."""

    run_id: str
    actor_id: str
    dataset_id: str
    run_input: Any
    max_items: int | None
    status: str


@dataclass
class _Actor:
    actor_id: str
    internal_id: str
    script: Script
    error_counts: dict[str, int] = field(default_factory=dict)


@dataclass
class _Run:
    run_id: str
    actor: _Actor
    dataset_id: str
    run_input: Any
    max_items: int | None
    produced: list[dict[str, Any]]
    started_at: datetime
    status: str = "RUNNING"
    polls: int = 0
    visible: int = 0
    finished_at: datetime | None = None
    status_message: str | None = "Starting the scraper"


def normalize_actor_id(actor_id: str) -> str:
    """The path form of an actor id: "user/name" becomes "user~name"."""
    return actor_id.replace("/", "~")


def _new_id() -> str:
    return uuid.uuid4().hex[:17]


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _clean_item(item: Any) -> Any:
    if isinstance(item, dict):
        return {k: v for k, v in item.items() if not str(k).startswith("#")}
    return item


class FakeApify:
    """The fake server; a context manager that serves on a free port of 127.0.0.1 while open."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._actors: dict[str, _Actor] = {}
        self._runs: dict[str, _Run] = {}
        self._datasets: dict[str, _Run] = {}
        self._requests: list[RecordedRequest] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> FakeApify:
        handler = type("FakeApifyHandler", (_Handler,), {"fake": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            # A short poll interval keeps shutdown (and so each test's teardown) quick.
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.02},
            name="fake-apify",
            daemon=True,
        )
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    @property
    def url(self) -> str:
        """Base URL to give the client as api_url (the client appends /v2)."""
        if self._server is None:
            raise RuntimeError("FakeApify is not running: use it as a context manager")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def add_actor(self, actor_id: str, script: Script | None = None) -> None:
        """Make an actor known ("user/name" or "user~name"); starting it plays `script`."""
        key = normalize_actor_id(actor_id)
        with self._lock:
            self._actors[key] = _Actor(actor_id=key, internal_id=_new_id(), script=script or Script())

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received so far, in order."""
        with self._lock:
            return list(self._requests)

    def runs_started(self, actor_id: str | None = None) -> list[StartedRun]:
        """Runs started so far, of one actor or of all."""
        key = None if actor_id is None else normalize_actor_id(actor_id)
        with self._lock:
            return [self._snapshot(run) for run in self._runs.values() if key is None or run.actor.actor_id == key]

    def run_inputs(self, actor_id: str) -> list[Any]:
        """The inputs the runs of an actor were started with."""
        return [run.run_input for run in self.runs_started(actor_id)]

    def aborted_run_ids(self) -> list[str]:
        """Ids of runs that received an abort request."""
        return [
            req.path.split("/")[3]
            for req in self.requests
            if req.method == "POST" and req.path.endswith("/abort") and req.status == 200
        ]

    def wait_for_runs(self, actor_id: str, count: int = 1, timeout: float = 5.0) -> bool:
        """Block until an actor has at least `count` runs started; False on timeout."""
        key = normalize_actor_id(actor_id)
        with self._changed:
            return self._changed.wait_for(
                lambda: sum(run.actor.actor_id == key for run in self._runs.values()) >= count, timeout=timeout
            )

    # --- request handling, called from the server threads -------------------------------------------------

    def _snapshot(self, run: _Run) -> StartedRun:
        return StartedRun(run.run_id, run.actor.actor_id, run.dataset_id, run.run_input, run.max_items, run.status)

    def _handle(self, method: str, path: str, query: dict[str, str], headers: dict[str, str], body: bytes):
        """Answer one request: (status, JSON-able payload, extra headers)."""
        parts = [unquote(p) for p in path.strip("/").split("/")]
        with self._changed:
            if len(parts) >= 2 and parts[0] == "v2":
                answer = self._route(method, parts[1:], query, headers, body)
            else:
                answer = _error(404, "page-not-found", f"The path {path} does not exist")
            self._requests.append(RecordedRequest(method, path, query, headers, body, answer[0]))
            self._changed.notify_all()
            return answer

    def _route(self, method: str, parts: list[str], query: dict[str, str], headers: dict[str, str], body: bytes):
        match method, parts:
            case "POST", [("actors" | "acts"), actor_id, "runs"]:
                actor = self._actors.get(normalize_actor_id(actor_id))
                if actor is None:
                    return _error(404, "record-not-found", "Actor was not found")
                return self._guarded(actor, "start", headers) or self._start(actor, query, headers, body)
            case "GET", ["actor-runs", run_id]:
                run = self._runs.get(run_id)
                if run is None:
                    return _error(404, "record-not-found", "Actor run was not found")
                return self._guarded(run.actor, "poll", headers) or (200, {"data": self._poll(run)}, {})
            case "POST", ["actor-runs", run_id, "abort"]:
                run = self._runs.get(run_id)
                if run is None:
                    return _error(404, "record-not-found", "Actor run was not found")
                return self._guarded(run.actor, "abort", headers) or (200, {"data": self._abort(run)}, {})
            case "GET", ["datasets", dataset_id, "items"]:
                run = self._datasets.get(dataset_id)
                if run is None:
                    return _error(404, "record-not-found", "Dataset was not found")
                return self._guarded(run.actor, "items", headers) or self._items(run, query)
        return _error(404, "page-not-found", "This endpoint is not served by the fake Apify server")

    def _guarded(self, actor: _Actor, kind: str, headers: dict[str, str]):
        script = actor.script
        if script.token is not None and headers.get("authorization") != f"Bearer {script.token}":
            return _error(401, "token-not-valid", "Authentication token is not valid.")
        if kind in script.transient_on:
            seen = actor.error_counts.get(kind, 0)
            if seen < script.transient_errors:
                actor.error_counts[kind] = seen + 1
                status = script.transient_status
                return _error(status, _ERROR_TYPES.get(status, "server-error"), f"Transient error {status}")
        return None

    def _start(self, actor: _Actor, query: dict[str, str], headers: dict[str, str], body: bytes):
        if actor.script.refuse_start is not None:
            status, error_type = actor.script.refuse_start
            return _error(status, error_type, f"The run was refused ({error_type})")
        try:
            run_input = json.loads(body) if body else None
        except ValueError:
            return _error(400, "invalid-input", "Input is not valid JSON")
        max_items = int(query["maxItems"]) if query.get("maxItems") else None
        produced = list(actor.script.items)
        if actor.script.fail_after is not None:
            produced = produced[: actor.script.fail_after]
        if max_items is not None and actor.script.honour_max_items:
            produced = produced[:max_items]
        run = _Run(
            run_id=_new_id(),
            actor=actor,
            dataset_id=_new_id(),
            run_input=run_input,
            max_items=max_items,
            produced=produced,
            started_at=datetime.now(UTC),
        )
        self._runs[run.run_id] = run
        self._datasets[run.dataset_id] = run
        return 201, {"data": self._run_body(run)}, {}

    def _poll(self, run: _Run) -> dict[str, Any]:
        if run.status in TERMINAL_STATUSES:
            return self._run_body(run)
        script = run.actor.script
        run.polls += 1
        steps = script.polls_running + 1
        run.visible = len(run.produced) * min(run.polls, steps) // steps
        run.status_message = f"Scraped {run.visible} jobs"
        held = script.never_finishes or (script.hold is not None and not script.hold.is_set())
        if run.polls >= steps and not held:
            run.visible = len(run.produced)
            self._finish(run, script.final_status, script.status_message)
        return self._run_body(run)

    def _abort(self, run: _Run) -> dict[str, Any]:
        if run.status not in TERMINAL_STATUSES:
            self._finish(run, "ABORTED", "Aborted by the user")
        return self._run_body(run)

    def _finish(self, run: _Run, status: str, message: str | None) -> None:
        run.status = status
        run.finished_at = datetime.now(UTC)
        default = {"SUCCEEDED": "Finished", "FAILED": "The Actor process failed", "TIMED-OUT": "Timed out"}
        run.status_message = message or default.get(status, status.capitalize())

    def _items(self, run: _Run, query: dict[str, str]):
        offset = int(query.get("offset") or 0)
        limit = int(query["limit"]) if query.get("limit") else None
        clean = query.get("clean") == "true" or (query.get("skipEmpty") == "true")
        window = run.produced[: run.visible][offset : None if limit is None else offset + limit]
        items = [_clean_item(i) for i in window if i] if clean else list(window)
        pagination = {
            "X-Apify-Pagination-Total": str(run.visible),
            "X-Apify-Pagination-Offset": str(offset),
            # Like the real API, the count is of rows scanned, which `clean` can leave above the items returned.
            "X-Apify-Pagination-Count": str(len(window)),
            "X-Apify-Pagination-Limit": str(999_999_999_999 if limit is None else limit),
            "X-Apify-Pagination-Desc": "false",
        }
        return 200, items, pagination

    def _run_body(self, run: _Run) -> dict[str, Any]:
        terminal = run.status in TERMINAL_STATUSES
        return {
            "id": run.run_id,
            "actId": run.actor.internal_id,
            "userId": "fakeUser000000001",
            "actorTaskId": None,
            "startedAt": _iso(run.started_at),
            "finishedAt": _iso(run.finished_at),
            "status": run.status,
            "statusMessage": run.status_message,
            "isStatusMessageTerminal": terminal,
            "meta": {"origin": "API", "userAgent": "fake-apify"},
            "stats": {"inputBodyLen": 0, "restartCount": 0, "resurrectCount": 0, "computeUnits": 0.0},
            "options": {
                "build": "latest",
                "timeoutSecs": 3600,
                "memoryMbytes": 1024,
                "diskMbytes": 2048,
                "maxItems": run.max_items,
            },
            "buildId": "fakeBuild00000001",
            "buildNumber": "0.1.1",
            "exitCode": (0 if run.status == "SUCCEEDED" else 1) if terminal else None,
            "defaultKeyValueStoreId": f"kvs{run.run_id[:14]}",
            "defaultDatasetId": run.dataset_id,
            "defaultRequestQueueId": f"rq{run.run_id[:15]}",
            "usageTotalUsd": 0.0,
        }


def _error(status: int, error_type: str, message: str):
    return status, {"error": {"type": error_type, "message": message}}, {}


class _Handler(BaseHTTPRequestHandler):
    """Reads a request, lets the FakeApify answer it, writes the JSON reply."""

    fake: FakeApify
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        """Serve a GET."""
        self._serve("GET")

    def do_POST(self) -> None:
        """Serve a POST."""
        self._serve("POST")

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            body = b"".join(chunks)
        else:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if (self.headers.get("Content-Encoding") or "").lower() == "gzip":
            body = gzip.decompress(body)
        return body

    def _serve(self, method: str) -> None:
        url = urlsplit(self.path)
        query = dict(parse_qsl(url.query, keep_blank_values=True))
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, payload, extra_headers = self.fake._handle(method, url.path, query, headers, self._read_body())
        data = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in extra_headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)
