"""Fixtures of the ministry's tests: a batch, a ministry officer and their client (in English)."""
import pytest

from tests.support import selection as helpers


@pytest.fixture
def batch(app):
    return helpers.make_batch()


@pytest.fixture
def minister(make):
    return make.ministry()


@pytest.fixture
def ministry(minister, login_as):
    client = login_as(minister)
    client.post("/language", data={"lang": "en", "next": "/"})
    return client
