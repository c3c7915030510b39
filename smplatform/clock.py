"""The one place the platform asks for the time.

Deadlines are enforced on the server against this clock. Tests and demos replace it by setting
app.config["CLOCK"] to a zero-argument callable returning an aware datetime.
"""
from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

CHINA = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    """The current time, timezone-aware, in UTC."""
    if has_app_context():
        clock = current_app.config.get("CLOCK")
        if clock is not None:
            return clock().astimezone(UTC)
    return datetime.now(UTC)


def china(dt: datetime) -> datetime:
    """The same instant in China Standard Time, for display and for date rules."""
    return dt.astimezone(CHINA)
