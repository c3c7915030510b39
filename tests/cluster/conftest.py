"""The cluster for `make test-cluster` (tests/cluster/servers.py), started once for the run.

The tests reach the platform only through nginx, as users do; they prepare data and check the
outcome with an app of their own on the same PostgreSQL (directly), Redis and bucket. The
root conftest's `app` fixture cleans the database and resets the rate limits (in Redis)
before each test, as in every other test.
"""
from __future__ import annotations

import sys

import pytest

from smplatform import create_app
from smplatform.extensions import db
from tests.cluster.servers import Cluster


@pytest.fixture(scope="session")
def _cluster_backends(tmp_path_factory):
    cluster = Cluster(tmp_path_factory.mktemp("cluster"))
    try:
        cluster.start_backends()
    except Exception:
        cluster.stop()
        raise
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def database_url(_cluster_backends):
    return _cluster_backends.direct_url


@pytest.fixture(scope="session")
def _session_app(_cluster_backends, tmp_path_factory):
    app = create_app({"CONFIG": "testing", "UPLOAD_DIR": str(tmp_path_factory.mktemp("staging")),
                      "SERVER_NAME": None, **_cluster_backends.app_settings()})
    with app.app_context():
        from flask_migrate import upgrade
        from smplatform.services.reference import load_reference_data
        upgrade()
        load_reference_data()
        db.session.commit()
    return app


@pytest.fixture(scope="session")
def _cluster_nodes(_session_app, _cluster_backends):
    cluster = _cluster_backends
    try:
        cluster.start_nodes()
    except Exception:
        print(cluster.logs(), file=sys.stderr)
        raise
    return cluster


@pytest.fixture
def cluster(_cluster_nodes, app, request):
    """The running cluster (any node a previous test killed is started again)."""
    _cluster_nodes.restart_dead_nodes()
    yield _cluster_nodes
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        print(_cluster_nodes.logs(), file=sys.stderr)


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
