"""When a saved search runs next."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, timezone

import pytest

from app.errors import InvalidInput
from app.searches.schedule import Schedule, parse_days


def test_every_n_hours_counts_from_the_last_run() -> None:
    moment = datetime(2026, 11, 30, 9, 15, tzinfo=UTC)
    assert Schedule(6).next_after(moment) == moment + timedelta(hours=6)
    assert Schedule(6).text == "every 6 h"


def test_days_of_week_at_a_time_is_the_next_such_day_in_the_zone() -> None:
    zone = timezone(timedelta(hours=1))
    schedule = Schedule(days_of_week=parse_days("mon,thu"), at_time=time(8, 30))
    monday_morning = datetime(2026, 11, 30, 7, 0, tzinfo=zone)  # a Monday, before 08:30
    assert schedule.next_after(monday_morning, zone) == datetime(2026, 11, 30, 8, 30, tzinfo=zone)
    monday_later = datetime(2026, 11, 30, 8, 30, tzinfo=zone)  # exactly at the time: the next one
    assert schedule.next_after(monday_later, zone) == datetime(2026, 12, 3, 8, 30, tzinfo=zone)
    sunday = datetime(2026, 12, 6, 23, 0, tzinfo=zone)
    assert schedule.next_after(sunday, zone) == datetime(2026, 12, 7, 8, 30, tzinfo=zone)
    assert schedule.text == "mon, thu at 08:30"


@pytest.mark.parametrize(
    "kwargs",
    [{"every_hours": 0}, {"every_hours": -2}, {}, {"days_of_week": (1,)}, {"days_of_week": (9,), "at_time": time(1)}],
)
def test_a_schedule_without_a_time_to_run_is_refused(kwargs) -> None:
    with pytest.raises(InvalidInput):
        Schedule(**kwargs)


def test_unknown_day_names_are_refused() -> None:
    with pytest.raises(InvalidInput, match="unknown day"):
        parse_days("mon, someday")
