"""Errors raised by the data layer; the service layer turns them into user messages."""

from __future__ import annotations


class DatabaseStartError(Exception):
    """The database could not be started or reached; the message says what to do."""
