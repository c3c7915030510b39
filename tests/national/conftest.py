"""Fixtures of the national dashboard and the selection wiring tests."""
import pytest

from tests.selection import helpers
from tests.selection.conftest import minister, ministry  # noqa: F401  (fixtures)


@pytest.fixture
def batch(app):
    return helpers.make_batch()
