"""For operators, not users: the node's Prometheus metrics."""
from __future__ import annotations

from flask import current_app

from smplatform import observability
from smplatform.permissions import can_read_metrics
from smplatform.web import Routes, allow

routes = Routes()


@routes.get("/metrics")
def metrics():
    """This node's metrics (all its workers); only for METRICS_NETWORKS or METRICS_TOKEN."""
    allow(can_read_metrics, observability.scrape())
    return observability.metrics_response(current_app._get_current_object())
