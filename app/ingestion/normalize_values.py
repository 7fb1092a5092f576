"""Parsing of the loosely formatted values scrapers emit: salaries, posting dates, yes/no flags."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from app.ingestion.dates import parse_posted

PERIODS = ("year", "month", "week", "day", "hour")

_PERIOD_WORDS = {
    "year": "year",
    "years": "year",
    "yr": "year",
    "yrs": "year",
    "annum": "year",
    "annual": "year",
    "annually": "year",
    "yearly": "year",
    "pa": "year",
    "p.a": "year",
    "p.a.": "year",
    "month": "month",
    "months": "month",
    "mo": "month",
    "mth": "month",
    "monthly": "month",
    "week": "week",
    "weeks": "week",
    "wk": "week",
    "weekly": "week",
    "day": "day",
    "days": "day",
    "daily": "day",
    "diem": "day",
    "perdiem": "day",
    "hour": "hour",
    "hours": "hour",
    "hr": "hour",
    "hrs": "hour",
    "hourly": "hour",
    "jahr": "year",
    "monat": "month",
    "mois": "month",
    "stunde": "hour",
    "heure": "hour",
    "jour": "day",
}
_PERIOD_IN_TEXT = re.compile(
    r"(?<![a-z])(years?|yrs?|annum|annual(?:ly)?|yearly|p\.a\.?|months?|mo|mth|monthly|weeks?|wk|weekly|days?|daily"
    r"|diem|hours?|hrs?|hourly|jahr|monat|mois|stunde|heure|jour)(?![a-z])"
)
_CURRENCY_SYMBOLS = (
    ("CA$", "CAD"),
    ("C$", "CAD"),
    ("AU$", "AUD"),
    ("A$", "AUD"),
    ("NZ$", "NZD"),
    ("HK$", "HKD"),
    ("S$", "SGD"),
    ("R$", "BRL"),
    ("US$", "USD"),
    ("$", "USD"),
    ("€", "EUR"),
    ("£", "GBP"),
    ("¥", "JPY"),
    ("₹", "INR"),
    ("₩", "KRW"),
    ("₪", "ILS"),
    ("₱", "PHP"),
    ("zł", "PLN"),
)
_CURRENCY_CODES = frozenset(
    {
        "USD",
        "EUR",
        "GBP",
        "CAD",
        "AUD",
        "NZD",
        "CHF",
        "INR",
        "JPY",
        "SEK",
        "NOK",
        "DKK",
        "PLN",
        "CZK",
        "HUF",
        "SGD",
        "HKD",
        "BRL",
        "MXN",
        "ZAR",
        "ILS",
        "KRW",
        "CNY",
        "PHP",
        "AED",
        "RON",
        "TRY",
        "ARS",
        "CLP",
        "COP",
        "IDR",
        "MYR",
    }
)
_CURRENCY_CODE_IN_TEXT = re.compile(r"\b([A-Z]{3})\b")
_AMOUNT = re.compile(
    r"(\d{1,3}(?:[,.\u00a0\u202f' ]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d+)?)\s*(k|m|mil|million|thousand)?(?![a-z])",
    re.IGNORECASE,
)
_DECIMAL_TAIL = re.compile(r"^(.*?)[.,](\d{1,2})$")
_GROUPING = re.compile(r"[.,\u00a0\u202f' ]")
_RANGE_JOINER = re.compile(r"^\s*(?:[-–—~]|to|and|bis)\s*$", re.IGNORECASE)
_GAP_FILLER = re.compile(r"(?<![a-z])(?:per|an?)(?![a-z])|/")
_ONLY_MINIMUM = re.compile(r"\b(?:from|starting|start at|min(?:imum)?|at least|ab)\b|\+", re.IGNORECASE)
_ONLY_MAXIMUM = re.compile(r"\b(?:up to|max(?:imum)?|bis zu|jusqu)\b", re.IGNORECASE)
_MULTIPLIERS = {"k": 1_000, "thousand": 1_000, "m": 1_000_000, "mil": 1_000_000, "million": 1_000_000}

_LARGEST_AMOUNT = Decimal(10) ** 12
_CENT = Decimal("0.01")
_TRUE_WORDS = frozenset({"true", "t", "yes", "y", "1", "remote"})
_FALSE_WORDS = frozenset({"false", "f", "no", "n", "0"})


@dataclass(frozen=True, slots=True)
class Salary:
    """A parsed pay range; any part may be unknown."""

    minimum: Decimal | None = None
    maximum: Decimal | None = None
    currency: str | None = None
    period: str | None = None


def to_decimal(value: Any) -> Decimal | None:
    """A non-negative finite Decimal from a number or numeric string ("90000.0", "nan" -> None)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        value = repr(value)
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        return None
    if not number.is_finite() or number < 0:
        return None
    return _tidy(number)


def _tidy(number: Decimal) -> Decimal | None:
    if number > _LARGEST_AMOUNT:
        return None  # no pay is this large: a phone number or an id was read as an amount
    if number == number.to_integral_value():
        return number.quantize(Decimal(1))
    # Cents are kept as given (23.50 stays 23.50); digits past the cent are float artifacts (16.549999237060547).
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        return number.quantize(_CENT, rounding=ROUND_HALF_UP)
    return number


def period_from_word(value: Any) -> str | None:
    """Map "yearly", "YEAR", "per hour", "hr" and friends onto one of PERIODS."""
    if not isinstance(value, str):
        return None
    word = value.strip().lower()
    if word in _PERIOD_WORDS:
        return _PERIOD_WORDS[word]
    found = _PERIOD_IN_TEXT.search(word)
    return _PERIOD_WORDS.get(found.group(1).rstrip(".")) if found else None


def currency_from_text(value: Any) -> str | None:
    """An ISO currency code from a code or a symbol found in the text."""
    if not isinstance(value, str) or not value:
        return None
    upper = value.strip().upper()
    if upper in _CURRENCY_CODES:
        return upper
    for code in _CURRENCY_CODE_IN_TEXT.findall(value):
        if code in _CURRENCY_CODES:
            return code
    for symbol, code in _CURRENCY_SYMBOLS:
        if symbol in value:
            return code
    return None


def _amount(match: re.Match[str]) -> Decimal | None:
    token = match.group(1)
    tail = _DECIMAL_TAIL.match(token)
    if tail:
        number = Decimal(_GROUPING.sub("", tail.group(1)) + "." + tail.group(2))
    else:
        number = Decimal(_GROUPING.sub("", token))
    if match.group(2):
        number *= _MULTIPLIERS[match.group(2).lower()]
    return _tidy(number)


@lru_cache(maxsize=8192)  # exports repeat the same few salary strings thousands of times
def parse_salary_text(text: str) -> Salary:
    """Parse "$90,000 - $120,000 a year", "€50K–60K", "45 an hour", "From $80,000 a year" and the like."""
    matches = list(_AMOUNT.finditer(text))
    currency = currency_from_text(text)
    period = period_from_word(text.lower())
    if not matches:
        return Salary(currency=currency, period=period)
    first = _amount(matches[0])
    if first is None:
        return Salary(currency=currency, period=period)
    second = _amount(matches[1]) if len(matches) >= 2 and _is_range_gap(text, matches[0], matches[1]) else None
    if second is not None:
        low, high = (first, second) if first <= second else (second, first)
        if matches[1].group(2) and not matches[0].group(2) and low * 1000 <= high:
            low *= _MULTIPLIERS[matches[1].group(2).lower()]  # "50-60K": the suffix covers both ends
        return Salary(low, high, currency, period)
    before = text[: matches[0].start()]
    if _ONLY_MAXIMUM.search(before):
        return Salary(None, first, currency, period)
    if _ONLY_MINIMUM.search(before) or text[matches[0].end() :].lstrip().startswith("+"):
        return Salary(first, None, currency, period)
    return Salary(first, first, currency, period)


def _is_range_gap(text: str, left: re.Match[str], right: re.Match[str]) -> bool:
    gap = text[left.end() : right.start()]
    for symbol, _code in _CURRENCY_SYMBOLS:
        gap = gap.replace(symbol, "")
    gap = _CURRENCY_CODE_IN_TEXT.sub("", gap).lower()
    gap = _GAP_FILLER.sub("", _PERIOD_IN_TEXT.sub("", gap))
    return _RANGE_JOINER.match(gap) is not None


_MIN_KEYS = ("min", "minValue", "minimum", "minAmount", "min_amount", "from", "salaryMin", "low")
_MAX_KEYS = ("max", "maxValue", "maximum", "maxAmount", "max_amount", "to", "salaryMax", "high")
_UNIT_KEYS = ("unitOfWork", "unitText", "unit", "period", "interval", "salaryType", "salaryPeriod", "type")
_CURRENCY_KEYS = ("currencyCode", "currency", "salaryCurrency")


def parse_salary_object(data: Mapping[str, Any]) -> Salary:
    """Parse a salary object such as valig's baseSalary {min, max, unitOfWork, currencyCode} or schema.org's."""
    inner = data.get("value") or data.get("range")
    if isinstance(inner, Mapping):
        data = {**data, **inner}
    minimum = next((to_decimal(data[k]) for k in _MIN_KEYS if data.get(k) not in (None, "")), None)
    maximum = next((to_decimal(data[k]) for k in _MAX_KEYS if data.get(k) not in (None, "")), None)
    if minimum is None and maximum is None:
        single = data.get("value") if not isinstance(data.get("value"), Mapping) else data.get("amount")
        minimum = maximum = to_decimal(single)
    period = next((p for k in _UNIT_KEYS if (p := period_from_word(data.get(k)))), None)
    currency = next((c for k in _CURRENCY_KEYS if (c := currency_from_text(data.get(k)))), None)
    if minimum is None and maximum is None and isinstance(data.get("text"), str):
        parsed = parse_salary_text(data["text"])
        return Salary(parsed.minimum, parsed.maximum, currency or parsed.currency, period or parsed.period)
    if minimum is not None and maximum is not None and minimum > maximum:
        minimum, maximum = maximum, minimum
    return Salary(minimum, maximum, currency, period)


def parse_salary(value: Any) -> Salary:
    """Parse any salary value: text, a list of text parts (LinkedIn's salaryInfo), an object, or one number."""
    if isinstance(value, str):
        return parse_salary_text(value)
    if isinstance(value, Mapping):
        return parse_salary_object(value)
    if isinstance(value, list | tuple):
        parts = [str(part) for part in value if isinstance(part, str | int | float) and not isinstance(part, bool)]
        return parse_salary_text(" - ".join(parts)) if parts else Salary()
    amount = to_decimal(value) if isinstance(value, int | float) else None
    return Salary(amount, amount) if amount is not None else Salary()


def parse_posted_at(value: Any, now: datetime, day_first: bool | None = None) -> datetime | None:
    """A timezone-aware datetime from an ISO or numeric date, an Excel serial, epoch seconds or millis, or an age."""
    return parse_posted(value, now, day_first)[0]


def parse_bool(value: Any) -> bool | None:
    """True/False from a bool, 1/0, or words such as "True", "yes", "false" (CSV cells); None when unclear."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and not (isinstance(value, float) and math.isnan(value)):
        return bool(value) if value in (0, 1) else None
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE_WORDS:
            return True
        if word in _FALSE_WORDS:
            return False
    return None
