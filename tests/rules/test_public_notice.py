"""The public notice's dates: working days, the minimum length, no backdating, publication
only after the last day."""
from datetime import date

import pytest

from smplatform.rules import public_notice as rules
from smplatform.rules.working_days import Calendar, parse_days

# 2023-08-01 is a Tuesday; 2023-08-05/06 the weekend.
TUE, FRI, SAT, SUN, MON = (date(2023, 8, d) for d in (1, 4, 5, 6, 7))


def test_weekends_are_not_working_days():
    calendar = Calendar()
    assert [calendar.is_working_day(d) for d in (TUE, FRI, SAT, SUN, MON)] == [
        True, True, False, False, True]


def test_holidays_and_makeup_days_from_settings():
    calendar = Calendar(holidays=parse_days("2023-08-02, 2023-08-03"),
                        makeup_days=parse_days(["2023-08-05"]))
    assert [calendar.is_working_day(date(2023, 8, d)) for d in range(1, 7)] == [
        True, False, False, True, True, False]


def test_parse_days_refuses_a_typo():
    with pytest.raises(ValueError):
        parse_days("2023-02-30")


def test_working_days_count_both_ends():
    assert Calendar().working_days(TUE, MON) == 5
    assert Calendar().working_days(MON, TUE) == 0


def test_earliest_end_skips_the_weekend():
    policy = rules.NoticePolicy()
    assert policy.earliest_end(TUE) == MON
    assert policy.earliest_end(SAT) == date(2023, 8, 11)  # Mon 7 .. Fri 11


def test_earliest_end_skips_a_listed_holiday():
    policy = rules.NoticePolicy(calendar=Calendar(holidays=frozenset({FRI})))
    assert policy.earliest_end(TUE) == date(2023, 8, 8)


@pytest.mark.parametrize("starts_on, ends_on, today, expected", [
    (TUE, MON, TUE, []),
    (TUE, MON, date(2023, 7, 31), []),
    (TUE, MON, date(2023, 8, 2), [rules.STARTS_IN_PAST]),
    (TUE, SUN, TUE, [rules.TOO_SHORT]),
    (MON, TUE, TUE, [rules.ENDS_BEFORE_START]),
    (TUE, TUE, MON, [rules.STARTS_IN_PAST, rules.TOO_SHORT]),
])
def test_problems(starts_on, ends_on, today, expected):
    assert rules.NoticePolicy().problems(starts_on=starts_on, ends_on=ends_on,
                                         today=today) == expected


def test_minimum_is_configurable():
    policy = rules.NoticePolicy(min_working_days=7)
    assert policy.problems(starts_on=TUE, ends_on=MON, today=TUE) == [rules.TOO_SHORT]
    assert policy.earliest_end(TUE) == date(2023, 8, 9)


def test_publication_only_after_the_last_day():
    assert (rules.may_publish(ends_on=MON, today=MON),
            rules.may_publish(ends_on=MON, today=date(2023, 8, 8))) == (False, True)
    assert rules.publishable_from(MON) == date(2023, 8, 8)
