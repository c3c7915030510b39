"""What operators see of a running node: a request id on every request, JSON logs, and
Prometheus metrics.

- Request id: nginx passes `X-Request-ID` (deploy/nginx-proxy.conf: its `$request_id`); the
  app takes it (or makes one when there is no proxy), puts it on every log line of the
  request and answers with it, so nginx's log, the app's log and what a user reports match.
- Logs: with LOG_FORMAT = "json", one JSON object per line on stderr: time, level, logger,
  message, request_id, node (NODE_NAME), pid; and one line per request (method, path,
  endpoint, status, duration).
- Metrics (prometheus_client): requests by endpoint, method and status; their duration by
  endpoint; database connections in use and open per process; the outbox's unsent e-mails
  (counted when scraped); autosave conflicts. Under gunicorn every worker writes its values
  to PROMETHEUS_MULTIPROC_DIR (gunicorn.conf.py sets and empties it), and a scrape adds them
  up, so the figures cover the whole node whichever worker answers. `GET /metrics` answers
  only the networks in METRICS_NETWORKS or a request bearing METRICS_TOKEN.
"""
from __future__ import annotations

import hmac
import ipaddress
import json
import logging
import os
import re
import sys
import time
import uuid
from dataclasses import dataclass

from flask import Flask, Response, g, has_request_context, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily

_MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))

REQUESTS = Counter("smplatform_http_requests_total", "HTTP requests answered",
                   ["endpoint", "method", "status"])
LATENCY = Histogram("smplatform_http_request_duration_seconds",
                    "Time from the request's start to its answer", ["endpoint", "method"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
DB_IN_USE = Gauge("smplatform_db_connections_in_use",
                  "Database connections checked out of the pool", multiprocess_mode="livesum")
DB_OPEN = Gauge("smplatform_db_connections_open",
                "Database connections the pool holds open", multiprocess_mode="livesum")
AUTOSAVE_CONFLICTS = Counter("smplatform_autosave_conflicts_total",
                             "Saves refused because someone else changed the same fields",
                             ["form"])

_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


# ----------------------------------------------------------------------------- request id

def request_id() -> str | None:
    return g.get("request_id") if has_request_context() else None


def _start_request() -> None:
    given = request.headers.get("X-Request-ID", "")
    g.request_id = given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _finish_request(response):
    response.headers["X-Request-ID"] = g.get("request_id", "")
    started = g.get("request_started")
    if started is None:
        return response
    duration = time.perf_counter() - started
    endpoint = request.endpoint or "none"
    REQUESTS.labels(endpoint, request.method, str(response.status_code)).inc()
    LATENCY.labels(endpoint, request.method).observe(duration)
    if _json_logs:
        logging.getLogger("smplatform.request").info(
            "%s %s %s", request.method, request.path, response.status_code,
            extra={"fields": {"method": request.method, "path": request.path,
                              "endpoint": endpoint, "status": response.status_code,
                              "duration_ms": round(duration * 1000, 1),
                              "remote_addr": request.remote_addr}})
    return response


# ------------------------------------------------------------------------------ JSON logs

_json_logs = False


class JsonFormatter(logging.Formatter):
    """One JSON object per line, with the request id of the request being served."""

    def __init__(self, node: str):
        super().__init__()
        self.node = node

    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
                 + f".{int(record.msecs):03d}Z",
                 "level": record.levelname, "logger": record.name,
                 "message": record.getMessage(), "request_id": request_id(),
                 "node": self.node, "pid": record.process}
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def _json_logging(app: Flask) -> None:
    global _json_logs
    from flask.logging import default_handler
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(app.config["NODE_NAME"]))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    app.logger.removeHandler(default_handler)
    for name in ("gunicorn.error",):
        logging.getLogger(name).handlers[:] = [handler]
        logging.getLogger(name).propagate = False
    _json_logs = True


# -------------------------------------------------------------------------------- metrics

def _checked_out(*_):
    DB_IN_USE.inc()


def _checked_in(*_):
    DB_IN_USE.dec()


def _opened(*_):
    DB_OPEN.inc()


def _closed(*_):
    DB_OPEN.dec()


_POOL_EVENTS = (("checkout", _checked_out), ("checkin", _checked_in), ("connect", _opened),
                ("close", _closed), ("close_detached", _closed))


def _count_connections(engine) -> None:
    """Keep the pool gauges of this process (once per engine)."""
    from sqlalchemy import event
    for name, listener in _POOL_EVENTS:
        if not event.contains(engine, name, listener):
            event.listen(engine, name, listener)


class OutboxCollector:
    """The outbox's unsent e-mails, counted at each scrape (one small query)."""

    def __init__(self, app: Flask):
        self.app = app

    def collect(self):
        from smplatform.services.notifications import outbox_status
        family = GaugeMetricFamily("smplatform_outbox_unsent",
                                   "Unsent e-mails: due now, waiting for a retry, failed for good",
                                   labels=["state"])
        try:
            with self.app.app_context():
                status = outbox_status()
        except Exception:  # noqa: BLE001  (a scrape reports what it can; never a 500)
            logging.getLogger(__name__).warning("outbox backlog not counted", exc_info=True)
            return []
        for state, value in (("due", status.due), ("waiting", status.waiting),
                             ("failed", status.failed)):
            family.add_metric([state], value)
        return [family]


def metrics_response(app: Flask) -> Response:
    """This node's metrics: every worker's (multiprocess) and the outbox backlog."""
    registry = CollectorRegistry()
    if _MULTIPROCESS:
        from prometheus_client import multiprocess
        multiprocess.MultiProcessCollector(registry)
    else:
        from prometheus_client import REGISTRY
        registry = REGISTRY
        return Response(generate_latest(registry) + generate_latest(_outbox_registry(app)),
                        content_type=CONTENT_TYPE_LATEST)
    registry.register(OutboxCollector(app))
    return Response(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)


def _outbox_registry(app: Flask) -> CollectorRegistry:
    registry = CollectorRegistry()
    registry.register(OutboxCollector(app))
    return registry


@dataclass(frozen=True)
class Scrape:
    """Who asks for the metrics: their address and the bearer token they showed."""

    address: str
    token: str


def scrape() -> Scrape:
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header[:7].lower() == "bearer " else ""
    return Scrape(address=request.remote_addr or "", token=token)


def scrape_allowed(scrape: Scrape, *, networks: str, token: str | None) -> bool:
    """A scrape from one of `networks` (comma-separated, e.g. "10.0.0.0/8,127.0.0.1/32") or
    bearing `token` (compared in constant time)."""
    if token and scrape.token and hmac.compare_digest(scrape.token.encode(), token.encode()):
        return True
    try:
        address = ipaddress.ip_address(scrape.address)
    except ValueError:
        return False
    for network in filter(None, (part.strip() for part in networks.split(","))):
        if address in ipaddress.ip_network(network, strict=False):
            return True
    return False


def init_app(app: Flask) -> None:
    app.before_request(_start_request)
    app.after_request(_finish_request)
    if app.config["LOG_FORMAT"] == "json":
        _json_logging(app)
    with app.app_context():
        from smplatform.extensions import db
        _count_connections(db.engine)
