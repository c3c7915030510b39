"""gunicorn settings for production: `gunicorn wsgi:app` picks this file up from the top level.

Environment: SMPLATFORM_WORKERS and SMPLATFORM_THREADS (defaults: on SQLite one worker per
CPU with one thread; on PostgreSQL 2 × CPUs + 1 workers with 4 threads),
SMPLATFORM_WORKER_CLASS (default: sync with one thread, else gthread),
SMPLATFORM_BIND (default 127.0.0.1:8000, behind nginx: deploy/nginx.conf buffers requests
and answers, which sync workers need, and keeps the browsers' connections alive).
"""
import glob
import multiprocessing
import os
import tempfile

bind = os.environ.get("SMPLATFORM_BIND", "127.0.0.1:8000")
# SQLite has one writer at a time: one single-threaded worker per CPU keeps the fewest
# requests competing for the CPU while one of them holds the write lock, which is what keeps
# saves fast under a burst (bench/RESULTS.md). PostgreSQL takes concurrent writers: more
# workers, with threads for requests that wait (PDFs, uploads, the database).
_sqlite = os.environ.get("DATABASE_URL", "sqlite").startswith("sqlite")
_cpus = multiprocessing.cpu_count()
workers = int(os.environ.get("SMPLATFORM_WORKERS", _cpus if _sqlite else _cpus * 2 + 1))
threads = int(os.environ.get("SMPLATFORM_THREADS", "1" if _sqlite else "4"))
# One thread per worker: sync workers, which take a connection from the shared queue only when
# free, so the load spreads evenly. gthread workers accept connections while busy and keep
# them (keep-alive): at 50 clients one worker held most of them and their p99 doubled
# (bench/RESULTS.md).
worker_class = os.environ.get("SMPLATFORM_WORKER_CLASS", "sync" if threads == 1 else "gthread")
timeout = 60
graceful_timeout = 30
keepalive = 5  # gthread only; sync workers close each connection (nginx keeps the browser's)
max_requests = 5000          # recycle workers now and then (memory hygiene)
max_requests_jitter = 500
limit_request_line = 8190
forwarded_allow_ips = os.environ.get("SMPLATFORM_FORWARDED_ALLOW_IPS", "127.0.0.1")
# With SMPLATFORM_LOG_FORMAT=json the app logs each request itself, as JSON with nginx's
# request id (smplatform/observability.py); otherwise gunicorn's access log.
accesslog = None if os.environ.get("SMPLATFORM_LOG_FORMAT") == "json" else "-"
errorlog = "-"
# Prometheus metrics of all workers (smplatform/observability.py): each worker writes its
# values to files in this directory, a scrape adds them up. Emptied at start; a dead worker's
# live gauges are dropped (child_exit). Set before the app (and prometheus_client) loads.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="smplatform-metrics-")
os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)
for _stale in glob.glob(os.path.join(os.environ["PROMETHEUS_MULTIPROC_DIR"], "*.db")):
    os.unlink(_stale)
# The master loads and warms the app (when_ready below) and workers fork from it: a worker
# recycled by max_requests starts in milliseconds, not with ~1.2 s of imports and template
# compiling on a machine busy serving (which showed as p99 spikes under load).
preload_app = True


def _smplatform_app(server):
    """The preloaded app when it is smplatform's (wsgi:app, or the tests' own instance)."""
    app = getattr(server.app, "callable", None)
    return app if "sqlalchemy" in getattr(app, "extensions", {}) else None


def when_ready(server):
    import gc
    app = _smplatform_app(server)
    if app is not None:
        from smplatform.warm import warm
        server.log.info("Warmed the app: %d templates compiled", warm(app))
    # The app's ~140,000 long-lived objects (modules, mappers, templates) leave the garbage
    # collector's view: a worker's full collection no longer walks them (a 30–60 ms pause
    # that held up every request queued behind it), and they stay shared with the master.
    gc.freeze()


def post_fork(server, worker):
    """Never share database connections across processes: each worker opens its own pool
    (the master's was closed after warming; this also covers a master that queried)."""
    app = _smplatform_app(server)
    if app is not None:
        from smplatform.extensions import db
        with app.app_context():
            db.engine.dispose(close=False)


def child_exit(server, worker):
    """A worker ended (recycled, killed): its live gauges (connections in use) no longer
    count; its counters stay in the node's totals."""
    from prometheus_client import multiprocess
    multiprocess.mark_process_dead(worker.pid)
