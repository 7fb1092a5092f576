"""What a board filter asks for: free text, tags, a priority, a minimum yearly salary.

The window's search box and `board --search` take one line of text; words such as `tag:remote`,
`priority:high` and `salary:90k` in it become filters, the rest stays a full-text search.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

from app.errors import InvalidInput

PRIORITIES = ("low", "medium", "high")
# A salary filter compares yearly amounts: a posting paid by the hour works 2,080 hours a year (40 × 52).
PERIOD_TO_YEAR = {"year": 1, "month": 12, "week": 52, "day": 260, "hour": 2080}
MAX_TAG_LENGTH = 40
MAX_TAGS = 50

_FILTER_WORD = re.compile(r'(?i)(?<!\S)(tag|priority|salary):(?:"([^"]*)"|(\S*))')
_SPACE = re.compile(r"\s+")
DUE_WORD = re.compile(r"(?<!\S)due:(?!\S)", re.IGNORECASE)  # only cards whose follow-up is due
_AMOUNT = re.compile(r"(?i)^\$?\s*(\d+(?:[.,]\d+)*)\s*(k)?$")


def normalize_tag(value: str) -> str:
    """A tag as stored and matched: NFKC, casefolded, control characters dropped, spaces collapsed."""
    text = unicodedata.normalize("NFKC", value)
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    text = _SPACE.sub(" ", text).strip().casefold()
    if not text:
        raise InvalidInput("A tag cannot be empty.")
    if len(text) > MAX_TAG_LENGTH:
        raise InvalidInput(f"A tag has at most {MAX_TAG_LENGTH} characters.")
    return text


def normalize_tags(values: Iterable[str]) -> list[str]:
    """Tags normalized, duplicates dropped, first spelling first."""
    return list(dict.fromkeys(normalize_tag(v) for v in values))


def parse_priority(value: str | None) -> str | None:
    """low / medium / high (any case), or None for an empty value."""
    if value is None or not value.strip():
        return None
    text = value.strip().lower()
    if text not in PRIORITIES:
        raise InvalidInput(f"Unknown priority “{value}”. Use one of: {', '.join(PRIORITIES)}.")
    return text


def parse_amount(value: str) -> Decimal:
    """A salary amount: 90000, 90,000, 90k, $95.5k."""
    match = _AMOUNT.match(value.strip())
    if match is None:
        raise InvalidInput(f"“{value}” is not a salary amount (for example 90000 or 90k).")
    digits = match.group(1).replace(",", "")
    try:
        amount = Decimal(digits)
    except InvalidOperation:
        raise InvalidInput(f"“{value}” is not a salary amount (for example 90000 or 90k).") from None
    return amount * 1000 if match.group(2) else amount


def yearly(amount: Decimal | float | int, period: str | None) -> Decimal:
    """An amount paid per period as a yearly amount (an unknown period counts as a year)."""
    return Decimal(amount) * PERIOD_TO_YEAR.get((period or "year").lower(), 1)


@dataclass(frozen=True, slots=True)
class CardFilter:
    """Which cards a board shows; every part is optional and the parts combine with AND."""

    text: str | None = None
    tags: tuple[str, ...] = ()
    priority: str | None = None
    min_salary: Decimal | None = None
    due: bool = False  # only cards whose follow-up is due today or overdue

    @property
    def shape(self) -> tuple[bool, int, bool, bool, bool]:
        """What the SQL for this filter looks like (its values are bind parameters)."""
        return (bool(self.text), len(self.tags), self.priority is not None, self.min_salary is not None, self.due)

    @property
    def active(self) -> bool:
        """Whether the filter leaves any card out."""
        return any(self.shape)

    def combined(self, other: CardFilter) -> CardFilter:
        """Both filters at once (the other's priority and salary win where both set one)."""
        text = " ".join(t for t in (self.text, other.text) if t) or None
        return replace(
            self,
            text=text,
            tags=tuple(dict.fromkeys((*self.tags, *other.tags))),
            priority=other.priority or self.priority,
            min_salary=other.min_salary if other.min_salary is not None else self.min_salary,
            due=self.due or other.due,
        )


def parse_search(search: str | None) -> CardFilter:
    """A filter from a search line: `tag:x`, `tag:"two words"`, `priority:high`, `salary:90k`, `due:`; the rest is
    text."""
    if not search:
        return CardFilter()
    due = bool(DUE_WORD.search(search))
    search = DUE_WORD.sub(" ", search)
    tags: list[str] = []
    priority: str | None = None
    min_salary: Decimal | None = None
    for match in _FILTER_WORD.finditer(search):
        key = match.group(1).lower()
        value = match.group(2) if match.group(2) is not None else match.group(3)
        if not value.strip():
            continue
        if key == "tag":
            tags.append(normalize_tag(value))
        elif key == "priority":
            priority = parse_priority(value)
        else:
            min_salary = parse_amount(value.lstrip(">="))
    text = _SPACE.sub(" ", _FILTER_WORD.sub(" ", search)).strip() or None
    return CardFilter(text=text, tags=tuple(dict.fromkeys(tags)), priority=priority, min_salary=min_salary, due=due)
