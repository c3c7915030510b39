"""When a failed e-mail may be tried again: exponential backoff with a cap.

After the n-th failed attempt an e-mail waits base × 2^(n-1), but never longer than cap:
with a base of 1 minute and a cap of 1 hour the waits are 1, 2, 4, 8, 16, 32, 60, 60 … minutes.
So an SMTP server that is down is asked once per e-mail per wait, not on every run.
"""
from __future__ import annotations

from datetime import datetime, timedelta


def retry_delay(failures: int, *, base: timedelta, cap: timedelta) -> timedelta:
    """The wait after the `failures`-th failed attempt (failures >= 1)."""
    if failures < 1:
        raise ValueError("failures must be at least 1")
    delay = base
    # Double until the cap is reached (a loop, not base * 2 ** (failures - 1): that would
    # overflow timedelta for a large number of failures).
    for _ in range(failures - 1):
        if delay >= cap:
            break
        delay *= 2
    return max(min(delay, cap), timedelta(0))


def next_attempt_at(attempted_at: datetime, failures: int, *, base: timedelta,
                    cap: timedelta) -> datetime:
    """When an e-mail that failed for the `failures`-th time at `attempted_at` is due again."""
    return attempted_at + retry_delay(failures, base=base, cap=cap)
