"""The cluster of `make test-cluster`, all real servers from Debian or PyPI packages, started
on free ports in a temporary directory and stopped after (several engineers run tests on one
machine at once: never a fixed port):

    client ──▶ nginx ──▶ app node A (gunicorn, its own process group) ─┐
                     └─▶ app node B (gunicorn, its own process group) ─┤
                                                                       ├─▶ PgBouncer ─▶ PostgreSQL
                                                                       ├─▶ Redis
                                                                       └─▶ S3 (moto's server)

nginx includes the production proxy settings (deploy/nginx-proxy.conf, deploy/nginx-log.conf).
Servers that refuse to run as root (PostgreSQL, PgBouncer) run as the `postgres` user when the
tests run as root, as tests/support/pg.py does.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.support.pg import TestPostgres
from tests.support.reliability import Client, free_port
from tests.support.s3 import TestS3Server

ROOT = Path(__file__).resolve().parents[2]
AS_ROOT = os.geteuid() == 0
DATABASE = "smplatform"
# The production timeouts, set by PgBouncer on each server connection (the app sends none
# through a transaction pooler): the same values as ProductionConfig.
CONNECT_QUERY = "SET lock_timeout = 10000; SET statement_timeout = 30000"


def _wait(check, what: str, process: subprocess.Popen | None, log: Path, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} exited:\n{_tail(log)}")
        try:
            if check():
                return
        except Exception:  # noqa: BLE001, S110  (not ready yet: refused, reset, silent)
            time.sleep(0.1)
            continue
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not start:\n{_tail(log)}")


def _tail(log: Path, size: int = 4000) -> str:
    try:
        return log.read_text(errors="replace")[-size:]
    except FileNotFoundError:
        return "(no log)"


def _as_postgres(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if AS_ROOT else cmd


class Process:
    """A server in a process group of its own: stopped (or killed) with its whole tree."""

    def __init__(self, name: str, directory: Path):
        self.name = name
        self.dir = directory
        self.dir.mkdir(parents=True, exist_ok=True)
        self.log = self.dir / f"{name}.log"
        self.process: subprocess.Popen | None = None

    def spawn(self, cmd: list[str], *, env: dict | None = None, cwd: Path | None = None):
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT,
                                            env=env, cwd=cwd, start_new_session=True)

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL to the whole process group: the machine lost power, as far as it knows."""
        if self.process is not None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            self.kill()
        try:  # stragglers of the group (workers of a killed master)
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process = None


class Redis(Process):
    def __init__(self, directory: Path):
        super().__init__("redis", directory)
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> Redis:
        self.spawn(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--dir", str(self.dir),
                    "--protected-mode", "yes"])
        import redis
        _wait(lambda: redis.Redis.from_url(self.url, socket_timeout=1).ping(), "redis",
              self.process, self.log)
        return self

    def client(self):
        import redis
        return redis.Redis.from_url(self.url)


class PgBouncer(Process):
    """Transaction pooling in front of PostgreSQL, as deploy/pgbouncer.ini."""

    def __init__(self, pg_port: int):
        # A directory of its own in /tmp: when the tests run as root, PgBouncer runs as
        # postgres, which cannot enter pytest's private temporary directories.
        super().__init__("pgbouncer", Path(tempfile.mkdtemp(prefix="smplatform-pgbouncer-")))
        self.port = free_port()
        self.pg_port = pg_port
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{DATABASE}"

    def start(self) -> PgBouncer:
        (self.dir / "userlist.txt").write_text('"postgres" ""\n')
        (self.dir / "pgbouncer.ini").write_text(f"""\
[databases]
{DATABASE} = host=127.0.0.1 port={self.pg_port} dbname={DATABASE} user=postgres \
connect_query='{CONNECT_QUERY}'

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {self.port}
unix_socket_dir =
auth_type = trust
auth_file = {self.dir}/userlist.txt
admin_users = postgres
pool_mode = transaction
max_client_conn = 1000
default_pool_size = 20
reserve_pool_size = 5
server_reset_query =
logfile = {self.dir}/pgbouncer-own.log
pidfile = {self.dir}/pgbouncer.pid
""")
        if AS_ROOT:
            shutil.chown(self.dir, "postgres", "postgres")
            for path in self.dir.iterdir():
                shutil.chown(path, "postgres", "postgres")
        self.spawn(_as_postgres(["pgbouncer", str(self.dir / "pgbouncer.ini")]))

        def ready():
            import psycopg
            with psycopg.connect(host="127.0.0.1", port=self.port, dbname=DATABASE,
                                 user="postgres", connect_timeout=2,
                                 prepare_threshold=None) as connection:
                return connection.execute("SELECT 1").fetchone() == (1,)
        _wait(ready, "pgbouncer", self.process, self.log)
        return self


class AppNode(Process):
    """One app node: gunicorn with the project's gunicorn.conf.py, production settings from
    the environment, in a process group of its own."""

    def __init__(self, name: str, directory: Path, env: dict):
        super().__init__(name, directory)
        self.port = free_port()
        self.address = f"127.0.0.1:{self.port}"
        staging = self.dir / "staging"
        metrics = self.dir / "metrics"
        staging.mkdir(exist_ok=True)
        metrics.mkdir(exist_ok=True)
        self.env = dict(env, SMPLATFORM_BIND=self.address, SMPLATFORM_UPLOAD_DIR=str(staging),
                        SMPLATFORM_NODE=name, PROMETHEUS_MULTIPROC_DIR=str(metrics))

    def start(self) -> AppNode:
        self.spawn([sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
                    "tests.cluster.server:app"], env=self.env, cwd=ROOT)
        _wait(lambda: Client(self.port).get("/healthz").status == 200, self.name,
              self.process, self.log)
        return self

    def flask(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        """A `flask` command with this node's settings (as cron runs it on the node)."""
        return subprocess.run([sys.executable, "-m", "flask", "--app", "tests.cluster.server",
                               *args], env=self.env, cwd=ROOT, capture_output=True, text=True,
                              timeout=timeout)

    def popen_flask(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "flask", "--app",
                                 "tests.cluster.server", *args], env=self.env, cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


class Nginx(Process):
    def __init__(self, upstreams: list[str]):
        # A directory of its own in /tmp that nginx's workers (nobody, when the tests run as
        # root) can enter to write the bodies they buffer; pytest's directories are private.
        super().__init__("nginx", Path(tempfile.mkdtemp(prefix="smplatform-nginx-")))
        self.port = free_port()
        self.upstreams = upstreams
        self.access_log = self.dir / "access.log"

    def start(self) -> Nginx:
        servers = "\n".join(f"        server {address} max_fails=1 fail_timeout=10s;"
                            for address in self.upstreams)
        user = "user nobody nogroup;" if AS_ROOT else ""
        temp = "\n".join(f"    {kind}_temp_path {self.dir}/{kind}_temp;"
                         for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        (self.dir / "nginx.conf").write_text(f"""\
{user}
worker_processes 1;
error_log {self.dir}/error.log warn;
pid {self.dir}/nginx.pid;
events {{ worker_connections 1024; }}
http {{
    include {ROOT}/deploy/nginx-log.conf;
    access_log {self.access_log} smplatform_json;
{temp}
    upstream smplatform {{
{servers}
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{self.port};
        client_max_body_size 26m;
        client_body_buffer_size 1m;
        # For the tests only: which node answered.
        add_header X-Upstream $upstream_addr always;
        location / {{
            include {ROOT}/deploy/nginx-proxy.conf;
        }}
    }}
}}
""")
        os.chmod(self.dir, 0o711)  # noqa: S103  (enter only: the workers' temp directories)
        self.spawn(["nginx", "-p", str(self.dir), "-c", str(self.dir / "nginx.conf"),
                    "-g", "daemon off;"])
        _wait(lambda: Client(self.port).get("/healthz").status == 200, "nginx",
              self.process, self.dir / "error.log")
        return self

    def reload(self) -> None:
        """Reload the configuration: new worker processes, which start with every upstream
        in service (the old ones finish their requests and exit)."""
        self.process.send_signal(signal.SIGHUP)

    def answered_by(self) -> str:
        """The node that answered one request through nginx."""
        return Client(self.port).get("/healthz").headers["X-Upstream"]

    def log_entries(self) -> list[dict]:
        lines = self.access_log.read_text(errors="replace").splitlines()
        return [json.loads(line) for line in lines if line.strip()]


class Cluster:
    """PostgreSQL, PgBouncer, Redis, an S3 server; then two app nodes and nginx."""

    def __init__(self, root: Path, *, nodes: int = 2, workers: int = 2, threads: int = 4):
        self.root = root
        self.node_count = nodes
        self.workers, self.threads = workers, threads
        self.secret_key = secrets.token_hex(32)
        self.pg: TestPostgres | None = None
        self.pgbouncer: PgBouncer | None = None
        self.redis: Redis | None = None
        self.s3: TestS3Server | None = None
        self.bucket = ""
        self.nodes: list[AppNode] = []
        self.nginx: Nginx | None = None
        self.smtp_port = free_port()
        self.env_overrides: dict[str, str] = {}   # e.g. bench/cluster.py's rate limits

    # -------------------------------------------------------------------------- backends
    def start_backends(self) -> Cluster:
        self.pg = TestPostgres()
        self.pg.start()
        self.direct_url = self.pg.create_database(DATABASE)
        self.pgbouncer = PgBouncer(self.pg.port).start()
        self.redis = Redis(self.root / "redis").start()
        self.s3 = TestS3Server().start()
        self.bucket = self.s3.bucket()
        return self

    def app_settings(self) -> dict:
        """The settings of this cluster for an app in the test process (direct database)."""
        return {"SQLALCHEMY_DATABASE_URI": self.direct_url, "REDIS_URL": self.redis.url,
                "RATELIMIT_STORAGE_URI": self.redis.url, **self.s3.config(self.bucket)}

    def key_file(self) -> Path:
        """The key ring every node reads (production requires one): the test keys, which the
        test process writes its data with too."""
        from smplatform.config import TestingConfig
        from smplatform.crypto import write_key_file
        path = self.root / "keys.json"
        write_key_file(path, TestingConfig.KEYS)
        return path

    def node_env(self) -> dict:
        s3 = self.s3.config(self.bucket)
        env = {k: v for k, v in os.environ.items() if not k.startswith("SMPLATFORM_")}
        env.update(
            SMPLATFORM_CONFIG="production", SECRET_KEY=self.secret_key,
            SMPLATFORM_KEY_FILE=str(self.key_file()),
            DATABASE_URL=self.pgbouncer.url, SMPLATFORM_DB_POOLER="pgbouncer",
            REDIS_URL=self.redis.url,
            SMPLATFORM_STORAGE="s3", SMPLATFORM_S3_ENDPOINT_URL=s3["S3_ENDPOINT_URL"],
            SMPLATFORM_S3_BUCKET=s3["S3_BUCKET"], SMPLATFORM_S3_REGION=s3["S3_REGION"],
            SMPLATFORM_S3_ACCESS_KEY_ID=s3["S3_ACCESS_KEY_ID"],
            SMPLATFORM_S3_SECRET_ACCESS_KEY=s3["S3_SECRET_ACCESS_KEY"],
            SMPLATFORM_S3_ADDRESSING_STYLE="path", SMPLATFORM_ENCRYPT_UPLOADS="1",
            SMPLATFORM_WORKERS=str(self.workers), SMPLATFORM_THREADS=str(self.threads),
            SMPLATFORM_SIGN_IN_LIMIT="10 per minute",
            SMPLATFORM_SMTP_HOST="127.0.0.1", SMPLATFORM_SMTP_PORT=str(self.smtp_port),
            SMPLATFORM_LOG_FORMAT="json",
            SMPLATFORM_METRICS_TOKEN="cluster-metrics-token",
        )
        env.update(self.env_overrides)
        return env

    # ------------------------------------------------------------------ nodes and nginx
    def start_nodes(self) -> Cluster:
        env = self.node_env()
        self.nodes = [AppNode(f"node-{chr(ord('a') + i)}", self.root / f"node-{i}", env)
                      for i in range(self.node_count)]
        for node in self.nodes:
            node.start()
        self.nginx = Nginx([n.address for n in self.nodes]).start()
        return self

    def restart_dead_nodes(self) -> None:
        """Start again any node a previous test killed. nginx marked it failed
        (max_fails=1, fail_timeout=10s) and would keep every request off it for up to 10 s, so
        it is reloaded (new workers, fresh upstream state) and the node is back only once a
        request through nginx reaches it."""
        restarted = [node for node in self.nodes if not node.running]
        for node in restarted:
            node.stop()
            node.start()
        if restarted and self.nginx is not None:
            self.nginx.reload()
            for node in restarted:
                _wait(lambda: self.nginx.answered_by() == node.address,  # noqa: B023
                      f"{node.name} behind nginx", self.nginx.process, self.nginx.dir / "error.log",
                      timeout=30)

    def client(self, source: str, language: str = "en") -> Client:
        """A browser at the address `source` (a loopback address of its own, so that each
        user has their own rate-limit count, as on the internet)."""
        return Client(self.nginx.port, language=language, source=source)

    def upstream_of(self, node: AppNode) -> str:
        return node.address

    def logs(self) -> str:
        parts = []
        for process in [*self.nodes, self.nginx, self.pgbouncer, self.redis]:
            if process is not None:
                parts.append(f"--- {process.name}\n{_tail(process.log)}")
        return "\n".join(parts)

    def stop(self) -> None:
        for process in [self.nginx, *self.nodes, self.pgbouncer, self.redis]:
            if process is not None:
                process.stop()
        for process in (self.pgbouncer, self.nginx):
            if process is not None:
                shutil.rmtree(process.dir, ignore_errors=True)
        if self.s3 is not None:
            self.s3.stop()
        if self.pg is not None:
            self.pg.stop()
