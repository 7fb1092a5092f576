"""Search-line filters (tag:, priority:, salary:) and salary periods normalized to a year."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.card_filter import CardFilter, normalize_tag, parse_amount, parse_search, yearly
from app.errors import InvalidInput


def test_filter_words_are_taken_out_of_the_search_text() -> None:
    f = parse_search('python Tag:Remote tag:"Dream  Job" priority:HIGH salary:90k berlin')
    assert f.text == "python berlin"
    assert f.tags == ("remote", "dream job")
    assert f.priority == "high"
    assert f.min_salary == Decimal(90_000)


def test_plain_text_is_plain_search_and_empty_is_no_filter() -> None:
    assert parse_search("data engineer") == CardFilter(text="data engineer")
    assert not parse_search(None).active and not parse_search("   ").active
    # A word that only contains "tag:" in its middle is text, not a filter.
    assert parse_search("hashtag:x").tags == ()


def test_bad_filter_values_are_user_errors() -> None:
    with pytest.raises(InvalidInput):
        parse_search("priority:urgent")
    with pytest.raises(InvalidInput):
        parse_search("salary:lots")
    with pytest.raises(InvalidInput):
        normalize_tag("x" * 41)
    with pytest.raises(InvalidInput):
        normalize_tag(" \t ")


def test_tags_are_normalized() -> None:
    assert normalize_tag("  Remote\u200b  FIRST\x07 ") == "remote first"
    assert normalize_tag("ＲＥＭＯＴＥ") == "remote"


@pytest.mark.parametrize(
    ("amount", "period", "year"),
    [
        (50, "hour", 104_000),
        (400, "day", 104_000),
        (2000, "week", 104_000),
        (8000, "month", 96_000),
        (90_000, "year", 90_000),
        (90_000, None, 90_000),
    ],
)
def test_salary_periods_normalize_to_a_year(amount: int, period: str | None, year: int) -> None:
    assert yearly(amount, period) == year


def test_amounts() -> None:
    assert parse_amount("95,500") == Decimal(95_500)
    assert parse_amount("$95.5k") == Decimal("95500.0")


def test_combined_filters_keep_both_sides() -> None:
    f = parse_search("python tag:a").combined(CardFilter(tags=("b",), priority="low", min_salary=Decimal(1)))
    assert f == CardFilter(text="python", tags=("a", "b"), priority="low", min_salary=Decimal(1))
