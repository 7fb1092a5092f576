"""The page fetcher against a local HTTP server: pages, redirects, caps, timeouts, refused schemes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.capture.extract import extract_posting
from app.capture.fetch import PageFetcher
from app.errors import InvalidInput, PageUnavailable
from tests.support.page_server import page_server


@pytest.fixture
def base() -> Iterator[str]:
    with page_server() as url:
        yield url


def test_fetches_a_sample_page_and_reads_its_posting(base: str) -> None:
    page = PageFetcher().fetch(f"{base}/pages/indeed_au_papercut_senior-devops-engineer.html")
    draft = extract_posting(page.markup, page.url)
    assert (draft.title, draft.company) == ("Senior DevOps Engineer", "PaperCut Software")


def test_follows_a_few_redirects_and_reports_the_final_address(base: str) -> None:
    page = PageFetcher(max_redirects=3).fetch(f"{base}/redirect/3")
    assert page.url.endswith("/pages/lever_leverdemo_software-engineer.html")
    assert "Lever Demo 2" in page.markup


def test_too_many_redirects_are_refused(base: str) -> None:
    with pytest.raises(PageUnavailable, match="redirected more than 2"):
        PageFetcher(max_redirects=2).fetch(f"{base}/redirect/5")


def test_a_redirect_to_another_scheme_is_refused(base: str) -> None:
    with pytest.raises(PageUnavailable, match="redirected to an address that is not http"):
        PageFetcher().fetch(f"{base}/to-javascript")


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "file:///etc/passwd", "ftp://example.com/x", "data:text/html,x"]
)
def test_other_schemes_are_refused_before_any_request(url: str) -> None:
    with pytest.raises(InvalidInput, match="Only http"):
        PageFetcher().fetch(url)


def test_a_huge_page_stops_at_the_size_cap(base: str) -> None:
    with pytest.raises(PageUnavailable, match="larger than 1 MB"):
        PageFetcher(max_bytes=1024 * 1024).fetch(f"{base}/huge")


def test_a_slow_page_times_out(base: str) -> None:
    with pytest.raises(PageUnavailable, match=r"did not answer within 0\.5 seconds"):
        PageFetcher(timeout=0.5).fetch(f"{base}/slow")


def test_a_non_html_response_is_refused(base: str) -> None:
    with pytest.raises(PageUnavailable, match="not a web page"):
        PageFetcher().fetch(f"{base}/pdf")


def test_an_error_status_is_reported(base: str) -> None:
    with pytest.raises(PageUnavailable, match="410"):
        PageFetcher().fetch(f"{base}/gone")


def test_a_page_in_a_declared_charset_is_decoded_with_it(base: str) -> None:
    page = PageFetcher().fetch(f"{base}/latin1")
    assert "Café job" in page.markup
