"""Operations: the request id, JSON log lines, and the Prometheus metrics (who may read them,
what they count: requests, autosave conflicts, the outbox backlog, database connections)."""
from __future__ import annotations

import json
import logging
import re

from smplatform import clock
from smplatform.extensions import db
from smplatform.models import OutboxEmail
from smplatform.observability import JsonFormatter
from tests.support import declarations as h
from tests.support.metrics import metric




def test_request_id_made_when_missing_kept_when_given(client):
    made = client.get("/").headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    given = "4f2a9c0d1e2b3a4c5d6e7f8091a2b3c4"
    assert client.get("/", headers={"X-Request-ID": given}).headers["X-Request-ID"] == given
    forged = client.get("/", headers={"X-Request-ID": "<script>" + "x" * 100})
    assert re.fullmatch(r"[0-9a-f]{32}", forged.headers["X-Request-ID"])


def test_json_log_line_carries_the_request_id(app):
    formatter = JsonFormatter("node-a")
    with app.test_request_context("/", headers={"X-Request-ID": "abc123"}):
        app.preprocess_request()
        record = logging.LogRecord("smplatform", logging.WARNING, __file__, 1, "上传 %s", ("失败",),
                                   None)
        record.fields = {"status": 507}
        line = json.loads(formatter.format(record))
    assert {k: line[k] for k in ("level", "message", "request_id", "node", "status")} == {
        "level": "WARNING", "message": "上传 失败", "request_id": "abc123", "node": "node-a",
        "status": 507}


def test_metrics_only_for_allowed_networks_or_the_token(app, client, make, login_as):
    """Refused (the signed-out are sent to sign in, as everywhere; the signed-in get 403)
    unless the address is in METRICS_NETWORKS or the bearer token matches."""
    assert client.get("/metrics").status_code == 200          # loopback: allowed by default
    outside = {"REMOTE_ADDR": "203.0.113.9"}
    assert client.get("/metrics", environ_base=outside).status_code == 302
    signed_in = login_as(make.ministry())
    assert signed_in.get("/metrics", environ_base=outside).status_code == 403
    app.config["METRICS_TOKEN"] = "s3cret-token"
    allowed = client.get("/metrics", environ_base=outside,
                         headers={"Authorization": "Bearer s3cret-token"})
    assert (allowed.status_code, allowed.mimetype) == (200, "text/plain")
    assert "smplatform_http_requests_total" in allowed.get_data(as_text=True)
    assert client.get("/metrics", environ_base=outside,
                      headers={"Authorization": "Bearer wrong"}).status_code == 302
    app.config["METRICS_NETWORKS"] = "10.0.0.0/8"
    app.config["METRICS_TOKEN"] = None
    assert client.get("/metrics").status_code == 302
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 200


def test_metrics_count_requests_by_endpoint(client):
    before = metric(client.get("/metrics").get_data(as_text=True),
                    "smplatform_http_requests_total", endpoint="public.notices", method="GET",
                    status="200")
    for _ in range(3):
        client.get("/notices")
    text = client.get("/metrics").get_data(as_text=True)
    assert metric(text, "smplatform_http_requests_total", endpoint="public.notices",
                  method="GET", status="200") == before + 3
    assert metric(text, "smplatform_http_request_duration_seconds_count",
                  endpoint="public.notices", method="GET") >= 3
    assert "smplatform_db_connections_in_use" in text


def test_metrics_count_autosave_conflicts(app, make, login_as, clock):
    clock.set(h.DURING)
    user = make.applicant()
    d = h.start(user, h.batch5())
    browser = login_as(user)
    read = lambda: metric(browser.get("/metrics").get_data(as_text=True),  # noqa: E731
                          "smplatform_autosave_conflicts_total", form="declaration")
    before = read()
    section = f"/applicant/declarations/{d.id}/sections/narrative"
    fresh = h.section_raw("enterprise", "narrative", h.complete_data("enterprise"))
    assert browser.post(section, data={**fresh, "version": str(d.version)}).status_code == 302
    stale = {**fresh, "practices": "another text", "version": str(d.version)}
    assert browser.post(section, data=stale).status_code == 409
    assert read() == before + 1


def test_metrics_show_the_outbox_backlog(client):
    for n in range(3):
        db.session.add(OutboxEmail(to=f"u{n}@example.com", subject="s", body="b",
                                   created_at=clock.now()))
    db.session.commit()
    text = client.get("/metrics").get_data(as_text=True)
    assert metric(text, "smplatform_outbox_unsent", state="due") == 3
    assert metric(text, "smplatform_outbox_unsent", state="failed") == 0
