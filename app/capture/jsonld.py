"""schema.org JobPosting (JSON-LD or microdata, read by extruct) mapped onto a posting's fields."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from app.capture.text import description_text, moment, short_text
from app.ingestion.normalize_values import Salary, currency_from_text, parse_salary

# Deeper than any real page nests a posting; a hostile page's nesting is not followed further.
_MAX_DEPTH = 12
_MAX_NODES = 5000
# A range given with no unit in one of these currencies and above this amount is a yearly salary.
_YEARLY_FLOOR = Decimal(10_000)
_YEARLY_CURRENCIES = frozenset({"USD", "EUR", "GBP", "AUD", "CAD", "CHF", "NZD", "SGD", "SEK", "NOK", "DKK", "IEP"})
_WORKDAY_AREA = re.compile(r"^(?:AMER|EMEA|APAC|APJ|LATAM|NA|EU|ANZ)$", re.IGNORECASE)


def _is_job_posting(node: Mapping[str, Any]) -> bool:
    kind = node.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return any(isinstance(k, str) and k.rsplit("/", 1)[-1].rsplit(":", 1)[-1] == "JobPosting" for k in kinds)


def _walk(value: Any, depth: int = 0) -> Iterator[Mapping[str, Any]]:
    if depth > _MAX_DEPTH:
        return
    if isinstance(value, Mapping):
        yield value
        for key in ("@graph", "mainEntity", "itemListElement", "item"):
            if key in value:
                yield from _walk(value[key], depth + 1)
    elif isinstance(value, list):
        for item in value[:_MAX_NODES]:
            yield from _walk(item, depth + 1)


def find_job_posting(items: list[Any]) -> Mapping[str, Any] | None:
    """The first JobPosting among a page's structured-data items (inside @graph and lists too)."""
    for node in _walk(items):
        if _is_job_posting(node):
            return node
    return None


def _name(value: Any) -> str | None:
    if isinstance(value, list):
        value = next((v for v in value if v), None)
    if isinstance(value, Mapping):
        value = value.get("name") or value.get("legalName")
    return short_text(value)


def _place_text(place: Any) -> str | None:
    if isinstance(place, str):
        return short_text(place)
    if not isinstance(place, Mapping):
        return None
    address = place.get("address")
    if isinstance(address, str):
        return short_text(address)
    if not isinstance(address, Mapping):
        return _name(place)
    country = _name(address.get("addressCountry"))
    locality = short_text(address.get("addressLocality"))
    region = short_text(address.get("addressRegion"))
    postal = short_text(address.get("postalCode"))
    parts: list[str] = []
    if locality and locality.count(" - ") >= 2:
        # Workday writes "AMER - Canada - Quebec - Montreal - 10 Rue Duke": area, country, region, city, street.
        pieces = [p.strip() for p in locality.split(" - ") if p.strip()]
        pieces = [p for p in pieces if not _WORKDAY_AREA.match(p) and not any(c.isdigit() for c in p)]
        parts = list(reversed(pieces))
    else:
        parts = [p for p in (locality, f"{region} {postal}" if region and postal else region or postal) if p]
    if country and not any(country.casefold() == p.casefold() for p in parts):
        parts.append(country)
    return ", ".join(dict.fromkeys(parts)) or None


def _location(posting: Mapping[str, Any]) -> tuple[str | None, bool | None]:
    places = posting.get("jobLocation")
    places = places if isinstance(places, list) else [places]
    texts = list(dict.fromkeys(t for p in places[:20] if (t := _place_text(p))))
    kind = posting.get("jobLocationType")
    remote = True if isinstance(kind, str) and "TELECOMMUTE" in kind.upper() else None
    location = " / ".join(texts) or None
    if location is None and remote:
        location = "Remote"
    return location, remote


def _salary(posting: Mapping[str, Any]) -> tuple[Salary, str | None]:
    """The posting's own pay (baseSalary, else estimatedSalary) and a note when its period was inferred."""
    for key in ("baseSalary", "estimatedSalary"):
        value = posting.get(key)
        if isinstance(value, list):
            value = next((v for v in value if isinstance(v, Mapping)), None)
        if value is None or isinstance(value, bool):
            continue
        salary = parse_salary(value)
        if salary.minimum is None and salary.maximum is None:
            continue
        currency = salary.currency or (
            currency_from_text(posting.get("salaryCurrency")) if posting.get("salaryCurrency") else None
        )
        salary = Salary(salary.minimum, salary.maximum, currency, salary.period)
        low = salary.minimum or salary.maximum or Decimal(0)
        if salary.period is None and currency in _YEARLY_CURRENCIES and low >= _YEARLY_FLOOR:
            return Salary(salary.minimum, salary.maximum, currency, "year"), "salary period not given; read as yearly"
        return salary, None
    return Salary(), None


def _employment_type(value: Any) -> str | None:
    values = value if isinstance(value, list) else [value]
    words = [w.replace("_", " ").replace("-", " ").capitalize() for v in values[:10] if (w := short_text(v))]
    return ", ".join(dict.fromkeys(words)) or None


def posting_fields(posting: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of a JobPosting node, as JobDraft keyword arguments (missing ones left out)."""
    location, remote = _location(posting)
    salary, salary_note = _salary(posting)
    fields: dict[str, Any] = {
        "title": short_text(posting.get("title")) or short_text(posting.get("name")),
        "company": _name(posting.get("hiringOrganization")),
        "location": location,
        "is_remote": remote,
        "description": description_text(posting.get("description")),
        "salary_min": salary.minimum,
        "salary_max": salary.maximum,
        "salary_currency": salary.currency,
        "salary_period": salary.period,
        "posted_at": moment(posting.get("datePosted")),
        "valid_through": moment(posting.get("validThrough")),
        "employment_type": _employment_type(posting.get("employmentType")),
        "url": posting.get("url") if isinstance(posting.get("url"), str) else None,
    }
    found = {k: v for k, v in fields.items() if v is not None}
    if salary_note:
        found["notes"] = (salary_note,)
    return found
