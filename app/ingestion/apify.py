"""Apify as an ingestion source: start an actor, poll it, and hand over dataset pages while the actor still runs.

Everything the client or its transport can raise is translated here into app.errors; the token never appears in
a message, a log line or an exception chain.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import impit

if TYPE_CHECKING:
    from apify_client import ApifyClient
    from apify_client.errors import ApifyApiError

from app.errors import (
    ApifyAuthError,
    ApifyError,
    ApifyNotFound,
    ApifyRateLimited,
    ApifyRunFailed,
    ApifyUnavailable,
    IngestionCancelled,
    MissingToken,
)
from app.ingestion.apify_presets import (
    PRESETS,
    ActorPreset,
    build_run_input,
    criteria_dict,
    criteria_key,
    resolve_actor,
)

__all__ = [
    "PRESETS",
    "ActorPreset",
    "ApifyProgress",
    "ApifySource",
    "build_run_input",
    "criteria_dict",
    "criteria_key",
    "resolve_actor",
]

DEFAULT_API_URL = "https://api.apify.com"
TERMINAL_STATUSES = frozenset({"SUCCEEDED", "FAILED", "TIMED-OUT", "ABORTED"})
FAILED_STATUSES = frozenset({"FAILED", "TIMED-OUT", "ABORTED"})
_CANCEL_CHECK_SECONDS = 0.2  # how often a waiting poll loop looks at should_cancel


@dataclass(frozen=True, slots=True)
class ApifyProgress:
    """Where an actor run stands: its Apify status and how many items have been handed over so far."""

    apify_run_id: str
    dataset_id: str
    status: str
    items: int
    status_message: str | None = None

    @property
    def finished(self) -> bool:
        """True once Apify reports a terminal status."""
        return self.status in TERMINAL_STATUSES


class ApifySource:
    """Runs Apify actors through the synchronous apify-client (call it off the GUI thread)."""

    def __init__(
        self,
        token: str | None,
        api_url: str | None = None,
        *,
        poll_interval: float = 2.0,
        page_size: int = 1000,
        max_retries: int = 4,
        min_delay_between_retries: timedelta = timedelta(milliseconds=500),
        request_timeout: timedelta | None = None,
    ) -> None:
        self._token = (token or "").strip() or None
        self.api_url = (api_url or "").strip().rstrip("/") or DEFAULT_API_URL
        self.poll_interval = poll_interval
        self.page_size = page_size
        self.max_retries = max_retries
        self._min_delay = min_delay_between_retries
        self._request_timeout = request_timeout

    def __repr__(self) -> str:
        token = "set" if self._token else "missing"
        return f"ApifySource(api_url={self.api_url!r}, token={token})"

    @property
    def has_token(self) -> bool:
        """Whether a token was configured."""
        return self._token is not None

    @property
    def api_host(self) -> str:
        """host[:port] of the API URL, as named in messages."""
        parts = urlsplit(self.api_url if "://" in self.api_url else f"https://{self.api_url}")
        return parts.netloc.rpartition("@")[2] or self.api_url

    def run(
        self,
        preset: ActorPreset,
        run_input: dict[str, Any],
        *,
        max_items: int | None = None,
        on_progress: Callable[[ApifyProgress], None] | None = None,
        should_cancel: Callable[[], bool] | None = None,
        on_started: Callable[[str, str], None] | None = None,
    ) -> Iterator[list[dict[str, Any]]]:
        """Start the actor and yield its dataset items page by page as they arrive; errors come while iterating.

        Items are passed on as Apify returns them (objects, normally; anything else is left to the normalizer).
        Raises MissingToken, ApifyAuthError, ApifyNotFound, ApifyRateLimited, ApifyUnavailable, ApifyRunFailed
        (after yielding the items the run produced) and IngestionCancelled (after aborting the run). Once max_items
        items have been handed over a still running run is aborted, as nothing more would be read. If the caller
        stops iterating early (or a callback raises), the run is aborted too, so it does not keep costing money.
        """
        if self._token is None:
            raise MissingToken()
        client = self._client()
        with self._translated(preset):
            run = client.actor(preset.actor_id).start(run_input=run_input, max_items=max_items)
        run_id, dataset_id = run.id, run.default_dataset_id
        run_client, dataset_client = client.run(run_id), client.dataset(dataset_id)
        status, message, offset, handed_over = run.status, run.status_message, 0, 0
        settled = False  # nothing left to stop: the run ended, we aborted it, or Apify cannot be reached anyway

        def report() -> None:
            if on_progress is not None:
                on_progress(ApifyProgress(run_id, dataset_id, status, handed_over, message))

        def cancel_if_asked() -> None:
            nonlocal settled
            if should_cancel is not None and should_cancel():
                settled = True
                raise IngestionCancelled(self._abort_for_cancel(run_client, run_id, status))

        try:
            if on_started is not None:
                on_started(run_id, dataset_id)
            report()
            while True:
                cancel_if_asked()
                ended = status in TERMINAL_STATUSES  # seen before draining: a finished run's dataset is complete
                while max_items is None or handed_over < max_items:
                    with self._translated(None):
                        page = dataset_client.list_items(offset=offset, limit=self.page_size, clean=True)
                    # Apify counts rows scanned, which `clean` can leave above the items returned.
                    offset += max(page.count, len(page.items))
                    # Passed on as Apify returns them: a malformed item is the normalizer's to reject, with a reason.
                    items = page.items if max_items is None else page.items[: max_items - handed_over]
                    if items:
                        handed_over += len(items)
                        yield items
                        report()
                    if page.count == 0 or offset >= page.total:
                        break
                    cancel_if_asked()
                if ended:
                    settled = True
                    if status in FAILED_STATUSES:
                        raise ApifyRunFailed(status, self._mask(message), run_id)
                    return
                if max_items is not None and handed_over >= max_items:
                    settled = True
                    status = self._abort_quietly(run_client) or status
                    report()
                    return
                self._wait(should_cancel)
                cancel_if_asked()
                with self._translated(None):
                    polled = run_client.get()
                if polled is None:
                    raise ApifyNotFound(f"The Apify run {run_id} no longer exists: start the search again.")
                status, message = polled.status, polled.status_message
                report()
        except ApifyError:
            settled = True  # an abort would go through the same failing API and only delay the message
            raise
        finally:
            if not settled and status not in TERMINAL_STATUSES:
                self._abort_quietly(run_client)

    # --- helpers -----------------------------------------------------------------------------------------

    def _client(self) -> ApifyClient:
        # Imported on first use: apify-client's models cost 0.2-0.7 s of every start of the window and the CLI.
        from apify_client import ApifyClient

        timeouts: dict[str, Any] = {}
        if self._request_timeout is not None:
            timeouts = {f"timeout_{tier}": self._request_timeout for tier in ("short", "medium", "long")}
        return ApifyClient(
            self._token,
            api_url=self.api_url,
            max_retries=self.max_retries,
            min_delay_between_retries=self._min_delay,
            **timeouts,
        )

    def _wait(self, should_cancel: Callable[[], bool] | None) -> None:
        """Sleep one poll interval, in slices so a cancel is noticed quickly."""
        deadline = time.monotonic() + self.poll_interval
        while (remaining := deadline - time.monotonic()) > 0:
            if should_cancel is not None and should_cancel():
                return
            time.sleep(min(remaining, _CANCEL_CHECK_SECONDS))

    def _abort_quietly(self, run_client: Any) -> str | None:
        """Abort a run on a best-effort basis; the new status, or None when the abort did not go through."""
        try:
            with self._translated(None):
                return run_client.abort().status
        except ApifyError:
            return None

    def _abort_for_cancel(self, run_client: Any, run_id: str, status: str) -> str:
        """Abort the run for a user's cancel; the message tells whether Apify stopped it."""
        if status in TERMINAL_STATUSES:
            return f"Ingestion cancelled; the Apify run {run_id} had already ended {status}."
        try:
            with self._translated(None):
                run_client.abort()
        except ApifyError as exc:
            return (
                f"Ingestion cancelled, but the Apify run {run_id} could not be aborted ({exc.message}); "
                "stop it in the Apify console."
            )
        return f"Ingestion cancelled; the Apify run {run_id} was aborted."

    def _mask(self, text: str | None) -> str | None:
        if text is None or self._token is None:
            return text
        return text.replace(self._token, "***")

    @contextmanager
    def _translated(self, preset: ActorPreset | None) -> Iterator[None]:
        """Turn apify-client and transport errors into app.errors, with the token masked and no raw cause.

        `preset` names the actor a call concerns (the start); None for calls about a run already started.
        """
        from apify_client.errors import ApifyApiError, ApifyClientError

        try:
            yield
        except ApifyError:
            raise
        except ApifyApiError as exc:
            raise self._api_error(exc, preset) from None
        except (impit.HTTPError, TimeoutError, OSError) as exc:
            reason = _network_reason(exc)
            raise ApifyUnavailable(
                f"Cannot reach Apify at {self.api_host}: {reason}. Check the network and the "
                "API URL in Settings, then try again."
            ) from None
        except (ApifyClientError, ValueError, KeyError) as exc:
            detail = self._mask(str(exc)) or type(exc).__name__
            raise ApifyUnavailable(
                f"Apify at {self.api_host} gave an answer JobPool cannot read ({detail[:200]}); try again later."
            ) from None

    def _api_error(self, exc: ApifyApiError, preset: ActorPreset | None) -> ApifyError:
        from apify_client.errors import ForbiddenError, NotFoundError, RateLimitError, ServerError, UnauthorizedError

        detail = self._mask(exc.message) or ""
        actor = preset.actor_id if preset is not None else "the actor"
        error_type = (exc.type or "").lower()
        if exc.status_code == 402:
            return ApifyError(
                f"Apify refused to start {actor}: the account is out of credit (HTTP 402). Add credit or change "
                "the plan in the Apify Console, then try again."
            )
        if isinstance(exc, ForbiddenError) and ("rent" in error_type or "rent" in detail.lower()):
            return ApifyNotFound(
                f"Apify actor {actor} not found, or not rented by this account: rent it in the Apify Store "
                "or pick another actor."
            )
        if isinstance(exc, (UnauthorizedError, ForbiddenError)):
            return ApifyAuthError()
        if isinstance(exc, NotFoundError) and preset is None:
            return ApifyNotFound("The Apify run or its dataset no longer exists: start the search again.")
        if isinstance(exc, NotFoundError):
            return ApifyNotFound(
                f"Apify actor {actor} not found, or not rented by this account: check the actor id "
                "(username/actor-name) or rent it in the Apify Store."
            )
        retries = f"after {self.max_retries} retries" if self.max_retries else "(retries are off)"
        if isinstance(exc, RateLimitError):
            return ApifyRateLimited(
                f"Apify at {self.api_host} is rate limiting this account (HTTP 429) {retries}: "
                "wait a minute and try again."
            )
        if isinstance(exc, ServerError):
            return ApifyUnavailable(
                f"Apify at {self.api_host} keeps failing with HTTP {exc.status_code} {retries}: try again later."
            )
        return ApifyError(
            f"Apify refused the request for {actor} (HTTP {exc.status_code}: {detail[:200]}): "
            "check the actor id and its input template."
        )


_NETWORK_REASONS = (
    (re.compile(r"connection ?refused", re.IGNORECASE), "connection refused"),
    (re.compile(r"timed? ?out|timeout", re.IGNORECASE), "no answer in time"),
    (re.compile(r"dns|resolve|name or service|no such host|nodename", re.IGNORECASE), "host name not found"),
    (re.compile(r"certificate|tls|ssl", re.IGNORECASE), "secure connection failed (TLS certificate)"),
    (re.compile(r"proxy", re.IGNORECASE), "the proxy refused the connection"),
    (re.compile(r"connection reset|broken pipe", re.IGNORECASE), "connection dropped"),
    (re.compile(r"unreachable", re.IGNORECASE), "network unreachable"),
)


def _network_reason(exc: BaseException) -> str:
    """A short human reason for a transport failure (impit messages are multi-line Rust debug dumps)."""
    if isinstance(exc, (TimeoutError, impit.TimeoutException)):
        return "no answer in time"
    text = str(exc)
    for pattern, reason in _NETWORK_REASONS:
        if pattern.search(text):
            return reason
    return "network error"
