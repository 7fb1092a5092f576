"""Apify actor presets: which actor a short name means, the input it gets, and the normalized search criteria.

The criteria key is what lets a second profile be served from the pool instead of paying for a second actor run:
two searches share a key when they resolve to the same actor and their query, location (after NFKC, casefold and
whitespace collapsing), max items and input template are equal.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from app.errors import InvalidInput


@dataclass(frozen=True, slots=True)
class ActorPreset:
    """An Apify actor JobPool knows how to call; schema names its normalizer (None = detect from the items)."""

    key: str
    actor_id: str
    label: str
    schema: str | None


PRESETS: dict[str, ActorPreset] = {
    preset.key: preset
    for preset in (
        ActorPreset("linkedin", "curious_coder/linkedin-jobs-scraper", "LinkedIn", "linkedin-curious"),
        ActorPreset("linkedin-bebity", "bebity/linkedin-jobs-scraper", "LinkedIn (bebity, rented)", "linkedin-bebity"),
        ActorPreset("indeed", "misceres/indeed-scraper", "Indeed", "indeed-misceres"),
        ActorPreset("indeed-valig", "valig/indeed-jobs-scraper", "Indeed (valig)", "indeed-valig"),
    )
}

DEFAULT_TEMPLATE: dict[str, Any] = {"query": "{query}", "location": "{location}", "maxItems": "{max_items}"}
"""Input sent to an actor that is not a preset, unless the caller gives its own template."""

LINKEDIN_SEARCH_URL = "https://www.linkedin.com/jobs/search/"
LINKEDIN_MIN_COUNT = 10  # the curious_coder actor refuses a count below 10

# "user/actor-name" (or "user~actor-name" as in API paths), or a bare 17-character Apify id.
_ACTOR_ID = re.compile(r"^(?:[A-Za-z0-9][\w.-]*[/~][A-Za-z0-9][\w.-]*|[A-Za-z0-9]{17})$")
_PLACEHOLDER = re.compile(r"\{(query|location|max_items)\}")


def resolve_actor(preset_or_id: str) -> ActorPreset:
    """The preset named `preset_or_id` (case-insensitive), or an ad-hoc preset for an actor id such as user/name."""
    text = (preset_or_id or "").strip()
    preset = PRESETS.get(text.casefold())
    if preset is not None:
        return preset
    if not _ACTOR_ID.match(text):
        names = ", ".join(PRESETS)
        raise InvalidInput(
            f"unknown actor {text!r}: use a preset ({names}) or an Apify actor id such as username/actor-name"
        )
    actor_id = text.replace("~", "/")
    return ActorPreset(key=actor_id, actor_id=actor_id, label=actor_id, schema=None)


def build_run_input(
    preset: ActorPreset,
    query: str,
    location: str | None,
    max_items: int,
    template: Mapping[str, Any] | str | None = None,
) -> dict[str, Any]:
    """The actor input for a search; a template (dict or JSON text) overrides the preset's own input."""
    query, location, max_items = _checked(query, location, max_items)
    if template is None:
        builder = _BUILDERS.get(preset.key)
        if builder is not None:
            return builder(query, location, max_items)
    return _fill_template(parse_template(template), query, location, max_items)


def parse_template(template: Mapping[str, Any] | str | None) -> dict[str, Any]:
    """A JSON input template as a dict; None gives the default template."""
    if template is None:
        return dict(DEFAULT_TEMPLATE)
    if isinstance(template, str):
        try:
            template = json.loads(template)
        except ValueError as exc:
            raise InvalidInput(f"the actor input template is not valid JSON: {exc}") from None
    if not isinstance(template, Mapping):
        raise InvalidInput('the actor input template must be a JSON object, such as {"query": "{query}"}')
    return dict(template)


def criteria_dict(
    preset_or_id: str,
    query: str,
    location: str | None,
    max_items: int,
    template: Mapping[str, Any] | str | None = None,
) -> dict[str, Any]:
    """The normalized search criteria, as stored with an ingestion run and hashed by criteria_key.

    The preset is resolved to its actor id; query and location are NFKC-normalized, casefolded and their whitespace
    collapsed; a template (only when given) is kept as parsed JSON.
    """
    query, location, max_items = _checked(query, location, max_items)
    criteria: dict[str, Any] = {
        "actor": resolve_actor(preset_or_id).actor_id,
        "query": normalize_text(query),
        "location": normalize_text(location),
        "max_items": max_items,
    }
    if template is not None:
        criteria["template"] = parse_template(template)
    return criteria


def criteria_key(
    preset_or_id: str,
    query: str,
    location: str | None,
    max_items: int,
    template: Mapping[str, Any] | str | None = None,
) -> str:
    """sha256 hex of criteria_dict as sorted, compact JSON: equal searches get equal keys."""
    criteria = criteria_dict(preset_or_id, query, location, max_items, template)
    canonical = json.dumps(criteria, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(("criteria-v1|" + canonical).encode("utf-8")).hexdigest()


def normalize_text(text: str | None) -> str:
    """NFKC, casefold, whitespace collapsed and trimmed; None becomes ""."""
    return " ".join(unicodedata.normalize("NFKC", text or "").casefold().split())


def _checked(query: str, location: str | None, max_items: int) -> tuple[str, str, int]:
    query = " ".join((query or "").split())
    if not query:
        raise InvalidInput("enter a search query, such as a job title or keywords")
    if isinstance(max_items, bool) or not isinstance(max_items, int) or max_items < 1:
        raise InvalidInput(f"max items must be a whole number of at least 1, not {max_items!r}")
    return query, " ".join((location or "").split()), max_items


def _linkedin_curious(query: str, location: str, max_items: int) -> dict[str, Any]:
    params = {"keywords": query, "location": location} if location else {"keywords": query}
    url = f"{LINKEDIN_SEARCH_URL}?{urlencode(params, quote_via=quote)}"
    return {"urls": [url], "count": max(LINKEDIN_MIN_COUNT, max_items), "scrapeCompany": False}


def _linkedin_bebity(query: str, location: str, max_items: int) -> dict[str, Any]:
    return {"title": query, "rows": max_items} | ({"location": location} if location else {})


def _indeed_misceres(query: str, location: str, max_items: int) -> dict[str, Any]:
    return {"position": query, "country": "US", "maxItems": max_items} | ({"location": location} if location else {})


def _indeed_valig(query: str, location: str, max_items: int) -> dict[str, Any]:
    return {"country": "us", "title": query, "limit": max_items} | ({"location": location} if location else {})


_BUILDERS: dict[str, Callable[[str, str, int], dict[str, Any]]] = {
    "linkedin": _linkedin_curious,
    "linkedin-bebity": _linkedin_bebity,
    "indeed": _indeed_misceres,
    "indeed-valig": _indeed_valig,
}


def _fill_template(value: Any, query: str, location: str, max_items: int) -> Any:
    """Substitute placeholders in string values; a value that is exactly "{max_items}" becomes a number."""
    if isinstance(value, Mapping):
        return {key: _fill_template(item, query, location, max_items) for key, item in value.items()}
    if isinstance(value, list):
        return [_fill_template(item, query, location, max_items) for item in value]
    if not isinstance(value, str):
        return value
    if value == "{max_items}":
        return max_items
    values = {"query": query, "location": location, "max_items": str(max_items)}
    # One pass, so a query that itself contains "{location}" is sent as typed.
    return _PLACEHOLDER.sub(lambda match: values[match.group(1)], value)
