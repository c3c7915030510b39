"""gunicorn.conf.py as production runs it: the master loads and warms the app before forking
(smplatform/warm.py), SQLite gets sync workers and PostgreSQL gthread workers, and a worker
that dies is replaced by a warm fork that answers at once."""
from __future__ import annotations

import os
import re
import signal
import time

import pytest

from tests.support import reliability as helpers


def _serve(app, database_url, tmp_path, **sizing) -> helpers.Gunicorn:
    return helpers.Gunicorn(database_url=database_url, upload_dir=app.config["UPLOAD_DIR"],
                            log=tmp_path / "gunicorn.log", **sizing).start()


@pytest.mark.parametrize(("threads", "worker_class"), [(1, "sync"), (4, "gthread")])
def test_workers_fork_from_a_warmed_master(app, database_url, tmp_path, threads, worker_class):
    server = _serve(app, database_url, tmp_path, workers=2, threads=threads)
    try:
        log = server.log.read_text(errors="replace")
        assert f"Using worker: {worker_class}" in log
        warmed = re.search(r"Warmed the app: (\d+) templates compiled", log)
        assert warmed and int(warmed.group(1)) > 50
        before = server.wait_for_workers(2)
        os.kill(before[0], signal.SIGKILL)
        # The replacement is a fork of the warm master: it answers within moments, with the
        # same pages, in both languages.
        started = time.monotonic()
        while before[0] in server.worker_pids() and time.monotonic() - started < 10:
            time.sleep(0.05)
        after = server.wait_for_workers(2)
        assert before[0] not in after and before[1] in after
        assert time.monotonic() - started < 10
        for _ in range(6):  # both workers answer (sync workers take turns on the queue)
            english = helpers.Client(server.port, language="en").get("/")
            chinese = helpers.Client(server.port, language="zh-CN").get("/")
            assert english.status == chinese.status == 200
            assert "Skip to main content" in english.body
            assert "跳到主要内容" in chinese.body
    finally:
        server.stop()
