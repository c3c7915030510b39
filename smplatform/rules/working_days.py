"""Working days (工作日) in China Standard Time: what the public notice's minimum counts.

A working day is Monday to Friday, unless it is a public holiday (法定节假日); a Saturday or
Sunday the State Council declares a make-up working day (调休上班) counts as one. The State
Council publishes each year's holidays and make-up days only in the December before, so the
platform cannot know them in advance: a deployment lists them in its settings
(`SMPLATFORM_PUBLIC_HOLIDAYS`, `SMPLATFORM_MAKEUP_WORKING_DAYS`, ISO dates), and without
them only weekends are non-working days. Pure: no Flask, no database.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Calendar:
    """Which days are working days: weekdays, less `holidays`, plus `makeup_days`."""

    holidays: frozenset[date] = frozenset()
    makeup_days: frozenset[date] = frozenset()

    def is_working_day(self, day: date) -> bool:
        if day in self.makeup_days:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def working_days(self, first: date, last: date) -> int:
        """How many working days lie from `first` to `last`, both included (0 if reversed)."""
        count, day = 0, first
        while day <= last:
            count += self.is_working_day(day)
            day += timedelta(days=1)
        return count

    def last_of(self, first: date, n: int) -> date:
        """The day on which a period starting on `first` has lasted `n` working days (the
        n-th working day from `first` on, `first` included when it is one)."""
        if n < 1:
            raise ValueError("a period lasts at least one working day")
        day, seen = first, 0
        while True:
            seen += self.is_working_day(day)
            if seen == n:
                return day
            day += timedelta(days=1)


def parse_days(text: str | Iterable[str] | None) -> frozenset[date]:
    """ISO dates from a setting: a comma- or space-separated string, or a list of strings.
    Raises ValueError on anything that is not a date (a deployment's typo must not pass)."""
    if not text:
        return frozenset()
    items = text.replace(",", " ").split() if isinstance(text, str) else list(text)
    return frozenset(date.fromisoformat(item.strip()) for item in items if item.strip())
