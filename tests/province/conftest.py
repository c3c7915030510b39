import pytest

from tests.province import helpers


@pytest.fixture
def batch(app, clock):
    clock.set(helpers.NOW)
    return helpers.batch()


@pytest.fixture
def officer(make, login_as, batch):
    user = make.province("440000")
    return user, login_as(user)
