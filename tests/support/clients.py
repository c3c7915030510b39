"""The test client (a browser's CSRF token and one application context per request) and the
controllable clock; the fixtures that make them are in tests/conftest.py."""
from __future__ import annotations

import contextvars
import re
from datetime import datetime, UTC

from flask.testing import FlaskClient


CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


class Clock:
    """A controllable clock: tests set the time the server sees."""

    def __init__(self, app):
        self.app = app
        self.current: datetime | None = None
        app.config["CLOCK"] = self

    def __call__(self) -> datetime:
        return self.current or datetime.now(UTC)

    def set(self, value: datetime) -> None:
        if value.tzinfo is None:
            raise ValueError("use an aware datetime")
        self.current = value

    def advance(self, **delta) -> None:
        from datetime import timedelta
        self.current = self() + timedelta(**delta)


class CSRFClient(FlaskClient):
    """A test client that sends the CSRF token with every form post, as a browser would.

    Pass csrf=False to post without it (to test the refusal). Each request runs in its own
    application context, as in production, even though the test holds one open: otherwise
    `g` (the signed-in user) and the database session would leak from request to request.
    After a request, call db.session.expire_all() before reading what it changed.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)

    def csrf_token(self) -> str:
        page = super().get("/")
        return CSRF_RE.search(page.get_data(as_text=True)).group(1)

    def post(self, *args, csrf: bool = True, **kwargs):
        if csrf:
            data = kwargs.setdefault("data", {})
            if isinstance(data, dict) and "csrf_token" not in data:
                data["csrf_token"] = self.csrf_token()
        return super().post(*args, **kwargs)
