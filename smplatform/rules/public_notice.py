"""The public notice (公示) of a batch's shortlist: when it may run, when the list may be
published. Dates are days in China Standard Time. Pure: no Flask, no database.

- A notice starts today or later: it cannot be backdated.
- It lasts at least `min_working_days` working days (rules/working_days.py), the first and
  the last day included; five working days is the common minimum for such lists.
- The final list can be published only after the notice has ended: from the day after its
  last day on.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from smplatform.rules.working_days import Calendar

DEFAULT_MIN_WORKING_DAYS = 5

# Problems with a proposed notice period (the service words them for the user).
STARTS_IN_PAST = "starts_in_past"
ENDS_BEFORE_START = "ends_before_start"
TOO_SHORT = "too_short"


@dataclass(frozen=True)
class NoticePolicy:
    calendar: Calendar = Calendar()
    min_working_days: int = DEFAULT_MIN_WORKING_DAYS

    def earliest_end(self, starts_on: date) -> date:
        """The first day a notice starting on `starts_on` may end on."""
        return self.calendar.last_of(starts_on, self.min_working_days)

    def problems(self, *, starts_on: date, ends_on: date, today: date) -> list[str]:
        """Every rule the proposed period breaks, most basic first."""
        found = []
        if starts_on < today:
            found.append(STARTS_IN_PAST)
        if ends_on < starts_on:
            found.append(ENDS_BEFORE_START)
        elif self.calendar.working_days(starts_on, ends_on) < self.min_working_days:
            found.append(TOO_SHORT)
        return found


def publishable_from(ends_on: date) -> date:
    """The first day the final list may be published: the day after the notice's last day."""
    return ends_on + timedelta(days=1)


def may_publish(*, ends_on: date, today: date) -> bool:
    return today >= publishable_from(ends_on)


def running(*, starts_on: date, ends_on: date, today: date) -> bool:
    """Is the notice period going on today (objections are taken)?"""
    return starts_on <= today <= ends_on
