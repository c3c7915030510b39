"""Fixtures of the browser tests (the shared Chromium and live server come from tests/conftest.py)."""
from tests.support.selection_browser import browser  # noqa: F401  (a fixture)
