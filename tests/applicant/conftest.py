"""Applicant tests read English messages: their clients ask for English explicitly, since
the platform's default language is Simplified Chinese."""
from __future__ import annotations

import pytest


@pytest.fixture
def login_as(login_as):
    def _login(user, *args, **kwargs):
        client = login_as(user, *args, **kwargs)
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client
    return _login
