"""The metrics of a node are right whichever of its gunicorn workers answers the scrape:
every worker writes its counts to PROMETHEUS_MULTIPROC_DIR (gunicorn.conf.py) and a scrape
adds them up; a worker that dies keeps its counts in the total."""
from __future__ import annotations

import os
import signal
from concurrent.futures import ThreadPoolExecutor

from tests.support import reliability as helpers
from tests.support.metrics import metric

BURST = 6        # concurrent requests: a sync worker busy with one leaves the next to another
MAX_REQUESTS = 600


def _scraped(port: int) -> float:
    text = helpers.Client(port).get("/metrics").body
    return metric(text, "smplatform_http_requests_total", endpoint="public.notices",
                  method="GET", status="200")


def _writers(metrics_dir) -> set[str]:
    """The workers (by pid) whose counter file holds a count of /notices (the file keeps each
    sample's labels as JSON text)."""
    return {name.rsplit("_", 1)[1] for name in os.listdir(metrics_dir)
            if name.startswith("counter_")
            and b'"public.notices"' in (metrics_dir / name).read_bytes()}


def test_every_scrape_counts_the_requests_of_all_workers(app, database_url, tmp_path):
    server = helpers.Gunicorn(database_url=database_url, upload_dir=app.config["UPLOAD_DIR"],
                              log=tmp_path / "gunicorn.log", workers=3, threads=1)
    metrics_dir = tmp_path / "metrics"
    server.env["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
    server.start()
    try:
        # One request after another may all be taken by the same worker (the kernel wakes the
        # last one to wait): send bursts of concurrent requests until several workers wrote.
        sent = 0
        with ThreadPoolExecutor(BURST) as pool:
            while len(_writers(metrics_dir)) < 2 and sent < MAX_REQUESTS:
                statuses = list(pool.map(
                    lambda _: helpers.Client(server.port).get("/notices").status, range(BURST)))
                assert statuses == [200] * BURST
                sent += BURST
        assert len(_writers(metrics_dir)) >= 2    # the requests were spread over several workers
        assert [_scraped(server.port) for _ in range(6)] == [sent] * 6

        victim = server.worker_pids()[0]
        os.kill(victim, signal.SIGKILL)
        server.wait_for_workers(3)
        assert _scraped(server.port) == sent
    finally:
        server.stop()
