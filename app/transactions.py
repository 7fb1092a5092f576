"""Retrying a transaction that PostgreSQL aborted to break a deadlock or a serialization conflict."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

import psycopg.errors as pg_errors
from sqlalchemy.exc import OperationalError
from tenacity import RetryCallState, retry_if_exception, stop_after_attempt, wait_exponential
from tenacity import Retrying as _Retrying

log = logging.getLogger(__name__)

T = TypeVar("T")
RETRYABLE = (pg_errors.DeadlockDetected, pg_errors.SerializationFailure)


def is_retryable(exc: BaseException) -> bool:
    """A deadlock (40P01) or serialization failure (40001), through SQLAlchemy or straight from the driver."""
    if isinstance(exc, OperationalError):
        return isinstance(exc.orig, RETRYABLE)
    return isinstance(exc, RETRYABLE)


def _log_retry(state: RetryCallState) -> None:
    exc = state.outcome.exception() if state.outcome else None
    cause = exc.orig if isinstance(exc, OperationalError) else exc
    log.info("retrying a transaction after %s (attempt %d)", type(cause).__name__, state.attempt_number)


def retry_conflicts(fn: Callable[[], T], attempts: int = 5) -> T:
    """Run fn (one whole transaction) again when PostgreSQL aborted it for a deadlock or serialization failure."""
    retrying = _Retrying(
        retry=retry_if_exception(is_retryable),
        stop=stop_after_attempt(attempts),
        wait=wait_exponential(multiplier=0.05, max=1.0),
        before_sleep=_log_retry,
        reraise=True,
    )
    return retrying(fn)
