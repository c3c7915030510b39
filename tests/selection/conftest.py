"""Fixtures of the selection tests: the ministry's and experts' clients, a batch."""
import pytest

from tests.selection import helpers
from tests.selection.browser_kit import browser  # noqa: F401  (fixture)


@pytest.fixture
def batch(app):
    return helpers.make_batch()


@pytest.fixture
def minister(make):
    return make.ministry(admin=False)


@pytest.fixture
def ministry(minister, login_as):
    client = login_as(minister)
    client.post("/language", data={"lang": "en", "next": "/"})
    return client


def english(client):
    client.post("/language", data={"lang": "en", "next": "/"})
    return client
