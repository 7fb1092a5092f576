"""Fetching one job page over HTTP(S): bounded in time, size and redirects, and never another URL scheme."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from app.errors import InvalidInput, PageUnavailable

if TYPE_CHECKING:
    import httpx

MAX_PAGE_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5
MAX_URL_CHARS = 4096
_PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "application/ld+json")
# Job boards answer browsers; a plain client name gets a "please enable JavaScript" page or a 403 more often.
_HEADERS = {
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) JobPool/0.1",
    "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
    "Accept-Language": "en;q=0.9,*;q=0.5",
}


@dataclass(frozen=True, slots=True)
class FetchedPage:
    """A page as fetched: the URL it ended at (after redirects) and its text."""

    url: str
    markup: str


def checked_url(url: str) -> str:
    """The URL, trimmed, if it is an http(s) address with a host; InvalidInput otherwise."""
    text = (url or "").strip()
    if not text:
        raise InvalidInput("Enter the address of the job posting.")
    if len(text) > MAX_URL_CHARS:
        raise InvalidInput("That address is too long to be a job posting's.")
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise InvalidInput("Only http:// and https:// addresses can be added.")
    return text


_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}charset=["']?([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE)


def _declared_charset(head: bytes) -> str | None:
    """The charset a page declares in a <meta> tag, when its server did not say."""
    match = _META_CHARSET.search(head)
    return match.group(1).decode("ascii") if match else None


class PageFetcher:
    """Fetches job pages; one call is one page, with its redirects."""

    def __init__(
        self,
        *,
        timeout: float = 20.0,
        max_bytes: int = MAX_PAGE_BYTES,
        max_redirects: int = MAX_REDIRECTS,
    ) -> None:
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects

    def fetch(self, url: str) -> FetchedPage:
        """GET the page at url (http/https only), following at most max_redirects redirects."""
        import httpx  # loaded on the first fetch, not at start (a tenth of a second)

        current = checked_url(url)
        deadline = time.monotonic() + self.timeout
        try:
            with httpx.Client(follow_redirects=False, timeout=self.timeout, headers=_HEADERS) as client:
                for _hop in range(self.max_redirects + 1):
                    with client.stream("GET", current) as response:
                        if response.is_redirect:
                            target = response.headers.get("location", "")
                            current = checked_url(urljoin(current, target))
                            continue
                        return FetchedPage(str(response.url), self._read(response, deadline))
        except httpx.InvalidURL as exc:
            # httpx prepares the next hop itself and refuses an address it cannot fetch (javascript:, data:, ...).
            raise PageUnavailable("The page redirected to an address that is not http or https.") from exc
        except httpx.TimeoutException as exc:
            raise PageUnavailable(f"The page did not answer within {self.timeout:g} seconds.") from exc
        except httpx.HTTPError as exc:
            raise PageUnavailable(f"The page could not be fetched ({type(exc).__name__}: {exc}).") from exc
        raise PageUnavailable(f"The page redirected more than {self.max_redirects} times.")

    def _read(self, response: httpx.Response, deadline: float) -> str:
        if response.status_code >= 400:
            raise PageUnavailable(f"The site answered {response.status_code} {response.reason_phrase}.")
        kind = response.headers.get("content-type", "text/html").split(";", 1)[0].strip().lower()
        if kind and kind not in _PAGE_TYPES:
            raise PageUnavailable(f"That address is not a web page (it is {kind[:60]}).")
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise PageUnavailable(f"The page is larger than {self.max_bytes // (1024 * 1024)} MB.")
        body = bytearray()
        for chunk in response.iter_bytes():
            body.extend(chunk)
            if len(body) > self.max_bytes:
                raise PageUnavailable(f"The page is larger than {self.max_bytes // (1024 * 1024)} MB.")
            if time.monotonic() > deadline:
                raise PageUnavailable(f"The page did not arrive within {self.timeout:g} seconds.")
        encoding = response.charset_encoding or _declared_charset(bytes(body[:4096])) or "utf-8"
        try:
            return bytes(body).decode(encoding, errors="replace")
        except LookupError:
            return bytes(body).decode("utf-8", errors="replace")
