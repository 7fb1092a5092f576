"""Fallbacks when a page has no JobPosting: title patterns of OpenGraph/meta tags and known job-board page shapes."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from lxml import html as lxml_html

from app.capture.text import description_text, moment, short_text
from app.ingestion.normalize_values import parse_salary_text

# Page titles of job boards, tried in order on og:title, twitter:title and <title>.
_TITLE_PATTERNS = (
    # LinkedIn's public job view, in the page's language: "Acme hiring Engineer in Paris, France | LinkedIn".
    re.compile(
        r"^(?P<company>.+?) (?:hiring|sta assumendo|recrute|recrutement|sucht|busca|contrata|está contratando|"
        r"zoekt|rekryterar|zatrudnia) (?P<title>.+) (?:in|a|à|en|em|bij|i|w) (?P<location>[^|]+?) \| LinkedIn$"
    ),
    re.compile(r"^Job Application for (?P<title>.+) at (?P<company>[^|]+?)$"),  # Greenhouse
    re.compile(r"^(?P<title>.+) Job in (?P<location>.+?) - SEEK$"),
    re.compile(r"^(?P<title>.+?) - (?P<location>[^-]+?) - Indeed\.com$"),
    re.compile(r"^(?P<title>.+?) at (?P<company>.+?) in (?P<location>[^|]+?) \| [^|]+$"),
    re.compile(r"^(?P<title>.+?) at (?P<company>[^|]+?) \| [^|]+$"),
)


def title_pattern_fields(*titles: str | None) -> dict[str, Any]:
    """Title, company and place read from the first page title that matches a known board's pattern."""
    for raw in titles:
        text = short_text(raw)
        if not text:
            continue
        for pattern in _TITLE_PATTERNS:
            match = pattern.match(text)
            if match:
                return {k: v.strip() for k, v in match.groupdict().items() if v and v.strip()}
    return {}


def _text_of(doc: Any, xpath: str) -> str | None:
    nodes = doc.xpath(xpath)
    return short_text(" ".join(n.text_content() for n in nodes[:1])) if nodes else None


def _markup_of(doc: Any, xpath: str) -> str | None:
    nodes = doc.xpath(xpath)
    return description_text(lxml_html.tostring(nodes[0], encoding="unicode")) if nodes else None


def _greenhouse(doc: Any, markup: str, meta: Mapping[str, str]) -> dict[str, Any]:
    found: dict[str, Any] = {"location": short_text(meta.get("og:description"))}
    pay = re.search(r'"min":"([^"]{1,40})","max":"([^"]{1,40})","currency_type":"([A-Z]{3})"', markup)
    if pay:
        salary = parse_salary_text(f"{pay.group(1)} - {pay.group(2)} {pay.group(3)}")
        found.update(salary_min=salary.minimum, salary_max=salary.maximum, salary_currency=pay.group(3))
        found["salary_period"] = salary.period or "year"
    published = re.search(r'"published_at":"([^"]{8,40})"', markup)
    if published:
        found["posted_at"] = moment(published.group(1))
    found["description"] = _markup_of(doc, "//*[contains(concat(' ', @class, ' '), ' job__description ')]")
    return found


def _seek(doc: Any, markup: str, meta: Mapping[str, str]) -> dict[str, Any]:
    listed = re.search(r'"listedAt":\{"__typename":"SeekDateTime","label":"[^"]{0,40}","dateTimeUtc":"([^"]+)"', markup)
    place = _text_of(doc, "//*[@data-automation='job-detail-location']")
    return {
        "title": _text_of(doc, "//*[@data-automation='job-detail-title']"),
        "company": _text_of(doc, "//*[@data-automation='advertiser-name']"),
        "location": place,
        "is_remote": True if place and "remote" in place.casefold() else None,
        "posted_at": moment(listed.group(1)) if listed else None,
        "description": _markup_of(doc, "//*[@data-automation='jobAdDetails']"),
    }


def _workinstartups(doc: Any, markup: str, meta: Mapping[str, str]) -> dict[str, Any]:
    stamp = doc.xpath("//time/@datetime")
    return {
        "title": _text_of(doc, "//h1"),
        "company": _text_of(doc, "//*[contains(concat(' ', @class, ' '), ' ui-company ')]"),
        "location": _text_of(doc, "//*[contains(concat(' ', @class, ' '), ' ui-location ')]"),
        "employment_type": _text_of(doc, "//*[contains(concat(' ', @class, ' '), ' ui-contract-time ')]"),
        "posted_at": moment(stamp[0]) if stamp else None,
        "description": _markup_of(doc, "//*[contains(concat(' ', @class, ' '), ' ui-adp-content ')]"),
    }


def _work_at_a_startup(doc: Any, markup: str, meta: Mapping[str, str]) -> dict[str, Any]:
    blobs = doc.xpath("//*[@data-page]/@data-page")
    try:
        page = json.loads(blobs[0]) if blobs and len(blobs[0]) < 2_000_000 else {}
    except (ValueError, RecursionError):
        return {}
    props = page.get("props") if isinstance(page, Mapping) else None
    job = props.get("job") if isinstance(props, Mapping) else None
    company = props.get("company") if isinstance(props, Mapping) else None
    if not isinstance(job, Mapping):
        return {}  # only this posting's own record counts; "otherJobs" belong to other postings
    found: dict[str, Any] = {
        "title": short_text(job.get("title")),
        "company": short_text(company.get("name")) if isinstance(company, Mapping) else None,
        "location": short_text(job.get("location")),
        "employment_type": short_text(job.get("jobType")),
        "description": description_text(job.get("descriptionHtml")),
    }
    if isinstance(job.get("salaryRange"), str):
        salary = parse_salary_text(job["salaryRange"][:100])
        found.update(salary_min=salary.minimum, salary_max=salary.maximum, salary_currency=salary.currency)
        found["salary_period"] = salary.period or ("year" if salary.minimum is not None else None)
    found["is_remote"] = True if found["location"] and "remote" in found["location"].casefold() else None
    return found


def _lever(doc: Any, markup: str, meta: Mapping[str, str]) -> dict[str, Any]:
    welded = short_text(meta.get("og:title")) or ""
    company, _, title = welded.partition(" - ")
    return {
        "company": company or None,
        "title": title or None,
        "location": _text_of(doc, "//*[contains(concat(' ', @class, ' '), ' location ')]"),
    }


# (test on the page's markup, reader); the first shape whose test passes reads the page.
SHAPES: tuple[tuple[Callable[[str, str], bool], Callable[[Any, str, Mapping[str, str]], dict[str, Any]]], ...] = (
    (lambda markup, url: "greenhouse.io" in url or "job-boards.greenhouse" in markup[:200_000], _greenhouse),
    (lambda markup, url: 'data-automation="job-detail-title"' in markup, _seek),
    (lambda markup, url: 'class="ui-company"' in markup, _workinstartups),
    (lambda markup, url: "JobDetailPage" in markup and "data-page=" in markup, _work_at_a_startup),
    (lambda markup, url: "jobs.lever.co" in url, _lever),
)


def shape_fields(doc: Any, markup: str, meta: Mapping[str, str], url: str) -> tuple[dict[str, Any], bool]:
    """Fields read by the first known page shape that fits (and whether one did)."""
    for fits, read in SHAPES:
        if fits(markup, url):
            return {k: v for k, v in read(doc, markup, meta).items() if v is not None}, True
    return {}, False
