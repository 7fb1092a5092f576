"""Pages that carry no posting, or try to harm: the extractor stays bounded and returns plain text."""

from __future__ import annotations

import json
import time

from app.capture.extract import MAX_PAGE_CHARS, extract_posting


def _posting(**extra: object) -> str:
    data = {"@context": "https://schema.org", "@type": "JobPosting", "title": "Engineer"}
    data.update(extra)
    block = json.dumps(data).replace("</", "<\\/")  # as pages write it, so the block is not cut short
    return f'<html><head><script type="application/ld+json">{block}</script></head><body></body></html>'


def test_javascript_only_page_gives_its_title_and_no_posting() -> None:
    page = (
        "<html><head><title>Careers at Initech</title></head>"
        '<body><div id="root"></div><script>render()</script><noscript>Enable JavaScript</noscript></body></html>'
    )
    draft = extract_posting(page, "https://jobs.example.com/123")
    assert not draft.has_posting and draft.found_by is None
    assert draft.page_title == "Careers at Initech"
    assert draft.url == "https://jobs.example.com/123"


def test_description_scripts_and_markup_are_removed() -> None:
    page = _posting(
        hiringOrganization={"name": "Acme"},
        description=(
            '<p>Hello</p><script>alert("x")</script><img src=x onerror=alert(1)><a href="javascript:evil()">a</a>'
        ),
    )
    draft = extract_posting(page)
    assert draft.has_posting
    assert draft.description is not None
    assert "alert" not in draft.description and "<" not in draft.description and "javascript" not in draft.description


def test_title_markup_is_shown_as_text_not_kept_as_tags() -> None:
    draft = extract_posting(_posting(title="<b>Boss</b> &lt;i&gt;", hiringOrganization={"name": "Acme"}))
    assert draft.title is not None and "<b>" not in draft.title and draft.title.startswith("Boss")


def test_javascript_url_in_json_ld_is_not_kept() -> None:
    draft = extract_posting(_posting(hiringOrganization={"name": "Acme"}, url="javascript:alert(1)"))
    assert draft.url is None


def test_deeply_nested_json_ld_is_contained() -> None:
    nested = '{"a":' * 5000 + "1" + "}" * 5000
    posting = json.dumps({"@type": "JobPosting", "title": "T", "hiringOrganization": "Co"})
    page = (
        f'<html><head><script type="application/ld+json">{nested}</script>'
        f'<script type="application/ld+json">{posting}</script></head></html>'
    )
    draft = extract_posting(page)
    assert (draft.title, draft.company) == ("T", "Co")


def test_huge_page_is_read_only_up_to_the_cap() -> None:
    filler = "<p>" + "x" * 1000 + "</p>"
    page = (
        "<html><head><title>Big</title></head><body>"
        + filler * (MAX_PAGE_CHARS // len(filler) + 2000)
        + "</body></html>"
    )
    assert len(page) > MAX_PAGE_CHARS
    started = time.perf_counter()
    draft = extract_posting(page)
    assert draft.page_title == "Big"
    assert time.perf_counter() - started < 60  # bounded work, not a timing target


def test_website_json_ld_is_not_a_posting() -> None:
    page = (
        '<html><head><title>Welcome</title><script type="application/ld+json">'
        '{"@type":"WebSite","name":"Board","url":"https://board.example"}</script></head></html>'
    )
    draft = extract_posting(page)
    assert draft.found_by is None and not draft.has_posting


def test_posting_inside_graph_and_type_list() -> None:
    data = {
        "@graph": [{"@type": "WebPage"}, {"@type": ["JobPosting"], "title": "T", "hiringOrganization": {"name": "C"}}]
    }
    draft = extract_posting(f'<script type="application/ld+json">{json.dumps(data)}</script>')
    assert (draft.title, draft.company, draft.found_by) == ("T", "C", "json-ld")


def test_salary_string_without_unit_and_a_small_amount_keeps_period_unknown() -> None:
    draft = extract_posting(
        _posting(hiringOrganization={"name": "C"}, baseSalary={"currency": "EUR", "minValue": "20", "maxValue": "25"})
    )
    assert (draft.salary_min, draft.salary_max, draft.salary_period) == (20, 25, None)


def test_an_oversized_json_ld_block_is_skipped() -> None:
    huge = json.dumps(
        {"@type": "JobPosting", "title": "Huge", "hiringOrganization": "Co", "description": "x" * 1_100_000}
    )
    page = f'<html><head><title>T</title><script type="application/ld+json">{huge}</script></head></html>'
    draft = extract_posting(page)
    assert draft.found_by is None and draft.title != "Huge"
