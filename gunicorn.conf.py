"""gunicorn settings for production: `gunicorn wsgi:app` picks this file up from the top level.

Environment: SMPLATFORM_WORKERS and SMPLATFORM_THREADS (defaults: on SQLite one worker per
CPU with one thread; on PostgreSQL 2 × CPUs + 1 workers with 4 threads),
SMPLATFORM_BIND (default 127.0.0.1:8000, behind nginx).
"""
import multiprocessing
import os

bind = os.environ.get("SMPLATFORM_BIND", "127.0.0.1:8000")
# SQLite has one writer at a time: one single-threaded worker per CPU keeps the fewest
# requests competing for the CPU while one of them holds the write lock, which is what keeps
# saves fast under a burst (bench/RESULTS.md). PostgreSQL takes concurrent writers: more
# workers, with threads for requests that wait (PDFs, uploads, the database).
_sqlite = os.environ.get("DATABASE_URL", "sqlite").startswith("sqlite")
_cpus = multiprocessing.cpu_count()
workers = int(os.environ.get("SMPLATFORM_WORKERS", _cpus if _sqlite else _cpus * 2 + 1))
threads = int(os.environ.get("SMPLATFORM_THREADS", "1" if _sqlite else "4"))
worker_class = "gthread"
timeout = 60
graceful_timeout = 30
keepalive = 5
max_requests = 5000          # recycle workers now and then (memory hygiene)
max_requests_jitter = 500
limit_request_line = 8190
forwarded_allow_ips = os.environ.get("SMPLATFORM_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
# The master loads and warms the app (when_ready below) and workers fork from it: a worker
# recycled by max_requests starts in milliseconds, not with ~1.2 s of imports and template
# compiling on a machine busy serving (which showed as p99 spikes under load).
preload_app = True


def when_ready(server):
    from smplatform.warm import warm
    from wsgi import app
    server.log.info("Warmed the app: %d templates compiled", warm(app))


def post_fork(server, worker):
    """Never share database connections across processes: each worker opens its own pool
    (matters when the app is preloaded with --preload)."""
    from smplatform.extensions import db
    try:
        from wsgi import app
        with app.app_context():
            db.engine.dispose(close=False)
    except Exception as error:  # noqa: BLE001  (without --preload the app is not imported yet)
        server.log.debug("post_fork: no preloaded app to dispose (%s)", error)
