"""Reading a job posting out of a web page: JSON-LD JobPosting first, then known page shapes and meta tags."""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import urlsplit

import extruct
from lxml import etree
from lxml import html as lxml_html

from app.capture.jsonld import find_job_posting, posting_fields
from app.capture.page_shapes import shape_fields, title_pattern_fields
from app.capture.records import JobDraft
from app.capture.text import description_text, short_text
from app.ingestion.normalize_values import parse_salary_text

log = logging.getLogger(__name__)

# What is read of a page at most (a fetched page is capped at the same size before it gets here).
MAX_PAGE_CHARS = 5_000_000
# One JSON-LD block larger than this is not a posting but a hostile or broken page; it is skipped.
_MAX_JSONLD_CHARS = 1_000_000
_JSONLD_BLOCK = re.compile(
    r"<script[^>]{0,200}application/ld\+json[^>]{0,200}>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL
)
_PAY_WORDS = re.compile(
    r"\b(?:salary|salaries|base pay|pay range|compensation|stipendio|salaire|r[ée]mun[ée]ration|gehalt|sueldo)\b",
    re.IGNORECASE,
)
# A pay sentence that limits itself to U.S. roles ("For U.S.-based roles ...") does not apply elsewhere.
_US_SCOPE = re.compile(r"\bU\.?S\.?(?:A\.?)?\b|United States", re.IGNORECASE)
_US_PLACE = re.compile(r"\b(?:USA|US|U\.S\.A?\.?|United States)\b|\b[A-Z]{2}\s*$|\bUSA-", re.IGNORECASE)


def _document(markup: str) -> Any:
    try:
        return lxml_html.document_fromstring(markup or "<html></html>")
    except (etree.ParserError, ValueError):
        return lxml_html.document_fromstring("<html></html>")


def _meta(doc: Any) -> dict[str, str]:
    """OpenGraph, Twitter and description meta tags, the first value of each."""
    found: dict[str, str] = {}
    for node in doc.xpath("//meta[@content]")[:500]:
        key = (node.get("property") or node.get("name") or "").strip().lower()
        if key and key not in found:
            found[key] = node.get("content") or ""
    return found


def _json_ld_items(markup: str, url: str) -> list[Any]:
    """The page's JSON-LD and microdata items through extruct; oversized or broken blocks are skipped."""
    trimmed = _JSONLD_BLOCK.sub(
        lambda m: m.group(0) if len(m.group(1)) <= _MAX_JSONLD_CHARS else "", markup
    )  # a huge block would be parsed whole otherwise
    try:
        data = extruct.extract(trimmed, base_url=url or None, syntaxes=["json-ld", "microdata"], uniform=True)
    except (ValueError, RecursionError, etree.LxmlError) as exc:
        log.info("structured data unreadable (%s); trying block by block", type(exc).__name__)
        data = {"json-ld": [], "microdata": []}
        for block in _JSONLD_BLOCK.findall(trimmed):
            try:
                data["json-ld"].extend(
                    extruct.extract(f"<script type='application/ld+json'>{block}</script>", syntaxes=["json-ld"])[
                        "json-ld"
                    ]
                )
            except (ValueError, RecursionError, etree.LxmlError):
                continue
    return [*data.get("json-ld", []), *data.get("microdata", [])]


def _page_url(url: str | None, meta: dict[str, str], doc: Any) -> str:
    if url:
        return url
    canonical = doc.xpath("//link[@rel='canonical']/@href")
    for candidate in (meta.get("og:url"), canonical[0] if canonical else None):
        if _is_web_address(candidate):
            assert isinstance(candidate, str)
            return candidate.strip()
    return ""


def _is_web_address(value: Any) -> bool:
    return isinstance(value, str) and len(value) < 4096 and urlsplit(value.strip()).scheme.lower() in ("http", "https")


def _brand(company: str | None, url: str) -> str | None:
    """The employer's brand where a legal-entity name hides it: a Workday site is named after the brand."""
    if not company:
        return company
    host = urlsplit(url).hostname or ""
    if host.endswith(".myworkdayjobs.com"):
        tenant = host.split(".", 1)[0].casefold()
        for word in re.findall(r"[\w&'-]+", company):
            if word.casefold() == tenant:
                return word
    return company


def _is_us(location: str | None) -> bool:
    return bool(location and _US_PLACE.search(location))


def salary_from_text(text: str | None, location: str | None) -> dict[str, Any]:
    """A pay range stated in the description, when it applies to this posting's place."""
    if not text:
        return {}
    for word in _PAY_WORDS.finditer(text[:200_000]):
        lines = text[word.start() : word.start() + 300].split("\n")
        window = lines[0] if parse_salary_text(lines[0]).minimum is not None else " ".join(lines[:2])
        salary = parse_salary_text(window)
        if salary.minimum is None or salary.maximum is None or salary.minimum == salary.maximum:
            continue
        if salary.currency is None:
            continue
        if _US_SCOPE.search(window) and not _is_us(location):
            return {}  # a range quoted for other countries' roles
        return {
            "salary_min": salary.minimum,
            "salary_max": salary.maximum,
            "salary_currency": salary.currency,
            "salary_period": salary.period or ("year" if salary.minimum >= 10_000 else None),
        }
    return {}


def extract_posting(markup: str, url: str | None = None) -> JobDraft:
    """What a page says about the posting it shows; `has_posting` is False when no posting was found."""
    markup = (markup or "")[:MAX_PAGE_CHARS]
    doc = _document(markup)
    meta = _meta(doc)
    page_url = _page_url(url, meta, doc)
    titles = doc.xpath("//title")
    page_title = short_text(titles[0].text_content()) if titles else None
    page_title = page_title or short_text(meta.get("og:title"))
    fields: dict[str, Any] = {}
    found_by: str | None = None
    posting = find_job_posting(_json_ld_items(markup, page_url))
    if posting is not None:
        fields = posting_fields(posting)
        found_by = "json-ld"
    shaped, matched = shape_fields(doc, markup, meta, page_url)
    titled = title_pattern_fields(meta.get("og:title"), meta.get("twitter:title"), page_title)
    for found in (shaped, titled):
        for key, value in found.items():
            fields.setdefault(key, value)
    if found_by is None and (matched or titled):
        found_by = "page"
    if "title" not in fields:
        heading = doc.xpath("//h1")
        fields["title"] = short_text(meta.get("og:title")) or (
            short_text(heading[0].text_content()) if heading else None
        )
    fields.setdefault("description", description_text(meta.get("og:description") or meta.get("description")))
    # The page's own address (og:url, canonical) names the board even when it was fetched through a redirect.
    for address in dict.fromkeys((page_url, _page_url(None, meta, doc))):
        fields["company"] = _brand(fields.get("company"), address)
    if "salary_min" not in fields and "salary_max" not in fields and found_by is not None:
        fields.update(salary_from_text(fields.get("description"), fields.get("location")))
    if fields.get("is_remote") is None and "remote" in (fields.get("location") or "").casefold():
        fields["is_remote"] = True
    if not _is_web_address(fields.get("url")):
        fields["url"] = page_url if _is_web_address(page_url) else None
    fields = {k: v for k, v in fields.items() if v is not None}
    draft = JobDraft(page_title=page_title, found_by=found_by, **fields)
    if not draft.has_posting:
        return JobDraft(**{**_as_kwargs(draft), "found_by": None})
    return draft


def _as_kwargs(draft: JobDraft) -> dict[str, Any]:
    return {name: getattr(draft, name) for name in JobDraft.__dataclass_fields__}
