"""Fixtures of the security tests."""
from __future__ import annotations

import pytest

from smplatform import crypto


@pytest.fixture
def key_file_app(app, tmp_path):
    """The app reading its key ring from a key file (as deployed), holding the test keys."""
    path = tmp_path / "keys.json"
    crypto.write_key_file(path, app.config["KEYS"])
    saved = app.extensions["smplatform.keys"]
    app.config["KEYS"] = None
    app.config["KEY_FILE"] = str(path)
    app.extensions["smplatform.keys"] = crypto.KeyRing.from_file(path)
    yield app, path
    app.extensions["smplatform.keys"] = saved
