"""The metrics of a node are right whichever of its gunicorn workers answers the scrape:
every worker writes its counts to PROMETHEUS_MULTIPROC_DIR (gunicorn.conf.py) and a scrape
adds them up; a worker that dies keeps its counts in the total."""
from __future__ import annotations

import os
import signal

from tests.support import reliability as helpers
from tests.support.metrics import metric

REQUESTS = 30


def _scraped(port: int) -> float:
    text = helpers.Client(port).get("/metrics").body
    return metric(text, "smplatform_http_requests_total", endpoint="public.notices",
                  method="GET", status="200")


def test_every_scrape_counts_the_requests_of_all_workers(app, database_url, tmp_path):
    server = helpers.Gunicorn(database_url=database_url, upload_dir=app.config["UPLOAD_DIR"],
                              log=tmp_path / "gunicorn.log", workers=3, threads=1)
    metrics_dir = tmp_path / "metrics"
    server.env["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
    server.start()
    try:
        for _ in range(REQUESTS):
            assert helpers.Client(server.port).get("/notices").status == 200
        writers = {name.rsplit("_", 1)[1] for name in os.listdir(metrics_dir)
                   if name.startswith("counter_")}
        assert len(writers) >= 2    # the requests were spread over several workers
        assert [_scraped(server.port) for _ in range(6)] == [REQUESTS] * 6

        victim = server.worker_pids()[0]
        os.kill(victim, signal.SIGKILL)
        server.wait_for_workers(3)
        assert _scraped(server.port) == REQUESTS
    finally:
        server.stop()
