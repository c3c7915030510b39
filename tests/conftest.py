"""Shared fixtures: the app on SQLite or a real PostgreSQL, clients, sign-in, factories, clock.

SMPLATFORM_TEST_DB=postgresql runs the whole suite against a throw-away PostgreSQL server
(tests/support/pg.py); the default is a SQLite file. The schema is built by the real migrations.
"""
from __future__ import annotations

import os
import shutil
import sys

import pytest
from sqlalchemy import text

from smplatform import create_app
from smplatform.extensions import db, limiter

from tests.support import factories
from tests.support.browser import _browser, browser_page, browser_page_en, live_server  # noqa: F401,E501
from tests.support.clients import CSRFClient, Clock

BACKEND = os.environ.get("SMPLATFORM_TEST_DB", "sqlite")
# SMPLATFORM_TEST_STORAGE=s3 keeps every test's uploads in a bucket of a throw-away
# S3-compatible server (tests/support/s3.py) instead of a local directory.
STORAGE = os.environ.get("SMPLATFORM_TEST_STORAGE", "local")
REFERENCE_TABLES = {"unit", "city", "alembic_version"}
# The cluster test (tests/cluster/: PostgreSQL, PgBouncer, Redis, S3, two app nodes, nginx)
# runs on its own: `make test-cluster`.
collect_ignore = [] if os.environ.get("SMPLATFORM_TEST_CLUSTER") else ["cluster"]


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only: runs only on the SQLite backend")
    config.addinivalue_line("markers", "browser: drives headless Chromium")


def pytest_collection_modifyitems(config, items):
    if BACKEND == "sqlite":
        return
    skip = pytest.mark.skip(reason=f"SQLite only (backend: {BACKEND})")
    for item in items:
        if item.get_closest_marker("sqlite_only"):
            item.add_marker(skip)


def pytest_report_header(config):
    return f"smplatform test database backend: {BACKEND}, file store: {STORAGE}"


@pytest.fixture(scope="session")
def s3_server():
    """An S3-compatible server (moto) for this test run."""
    from tests.support.s3 import TestS3Server
    server = TestS3Server().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    if BACKEND == "postgresql":
        url = os.environ.get("SMPLATFORM_TEST_PG_URL")
        server = None
        if not url:
            from tests.support.pg import TestPostgres
            server = TestPostgres()
            try:
                server.start()
                worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
                url = server.create_database(f"smplatform_test_{worker}")
            except Exception as error:  # noqa: BLE001
                server.stop()
                if os.environ.get("CI"):
                    raise
                message = f"PostgreSQL could not be started here ({error}); SKIPPING"
                print("\n" + "!" * 78 + "\n" + message + "\n" + "!" * 78, file=sys.stderr)
                pytest.skip(message)
        yield url
        if server is not None:
            server.stop()
    else:
        path = tmp_path_factory.mktemp("db") / "test.sqlite3"
        yield f"sqlite:///{path}"


@pytest.fixture(scope="session")
def _session_app(database_url, tmp_path_factory, request):
    from smplatform.documents.signing import create_demo_certificate
    signing_dir = tmp_path_factory.mktemp("signing")
    create_demo_certificate(signing_dir / "key.pem", signing_dir / "cert.pem",
                            passphrase="test-passphrase")
    settings = {
        "CONFIG": "testing",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "UPLOAD_DIR": str(tmp_path_factory.mktemp("uploads")),
        "SERVER_NAME": None,
        "SIGNING_KEY_PATH": str(signing_dir / "key.pem"),
        "SIGNING_CERT_PATH": str(signing_dir / "cert.pem"),
        "SIGNING_PASSPHRASE": "test-passphrase",
    }
    if STORAGE == "s3":
        server = request.getfixturevalue("s3_server")
        settings.update(server.config(server.bucket()))
    app = create_app(settings)
    with app.app_context():
        from flask_migrate import upgrade
        from smplatform.services.reference import load_reference_data
        upgrade()
        load_reference_data()
        db.session.commit()
    return app


def _clean_database() -> None:
    tables = [t for t in reversed(db.metadata.sorted_tables) if t.name not in REFERENCE_TABLES]
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    from smplatform.models import AuditChainHead
    from smplatform.rules.audit_chain import GENESIS
    db.session.add(AuditChainHead(id=1, seq=0, last_hash=GENESIS))
    db.session.commit()


def _clean_store(app) -> None:
    if app.config["STORAGE_BACKEND"] != "local":
        from smplatform import filestore
        store = filestore.store()
        for entry in list(store.entries()):
            store.delete(entry.key)


@pytest.fixture(params=["local", "s3"])
def storage_backend(request, app):
    """Each file store in turn: the local directory, then a bucket of its own on the test
    S3 server. Returns the backend's name."""
    if request.param == "s3":
        server = request.getfixturevalue("s3_server")
        app.config.update(server.config(server.bucket()))
    else:
        app.config["STORAGE_BACKEND"] = "local"
    return request.param


@pytest.fixture
def local_store(app):
    """The local directory as the file store, whatever store the suite runs with (tests of
    the directory itself: a full disk, files left in it)."""
    app.config["STORAGE_BACKEND"] = "local"
    return app


@pytest.fixture
def app(_session_app):
    """The application, with a clean database (reference data kept) and its default config."""
    saved = dict(_session_app.config)
    uploads = _session_app.config["UPLOAD_DIR"]
    shutil.rmtree(uploads, ignore_errors=True)
    os.makedirs(uploads)
    with _session_app.app_context():
        _clean_database()
        _clean_store(_session_app)
        limiter.reset()
        yield _session_app
        db.session.rollback()
        db.session.remove()
    _session_app.config.clear()
    _session_app.config.update(saved)




@pytest.fixture
def clock(app):
    return Clock(app)




@pytest.fixture
def client(app):
    app.test_client_class = CSRFClient
    return app.test_client()


@pytest.fixture
def login_as(app):
    """Sign a user in through the real sign-in form, and its second step (the code computed
    from the enrolled secret: tests/support/two_factor.py); returns a fresh client for that user."""
    from tests.support.two_factor import pass_second_step

    def _login(user, password: str = factories.PASSWORD) -> CSRFClient:
        app.test_client_class = CSRFClient
        c = app.test_client()
        response = c.post("/account/sign-in", data={"username": user.username,
                                                     "password": password})
        response = pass_second_step(c, response, user.username)
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        assert not response.headers["Location"].startswith("/account/sign-in"), \
            response.headers["Location"]
        return c
    return _login


@pytest.fixture
def make(app):
    """Factories for users of every role: make.applicant(), make.province("440000"), ..."""
    return factories.Factories()
