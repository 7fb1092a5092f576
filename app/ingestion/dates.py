"""Posting dates as scrapers write them: ISO, day-first or month-first numbers, Excel serials, epochs, ages.

Whether "05-03-2026" is 5 March or May 3 is decided once per file from the values that can only be read one way
(a 13-31 in first place means day-first); relative ages ("10 days ago") are counted from when the item was scraped.
python-dateutil reads the textual forms ("Mar 5, 2026", "5 mars 2026" is left alone) once the order is known.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from dateutil import parser as date_parser

_NUMERIC_DATE = re.compile(r"^\s*(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})(?:[ T].*)?$")
_NUMERIC = re.compile(r"^\s*-?\d+(?:\.\d+)?\s*$")
_RELATIVE_AGE = re.compile(
    r"\b(\d+|an?|one)\+?\s*(seconds?|secs?|minutes?|mins?|hours?|hrs?|h|days?|d|weeks?|wks?|w|months?|mos?|years?"
    r"|yrs?)\s+ago\b",
    re.IGNORECASE,
)
_JUST_NOW = re.compile(r"\b(?:just posted|just now|moments? ago|today)\b", re.IGNORECASE)
_YESTERDAY = re.compile(r"\byesterday\b", re.IGNORECASE)
_HAS_DIGIT_OR_MONTH = re.compile(r"\d")
_MONTH_SECONDS = 30 * 86_400
_YEAR_SECONDS = 365 * 86_400
_EPOCH_2000 = 946_684_800
# Excel stores a date as days since 1899-12-30; 36526 is 2000-01-01 and 73051 is 2100-01-01.
_EXCEL_EPOCH = datetime(1899, 12, 30, tzinfo=UTC)
_EXCEL_FIRST, _EXCEL_LAST = 36_526, 73_051
_EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def decide_day_first(values: Iterable[object]) -> bool | None:
    """True when the file's numeric dates are day-first, False when month-first, None when nothing tells."""
    day_first = month_first = 0
    for value in values:
        if not isinstance(value, str):
            continue
        found = _NUMERIC_DATE.match(value)
        if found is None:
            continue
        first, second = int(found.group(1)), int(found.group(2))
        if first > 12 >= second:
            day_first += 1
        elif second > 12 >= first:
            month_first += 1
    if day_first == month_first:
        return None
    return day_first > month_first


def from_number(number: float) -> datetime | None:
    """An Excel serial date, or epoch seconds or milliseconds; None for any other number."""
    if not math.isfinite(number):
        return None
    if _EXCEL_FIRST <= number <= _EXCEL_LAST:
        return _EXCEL_EPOCH + timedelta(days=number)
    seconds = number / 1000 if number > 100_000_000_000 else number
    if seconds < _EPOCH_2000:
        return None  # too early to be a posting date: some other number sits in the date field
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _unit_seconds(unit: str) -> int:
    unit = unit.lower()
    if unit.startswith("mo"):
        return _MONTH_SECONDS
    if unit.startswith("mi") or unit == "m":
        return 60
    return {"s": 1, "h": 3600, "d": 86_400, "w": 7 * 86_400, "y": _YEAR_SECONDS}.get(unit[0], 86_400)


def relative_age(text: str, scraped: datetime) -> datetime | None:
    """ "10 days ago", "30+ days ago", "a year ago", "yesterday", "just posted", counted back from `scraped`."""
    found = _RELATIVE_AGE.search(text)
    if found:
        count_word = found.group(1)
        count = int(count_word) if count_word.isdigit() else 1
        return scraped - timedelta(seconds=count * _unit_seconds(found.group(2)))
    if _YESTERDAY.search(text):
        return scraped - timedelta(days=1)
    if _JUST_NOW.search(text):
        return scraped
    return None


@lru_cache(maxsize=8192)  # exports repeat the same few dates thousands of times
def absolute_date(text: str, day_first: bool | None) -> datetime | None:
    """A calendar date or moment written in text; `day_first` settles 05-03-2026 (None: by the separator)."""
    text = text.strip()
    if not text or not _HAS_DIGIT_OR_MONTH.search(text):
        return None
    if _NUMERIC.match(text):
        return from_number(float(text))
    numeric = _NUMERIC_DATE.match(text)
    if numeric is None and text[0].isdigit():
        try:
            return _aware(datetime.fromisoformat(text))
        except ValueError:
            pass
    if numeric is not None and day_first is None:
        # Nothing in the file settles it: dots and dashes are the day-first habit, slashes the US one.
        day_first = numeric.group(0)[len(numeric.group(1))] != "/"
    try:
        moment = date_parser.parse(text, dayfirst=bool(day_first), fuzzy=False)
    except (ValueError, OverflowError):
        return None
    moment = _aware(moment)
    return moment if moment >= _EARLIEST else None


def parse_posted(value: Any, scraped: datetime, day_first: bool | None) -> tuple[datetime | None, bool]:
    """(moment, inferred): inferred when the date was counted back from an age rather than read."""
    if value is None or isinstance(value, bool):
        return None, False
    if isinstance(value, int | float):
        return from_number(float(value)), False
    if not isinstance(value, str):
        return None, False
    moment = absolute_date(value, day_first)
    if moment is not None:
        return moment, False
    relative = relative_age(value, scraped)
    return relative, relative is not None


def scraped_moment(item: Mapping[str, Any], keys: Iterable[str], default: datetime) -> datetime:
    """When the item itself was scraped (its own timestamp), else `default` (the run's start)."""
    for key in keys:
        value = item.get(key)
        if isinstance(value, str) and value.strip():
            moment = absolute_date(value, None)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            moment = from_number(float(value))
        else:
            continue
        if moment is not None:
            return moment
    return default
