"""The backoff of failed e-mails: doubling from the base, capped."""
from datetime import datetime, timedelta, UTC

import pytest

from smplatform.rules.mail_retry import next_attempt_at, retry_delay

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)


def test_retry_delay_doubles_from_the_base_up_to_the_cap():
    delays = [retry_delay(n, base=MINUTE, cap=HOUR) for n in range(1, 10)]
    assert delays == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 60, 60, 60)]


def test_retry_delay_of_many_failures_is_the_cap():
    assert retry_delay(10_000, base=timedelta(days=1), cap=timedelta(days=7)) == timedelta(days=7)


def test_retry_delay_with_a_cap_below_the_base_is_the_cap():
    assert retry_delay(1, base=HOUR, cap=MINUTE) == MINUTE


def test_retry_delay_refuses_zero_failures():
    with pytest.raises(ValueError):
        retry_delay(0, base=MINUTE, cap=HOUR)


def test_next_attempt_at_is_the_failure_time_plus_the_delay():
    failed_at = datetime(2025, 3, 1, 2, 0, tzinfo=UTC)
    assert next_attempt_at(failed_at, 3, base=MINUTE, cap=HOUR) == failed_at + 4 * MINUTE
