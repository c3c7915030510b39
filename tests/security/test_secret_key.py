"""Defect 5 of issue 14: an instance started without SECRET_KEY (`make run`) signs sessions
with its own random key, generated into instance/ on the first run, never with a key printed
in the source; only the testing configuration uses a fixed key."""
from __future__ import annotations

import stat

import pytest
from itsdangerous import URLSafeTimedSerializer

from smplatform import create_app

PUBLISHED = "dev-only-not-secret"


def _app(tmp_path, database_url, **extra):
    return create_app({"CONFIG": "development", "INSTANCE_PATH": str(tmp_path),
                       "SQLALCHEMY_DATABASE_URI": database_url, **extra})


@pytest.fixture(autouse=True)
def _no_secret_in_environment(monkeypatch):
    """As `make run` starts: no SECRET_KEY in the environment (the configuration classes read
    it when imported, so a developer's own variable is taken out of them too)."""
    import os
    if os.environ.get("SECRET_KEY"):
        from smplatform.config import Config
        monkeypatch.delenv("SECRET_KEY")
        monkeypatch.setattr(Config, "SECRET_KEY", None)


def test_first_run_generates_a_private_random_key(tmp_path, database_url):
    app = _app(tmp_path, database_url)
    key_file = tmp_path / "secret_key"
    key = app.config["SECRET_KEY"]
    assert (key == key_file.read_text().strip(), len(key) >= 64, key != PUBLISHED,
            stat.S_IMODE(key_file.stat().st_mode)) == (True, True, True, 0o600)


def test_the_key_is_kept_across_restarts_and_differs_per_instance(tmp_path, database_url):
    first = _app(tmp_path / "a", database_url).config["SECRET_KEY"]
    again = _app(tmp_path / "a", database_url).config["SECRET_KEY"]
    other = _app(tmp_path / "b", database_url).config["SECRET_KEY"]
    assert (first == again, first == other) == (True, False)


def test_a_session_signed_with_the_published_key_is_not_accepted(tmp_path, database_url):
    """What an attacker who read the source could forge: a session cookie for any user."""
    app = _app(tmp_path, database_url)
    forged = URLSafeTimedSerializer(PUBLISHED, salt="cookie-session", signer_kwargs={
        "key_derivation": "hmac", "digest_method": __import__("hashlib").sha1}
    ).dumps({"_user_id": "someone", "_fresh": True})
    interface = app.session_interface
    serializer = interface.get_signing_serializer(app)
    with pytest.raises(Exception, match="Signature"):
        serializer.loads(forged)


def test_a_configured_key_wins_and_writes_no_file(tmp_path, database_url):
    app = _app(tmp_path, database_url, SECRET_KEY="x" * 64)
    assert (app.config["SECRET_KEY"], (tmp_path / "secret_key").exists()) == ("x" * 64, False)


def test_the_published_key_is_refused_outside_testing(tmp_path, database_url):
    with pytest.raises(RuntimeError, match="published"):
        _app(tmp_path, database_url, SECRET_KEY=PUBLISHED)


def test_only_testing_has_a_fixed_key():
    from smplatform.config import CONFIGS
    fixed = {name for name, config in CONFIGS.items()
             if name != "testing" and "SECRET_KEY" in vars(config)}
    assert (fixed, bool(CONFIGS["testing"].SECRET_KEY)) == (set(), True)
