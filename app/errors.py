"""Domain errors: each carries a message a user can read and act on."""

from __future__ import annotations


class JobPoolError(Exception):
    """Base of every error JobPool reports to a user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class DatabaseUnavailable(JobPoolError):
    """The database cannot be reached or started."""


class SchemaError(JobPoolError):
    """The database holds a schema this version cannot use as it is."""


class NotFound(JobPoolError):
    """A profile, card or job that was asked for does not exist."""


class InvalidInput(JobPoolError):
    """A value given by the user cannot be used."""


class ProfileExists(InvalidInput):
    """A profile with that name exists already."""


class WriteFailed(JobPoolError):
    """A write did not go through; the database is as it was before."""


class IngestionCancelled(JobPoolError):
    """The user cancelled an ingestion; what was already stored stays."""

    def __init__(self, message: str = "Cancelled by the user.") -> None:
        super().__init__(message)


class DatasetFormatError(InvalidInput):
    """A file is not a dataset export JobPool can read."""


class ApifyError(JobPoolError):
    """Apify could not run the scraper; the message says what to do about it."""


class MissingToken(ApifyError):
    """No Apify token is configured."""

    def __init__(self, message: str = "No Apify token: set APIFY_TOKEN or enter a token in Settings.") -> None:
        super().__init__(message)


class ApifyAuthError(ApifyError):
    """Apify refused the token (HTTP 401 or 403)."""

    def __init__(self, message: str = "Apify rejected the token: check it in Settings or APIFY_TOKEN.") -> None:
        super().__init__(message)


class ApifyNotFound(ApifyError):
    """The actor (or one of its runs or datasets) does not exist for this account."""


class ApifyRateLimited(ApifyError):
    """Apify kept answering HTTP 429 after the client's retries."""


class ApifyUnavailable(ApifyError):
    """Apify cannot be reached, or kept failing with server errors after the client's retries."""


class ApifyRunFailed(ApifyError):
    """The actor run ended FAILED, TIMED-OUT or ABORTED; items received before that were handed over."""

    def __init__(self, status: str, status_message: str | None = None, run_id: str | None = None) -> None:
        self.status = status
        self.status_message = status_message
        self.run_id = run_id
        run = f"The Apify run {run_id}" if run_id else "The Apify run"
        detail = f": {status_message}" if status_message else ""
        super().__init__(
            f"{run} ended {status}{detail}. Items received before it ended were kept; "
            "see the run's log in the Apify console, then try again."
        )


class PageUnavailable(JobPoolError):
    """A job page could not be fetched (refused address, timeout, too large, not a web page)."""


class TeamError(JobPoolError):
    """A team command that cannot be done (unknown member, bad name, database not prepared)."""


def cut_by_interrupt(exc: BaseException | None) -> bool:
    """Whether an exception is a Ctrl-C, or was raised while one was being handled.

    A Ctrl-C that lands while psycopg runs a statement leaves the connection busy; closing the transaction then
    fails, and that error replaces the KeyboardInterrupt, which stays only in its context.
    """
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, KeyboardInterrupt):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False
