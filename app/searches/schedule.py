"""When a saved search runs next: every N hours, or on some days of the week at a local time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo

from app.errors import InvalidInput

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, slots=True)
class Schedule:
    """Every `every_hours`, or on `days_of_week` (0 = Monday) at `at_time` in the machine's time zone."""

    every_hours: int | None = None
    days_of_week: tuple[int, ...] = ()
    at_time: time | None = None

    def __post_init__(self) -> None:
        if self.every_hours is not None:
            if self.every_hours <= 0:
                raise InvalidInput("--every takes a whole number of hours, 1 or more.")
            return
        if not self.days_of_week or self.at_time is None:
            raise InvalidInput("A schedule needs every N hours, or days of the week and a time.")
        if any(day not in range(7) for day in self.days_of_week):
            raise InvalidInput("Days of the week are 0 (Monday) to 6 (Sunday).")

    @property
    def text(self) -> str:
        """ "every 6 h" or "mon, thu at 08:30"."""
        if self.every_hours is not None:
            return f"every {self.every_hours} h"
        days = ", ".join(DAY_NAMES[d] for d in sorted(set(self.days_of_week)))
        assert self.at_time is not None
        return f"{days} at {self.at_time.strftime('%H:%M')}"

    def next_after(self, moment: datetime, zone: tzinfo | None = None) -> datetime:
        """The first run time strictly after `moment` (time zone aware)."""
        if self.every_hours is not None:
            return moment + timedelta(hours=self.every_hours)
        assert self.at_time is not None
        local = moment.astimezone(zone)  # None: the machine's local zone
        for offset in range(8):
            day = local.date() + timedelta(days=offset)
            if day.weekday() not in self.days_of_week:
                continue
            candidate = datetime.combine(day, self.at_time, tzinfo=local.tzinfo)
            if zone is None:
                # The local offset of that day (summer time may differ from today's).
                candidate = datetime.combine(day, self.at_time).astimezone()
            if candidate > moment:
                return candidate
        raise AssertionError("a weekly schedule always has a next day")


def parse_days(days: Sequence[str] | str) -> tuple[int, ...]:
    """ "mon,thu" or ["mon", "thu"] as (0, 3)."""
    words = days.replace(",", " ").split() if isinstance(days, str) else list(days)
    out = []
    for word in words:
        key = word.strip().casefold()[:3]
        if key not in DAY_NAMES:
            raise InvalidInput(f"unknown day {word!r}: use mon, tue, wed, thu, fri, sat, sun")
        out.append(DAY_NAMES.index(key))
    return tuple(sorted(set(out)))
