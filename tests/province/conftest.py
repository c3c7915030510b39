import pytest

from tests.support import province as helpers
from tests.support.helpers import english




@pytest.fixture
def batch(app, clock):
    clock.set(helpers.NOW)
    return helpers.batch()


@pytest.fixture
def officer(make, login_as, batch):
    user = make.province("440000")
    return user, english(login_as(user))
