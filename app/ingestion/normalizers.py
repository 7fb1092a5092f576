"""Map raw scraper items of every known actor shape onto NormalizedJob, cleaning what can be cleaned."""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from app.errors import InvalidInput
from app.ingestion.dates import parse_posted, scraped_moment
from app.ingestion.job_links import board_of, canonical_url, job_id_from_url
from app.ingestion.normalize_schemas import SCHEMAS, SPECS, SchemaSpec, detect_schema, resolve_keys
from app.ingestion.normalize_text import (
    MAX_DESCRIPTION_CHARS,
    MAX_NAME_CHARS,
    collapse_whitespace,
    excerpt,
    html_to_text,
    jsonb_ready,
    looks_like_html,
    tidy_plain_text,
)
from app.ingestion.normalize_values import (
    Salary,
    currency_from_text,
    parse_bool,
    parse_salary,
    parse_salary_text,
    period_from_word,
    to_decimal,
)
from app.ingestion.records import NormalizedBatch, NormalizedJob, Rejection
from app.untrusted_text import strip_control_characters

__all__ = ["SCHEMAS", "detect_schema", "normalize_items"]

_MAX_URL_CHARS = 4096
_WEB_SCHEMES = frozenset({"http", "https"})
_MISSING_WORDS = frozenset({"nan", "none", "null"})
_HAS_WORD_CHARACTER = re.compile(r"\w")
_REMOTE_WORD = re.compile(r"\bremote\b|\bwork from home\b|\bwfh\b", re.IGNORECASE)
_HYBRID_WORD = re.compile(r"\bhybrid\b", re.IGNORECASE)
_ON_SITE_WORD = re.compile(r"\bon[- ]?site\b|\bin[- ]office\b", re.IGNORECASE)
_JOB_TYPE_WORDS = {
    "fulltime": "Full-time",
    "parttime": "Part-time",
    "contract": "Contract",
    "contractor": "Contract",
    "internship": "Internship",
    "intern": "Internship",
    "temporary": "Temporary",
    "temp": "Temporary",
    "perdiem": "Per diem",
    "volunteer": "Volunteer",
    "other": "Other",
}
_NAME_KEYS = ("name", "companyName", "displayName", "title", "label", "text")
_LOCATION_TEXT_KEYS = (
    "formattedAddressShort",
    "formattedAddress",
    "formattedAddressLong",
    "fullAddress",
    "displayName",
    "name",
    "text",
    "label",
    "linkedText",
)
_LOCATION_PART_KEYS = (
    ("city", "locality", "addressLocality"),
    ("admin1Code", "state", "region", "addressRegion"),
    ("countryName", "country", "countryCode", "addressCountry"),
)
_MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!&|<>~=$%^:;,'\"/@?])")
_SCRAPED_KEYS = ("scrapedAt", "scraped_at", "crawledAt", "scrapeDate", "timestamp")
_KINDS = (
    (bool, "true/false"),
    (str, "a string"),
    (int | float, "a number"),
    (list | tuple, "a list"),
    (Mapping, "an object"),
)


def _kind(value: object) -> str:
    if value is None:
        return "null"
    return next((name for kinds, name in _KINDS if isinstance(value, kinds)), type(value).__name__)


def _is_missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        stripped = value.strip()
        return not stripped or stripped.lower() in _MISSING_WORDS
    if isinstance(value, float):
        return math.isnan(value)
    return isinstance(value, list | tuple | Mapping) and not value


class _ItemNormalizer:
    """Normalizes one raw item, collecting the warnings about what it had to clean."""

    def __init__(self, item: Mapping[str, Any], spec: SchemaSpec, now: datetime, day_first: bool | None = None) -> None:
        self.item = item
        self.spec = spec
        # Ages ("10 days ago") count back from when the item itself was scraped, not from this import.
        self.now = scraped_moment(item, _SCRAPED_KEYS, now)
        self.day_first = day_first
        self.posted_inferred = False
        self.warnings: list[str] = []
        self.description_keys: set[str] = set()
        self.urls_dropped = 0
        self.keys = resolve_keys(spec, item)

    def candidates(self, field_name: str) -> Iterable[tuple[str, Any]]:
        """(key, value) for every key of the item that may hold the field and has a value, best first."""
        item = self.item
        for key in self.keys[field_name]:
            value = item[key]
            if not _is_missing(value):
                yield key, value

    # ---- text ---------------------------------------------------------------------------------------------------
    def clean_text(self, label: str, text: str) -> str:
        """Drop control characters from text, noting how many went."""
        cleaned, removed = strip_control_characters(text)
        if removed:
            self.warnings.append(f"{label}: removed {removed} control character{'s' if removed > 1 else ''}")
        return cleaned

    def as_text(self, label: str, value: Any, *, numbers_are_normal: bool = False) -> str | None:
        """Text from a str or a number; anything else is dropped with a warning."""
        if isinstance(value, str):
            return self.clean_text(label, value)
        if isinstance(value, int | float) and not isinstance(value, bool):
            if isinstance(value, float) and not math.isfinite(value):
                return None
            text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
            if not numbers_are_normal:
                self.warnings.append(f"{label} was a number; converted to text")
            return text
        self.warnings.append(f"{label} was {_kind(value)}, not text; dropped")
        return None

    def name_field(self, label: str, field_name: str) -> str | None:
        """Title or company: the first usable value, whitespace collapsed, entities decoded, capped."""
        for _key, value in self.candidates(field_name):
            if isinstance(value, Mapping) and label == "company":  # valig's employer {name, ...}
                value = next((value[k] for k in _NAME_KEYS if not _is_missing(value.get(k))), value)
            text = self.as_text(label, value)
            if text is None:
                continue
            text = collapse_whitespace(_unescape(text))
            if _HAS_WORD_CHARACTER.search(text):
                return self.cap(label, text, MAX_NAME_CHARS)
        return None

    def cap(self, label: str, text: str, limit: int) -> str:
        """Cut text at `limit` characters, noting the original length."""
        if len(text) <= limit:
            return text
        self.warnings.append(f"{label} was {len(text):,} characters; cut to {limit:,}")
        return text[:limit].rstrip()

    def short_text(self, label: str, field_name: str, limit: int = MAX_NAME_CHARS, **kw: bool) -> str | None:
        """A one-line text field (url, id): first usable value, whitespace collapsed, capped."""
        for _key, value in self.candidates(field_name):
            text = self.as_text(label, value, **kw)
            if text is not None and (text := collapse_whitespace(text)):
                return self.cap(label, text, limit)
        return None

    def web_link(self, label: str, field_name: str) -> str | None:
        """An http(s) link with a host; anything else (javascript:, file:, data:, smb:, a bare path) is dropped."""
        link = self.short_text(label, field_name, _MAX_URL_CHARS)
        if link is None:
            return None
        try:
            parts = urlsplit(link)
            usable = parts.scheme.lower() in _WEB_SCHEMES and bool(parts.hostname)
        except ValueError:  # e.g. a malformed IPv6 host
            usable = False
        if usable:
            return canonical_url(link)
        self.urls_dropped += 1
        self.warnings.append(f"{label} was not a web link ({excerpt(link, 40)}); dropped")
        return None

    # ---- fields -------------------------------------------------------------------------------------------------
    def location(self) -> str | None:
        """Location text from a string, a list of strings, or a nested address object."""
        for _key, value in self.candidates("location"):
            if isinstance(value, Mapping):
                value = _location_from_object(value)
                if value is None:
                    self.warnings.append("location was an object without an address; dropped")
                    continue
            elif isinstance(value, list | tuple) and all(isinstance(part, str) for part in value):
                value = "; ".join(part.strip() for part in value if part.strip())
            text = self.as_text("location", value)
            if text and (text := collapse_whitespace(_unescape(text))):
                return self.cap("location", text, MAX_NAME_CHARS)
        return _location_from_object(self.item)

    def description(self) -> tuple[str | None, str | None]:
        """(plain text, original HTML when the text had to be made from HTML)."""
        plain: str | None = None
        markup: str | None = None  # a real HTML field, or a nested {"html": ...}
        text_markup: str | None = None  # a "text" field that holds HTML all the same
        for key, value in self.candidates("description_text"):
            self.description_keys.add(key)
            if isinstance(value, Mapping):
                inner_html = value.get("html")
                if isinstance(inner_html, str) and inner_html.strip():
                    markup = markup or inner_html
                value = value.get("text")
                if _is_missing(value):
                    continue
            text = self.as_text("description", value)
            if not text or not text.strip():
                continue
            if looks_like_html(text):
                text_markup = text_markup or text
                continue
            plain = text
            break
        for key, value in self.candidates("description_html"):
            self.description_keys.add(key)
            if plain is None and markup is None and (text := self.as_text("description", value)):
                markup = text
        if plain is not None:
            return self.cap("description", tidy_plain_text(plain), MAX_DESCRIPTION_CHARS) or None, None
        markup = markup or text_markup
        if markup is None:
            return None, None
        markup = self.clean_text("description", markup)
        text = html_to_text(markup)
        return self.cap("description", text, MAX_DESCRIPTION_CHARS) or None, markup[:MAX_DESCRIPTION_CHARS]

    def salary(self) -> Salary:
        """Salary from explicit min/max columns, a salary object, or salary text, in that order."""
        minimum = next((d for _k, v in self.candidates("salary_min") if (d := _amount(v)) is not None), None)
        maximum = next((d for _k, v in self.candidates("salary_max") if (d := _amount(v)) is not None), None)
        currency = next((c for _k, v in self.candidates("salary_currency") if (c := currency_from_text(v))), None)
        period = next((p for _k, v in self.candidates("salary_period") if (p := period_from_word(v))), None)
        if minimum is None and maximum is None:
            for _key, value in self.candidates("salary"):
                parsed = parse_salary(value) if not isinstance(value, bool) else Salary()
                if parsed.minimum is not None or parsed.maximum is not None:
                    minimum, maximum = parsed.minimum, parsed.maximum
                    currency, period = currency or parsed.currency, period or parsed.period
                    break
        if minimum is None and maximum is None:
            return Salary()
        if minimum is not None and maximum is not None and minimum > maximum:
            self.warnings.append("salary minimum was above the maximum; swapped")
            minimum, maximum = maximum, minimum
        return Salary(minimum, maximum, currency, period)

    def job_type(self) -> str | None:
        """A readable job type: lists and {code: label} objects joined, JobSpy codes spelled out."""
        for _key, value in self.candidates("job_type"):
            if isinstance(value, Mapping):
                parts = [label] if (label := _label(value)) else [v for v in value.values() if isinstance(v, str)]
            elif isinstance(value, list | tuple):
                parts = [label for part in value if (label := _label(part))]
            else:
                text = self.as_text("job type", value)
                parts = text.split(",") if text else []
            words = dict.fromkeys(_readable_job_type(self.clean_text("job type", part)) for part in parts)
            joined = ", ".join(word for word in words if word)
            if joined:
                return self.cap("job type", collapse_whitespace(joined), MAX_NAME_CHARS)
        return None

    def is_remote(self, location: str | None, job_type: str | None) -> bool | None:
        """An explicit remote flag, else a work-type hint, else "remote" in the location or job type."""
        for _key, value in self.candidates("remote_flag"):
            flag = parse_bool(value)
            if flag is not None:
                return flag
        hints = [hint for _key, value in self.candidates("remote_hint") for hint in _labels(value)]
        for text in (*hints, location or "", job_type or ""):
            if _HYBRID_WORD.search(text) or (text in hints and _ON_SITE_WORD.search(text)):
                return False
            if _REMOTE_WORD.search(text):
                return True
        return None

    def posted_at(self) -> datetime | None:
        """The first posting date read as written, else one counted back from an age; a warning when none reads."""
        unreadable = None
        inferred: datetime | None = None
        for _key, value in self.candidates("posted_at"):
            moment, from_age = parse_posted(value, self.now, self.day_first)
            if moment is not None and not from_age:
                return moment
            if moment is not None:
                inferred = inferred or moment
                continue
            unreadable = unreadable or value
        if inferred is not None:
            self.posted_inferred = True
            return inferred
        if unreadable is not None:
            shown = excerpt(unreadable, 40)
            self.warnings.append(f'posted date "{shown}" not understood; left empty')
        return None

    def source(self, url: str | None) -> str:
        """ "linkedin", "indeed", JobSpy's site column lower-cased, or "file"."""
        if self.spec.name == "jobspy":
            site = self.item.get("site")
            return site.strip().lower() if isinstance(site, str) and site.strip() else "jobspy"
        if self.spec.source == "file":  # a generic export still says where its postings live
            return board_of(url) or "file"
        return self.spec.source

    # ---- assembly -----------------------------------------------------------------------------------------------
    def run(self, index: int) -> NormalizedJob | Rejection:
        """The normalized job, or the reason it cannot enter the pool."""
        title = self.name_field("title", "title")
        company = self.name_field("company", "company")
        if title is None or company is None:
            reason = (
                "no title and no company"
                if title is None and company is None
                else ("no title" if title is None else "no company")
            )
            return Rejection(index, reason, excerpt(self.item))
        location = self.location()
        description, markup = self.description()
        if description and self.spec.name == "jobspy" and "\\" in description:
            # JobSpy's markdown descriptions escape punctuation (user\-generated, R\&D): show the text as written.
            description = _MARKDOWN_ESCAPE.sub(r"\1", description)
        salary = self.salary()
        job_type = self.job_type()
        metadata = _metadata(self.item, self.description_keys)
        if markup is not None:
            metadata["description_html"] = markup
        metadata["schema"] = self.spec.name
        url = self.web_link("url", "url")
        external_id = self.short_text("external id", "external_id", numbers_are_normal=True)
        posted_at = self.posted_at()
        return NormalizedJob(
            title=title,
            company=company,
            source=self.source(url),
            external_id=external_id or job_id_from_url(url),
            url=url,
            apply_url=self.web_link("apply url", "apply_url"),
            location=location,
            description=description,
            salary_min=salary.minimum,
            salary_max=salary.maximum,
            salary_currency=salary.currency,
            salary_period=salary.period,
            job_type=job_type,
            is_remote=self.is_remote(location, job_type),
            posted_at=posted_at,
            posted_at_inferred=self.posted_inferred,
            source_format=self.spec.name,
            skills=None,
            metadata=metadata,
            warnings=tuple(self.warnings),
        )


def _unescape(text: str) -> str:
    return html.unescape(text) if "&" in text else text


def _labels(value: Any) -> list[str]:
    if isinstance(value, list | tuple):
        return [label for part in value if (label := _label(part))]
    return [label] if (label := _label(value)) else []


def _label(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, Mapping):
        return next((value[k].strip() for k in ("label", "name", "text") if isinstance(value.get(k), str)), None)
    return None


def _readable_job_type(word: str) -> str:
    word = word.strip()
    return _JOB_TYPE_WORDS.get(word.replace("_", "").replace("-", "").replace(" ", "").lower(), word)


def _amount(value: Any) -> Any:
    if isinstance(value, bool):
        return None
    number = to_decimal(value)
    if number is None and isinstance(value, str):
        number = parse_salary_text(value).minimum
    return number


def _location_from_object(data: Mapping[str, Any]) -> str | None:
    for key in _LOCATION_TEXT_KEYS:
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            return value
    parts = []
    for keys in _LOCATION_PART_KEYS:
        part = next((data[k] for k in keys if isinstance(data.get(k), str) and not _is_missing(data[k])), None)
        if part:
            parts.append(part.strip())
    return ", ".join(parts) or None


def _metadata(item: Mapping[str, Any], description_keys: set[str]) -> dict[str, Any]:
    # The description column holds the text and description_html the markup: no third copy in jsonb.
    return jsonb_ready({k: v for k, v in item.items() if k not in description_keys})


def normalize_items(
    items: Iterable[object],
    schema: str | None = None,
    *,
    start_index: int = 0,
    now: datetime | None = None,
    day_first: bool | None = None,
) -> NormalizedBatch:
    """Normalize raw items (schema None: detect per item); bad items become rejections with a reason.

    `now` is when the run started (ages of items without their own scrape time count from it); `day_first` is the
    file's date order (decide_day_first), None when nothing in the file settles it.
    """
    if schema is not None and schema not in SPECS:
        raise InvalidInput(f"Unknown dataset schema {schema!r}; expected one of: {', '.join(SCHEMAS)}.")
    moment = now or datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    jobs: list[NormalizedJob] = []
    rejected: list[Rejection] = []
    cleaned: list[Rejection] = []
    urls_dropped = 0
    dates_inferred = 0
    formats: dict[str, int] = {}
    for position, item in enumerate(items):
        index = start_index + position
        if not isinstance(item, Mapping):
            rejected.append(Rejection(index, f"item is {_kind(item)}, not an object", excerpt(item)))
            continue
        spec = SPECS[schema or detect_schema(item)]
        normalizer = _ItemNormalizer(item, spec, moment, day_first)
        try:
            outcome = normalizer.run(index)
        except Exception as error:  # one odd item must not sink the batch; say what broke
            rejected.append(
                Rejection(index, f"item could not be read ({type(error).__name__}: {error})"[:200], excerpt(item))
            )
            continue
        if isinstance(outcome, Rejection):
            rejected.append(outcome)
            continue
        jobs.append(outcome)
        formats[spec.name] = formats.get(spec.name, 0) + 1
        dates_inferred += outcome.posted_at_inferred
        urls_dropped += normalizer.urls_dropped
        if outcome.warnings:
            label = f"{outcome.title} — {outcome.company}"[:120]
            cleaned.extend(Rejection(index, warning, label) for warning in outcome.warnings)
    return NormalizedBatch(
        jobs=jobs,
        rejected=rejected,
        cleaned=cleaned,
        urls_dropped=urls_dropped,
        dates_inferred=dates_inferred,
        formats=formats,
    )
