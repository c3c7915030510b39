import pytest

from tests.province import helpers


def english(client):
    """Switch a client's session to English (assertions read the English message ids)."""
    client.post("/language", data={"lang": "en", "next": "/"})
    return client


@pytest.fixture
def batch(app, clock):
    clock.set(helpers.NOW)
    return helpers.batch()


@pytest.fixture
def officer(make, login_as, batch):
    user = make.province("440000")
    return user, english(login_as(user))
