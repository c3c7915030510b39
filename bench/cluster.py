"""The benchmark's pages through nginx on the production set-up (issue 13), with one app node
and with two, and what each request costs in CPU on every component.

    python bench/cluster.py [--declarations 20000] [--duration 10] [--nodes 1 2]

Starts the cluster of `make test-cluster` (tests/cluster/servers.py: PostgreSQL, PgBouncer,
Redis, an S3 server, gunicorn nodes, nginx), fills the database with bench/generate.py, then
for each node count loads every page of bench/pages.py through nginx with wrk (bench/run.py's
measure) while reading the CPU time (user + system, /proc) of each component's processes:
the app nodes (masters and workers), PostgreSQL (postmaster and backends), PgBouncer, Redis
and nginx. CPU milliseconds per request are what the capacity model in bench/RESULTS.md is
built from: unlike requests per second they hardly depend on what else the machine does.
Last, with the most nodes, --submissions applicants with complete drafts (attachments
really stored in the bucket) submit one by one: CPU per submission.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pages import PAGES  # noqa: E402
from bench.run import Session, measure, measure_autosave  # noqa: E402
from tests.cluster.servers import Cluster  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")
PASSWORD = os.environ.get("SMPLATFORM_BENCH_PASSWORD", "Bench-Password-2023")


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return text[text.rindex(")") + 2:].split()   # fields from `state` on


def cpu_seconds(root_pids: list[int]) -> float:
    """CPU time (user + system) of these processes, their live descendants, and their reaped
    children (a worker that exited counts in its parent's cutime/cstime)."""
    children: dict[int, list[int]] = {}
    stats: dict[int, list[str]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = _stat(int(entry))
            if fields is not None:
                stats[int(entry)] = fields
                children.setdefault(int(fields[1]), []).append(int(entry))
    total, seen, todo = 0, set(), list(root_pids)
    while todo:
        pid = todo.pop()
        if pid in seen or pid not in stats:
            continue
        seen.add(pid)
        fields = stats[pid]
        # utime stime cutime cstime are fields 14-17 of stat: 11-14 counted from `state`.
        total += sum(int(x) for x in fields[11:15])
        todo.extend(children.get(pid, []))
    return total / TICK


def components(cluster: Cluster) -> dict[str, list[int]]:
    postmaster = int((cluster.pg.dir / "data" / "postmaster.pid").read_text().split()[0])
    return {"app nodes": [n.process.pid for n in cluster.nodes if n.running],
            "PostgreSQL": [postmaster], "PgBouncer": [cluster.pgbouncer.process.pid],
            "Redis": [cluster.redis.process.pid], "nginx": [cluster.nginx.process.pid]}


def snapshot(cluster: Cluster) -> dict[str, float]:
    return {name: cpu_seconds(pids) for name, pids in components(cluster).items()}


def costs(before: dict, after: dict, requests: int) -> dict[str, float]:
    return {name: (after[name] - before[name]) * 1000 / max(requests, 1) for name in before}


def start_front(cluster: Cluster, count: int) -> None:
    cluster.node_count = count
    cluster.start_nodes()


def stop_front(cluster: Cluster) -> None:
    for process in [cluster.nginx, *cluster.nodes]:
        if process is not None:
            process.stop()


def measure_submissions(cluster: Cluster, count: int) -> dict:
    """`count` applicants with complete drafts (real attachments in the bucket), each signed
    in through nginx; then CPU per submission, the submissions alone."""
    from smplatform import create_app
    from smplatform.extensions import db
    from smplatform.models import Batch
    from tests.support.factories import PASSWORD as TEST_PASSWORD
    from tests.support import reliability as helpers
    app = create_app({"CONFIG": "testing", "UPLOAD_DIR": tempfile.mkdtemp(),
                      **cluster.app_settings()})
    with app.app_context():
        batch = db.session.query(Batch).filter_by(number=5).one()
        drafts = helpers.complete_drafts(batch, count, ("440000", "330000", "110000"))
    forms = []
    for username, declaration_id, _unit in drafts:
        session = Session(cluster.nginx.port)
        session.sign_in(username, TEST_PASSWORD)
        _, page = session.request("GET", f"/applicant/declarations/{declaration_id}")
        forms.append((session, declaration_id, {
            "csrf_token": Session.CSRF.search(page).group(1),
            "version": re.search(r'name="version" value="(\d+)"', page).group(1)}))
    before, logged = snapshot(cluster), len(cluster.nginx.log_entries())
    started = time.monotonic()
    statuses = [session.request("POST", f"/applicant/declarations/{d}/submit", form)[0]
                for session, d, form in forms]
    elapsed = time.monotonic() - started
    after = snapshot(cluster)
    requests = len(cluster.nginx.log_entries()) - logged
    return {"nodes": len(cluster.nodes), "page": f"applicant: submission ({count}, one by one)",
            "rps": count / elapsed, "p50": 0, "p99": 0,
            "errors": sum(status != 302 for status in statuses), "requests": requests,
            "seconds": elapsed, "cpu_ms": costs(before, after, requests)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--declarations", type=int, default=20000)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--nodes", type=int, nargs="*", default=[1, 2])
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per node")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--pages", nargs="*", help="only pages whose name contains one of these")
    parser.add_argument("--submissions", type=int, default=100,
                        help="then submit this many complete drafts, one by one (0: none)")
    parser.add_argument("--output", default=str(ROOT / "bench" / "out" / "cluster.md"))
    args = parser.parse_args(argv)
    wrk_args = SimpleNamespace(duration=args.duration, connections=args.connections,
                               wrk_threads=2, smoke=False)
    cluster = Cluster(Path(tempfile.mkdtemp(prefix="smplatform-bench-cluster-")),
                      workers=args.workers, threads=args.threads)
    rows = []
    try:
        cluster.start_backends()
        import subprocess
        subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "--database-url",
                        cluster.direct_url, "--declarations", str(args.declarations)],
                       check=True, stdout=subprocess.DEVNULL)
        cluster.env_overrides = {"SMPLATFORM_SIGN_IN_LIMIT": "100000 per minute",
                                 "SMPLATFORM_LOG_FORMAT": "text"}
        for count in args.nodes:
            start_front(cluster, count)
            port = cluster.nginx.port
            sessions: dict[str, Session] = {}
            for page in PAGES:
                if args.pages and not any(p in page.name for p in args.pages):
                    continue
                if page.user and page.user not in sessions:
                    sessions[page.user] = Session(port)
                    sessions[page.user].sign_in(page.user, PASSWORD)
                before, logged = snapshot(cluster), len(cluster.nginx.log_entries())
                started = time.monotonic()
                if page.autosave:
                    result = measure_autosave(page, port, wrk_args, PASSWORD)
                else:
                    result = measure(page, port, sessions, wrk_args)
                after = snapshot(cluster)
                # Every request nginx passed meanwhile (the warm-up, and for autosave the
                # sign-ins and forms, a few % of the saves): CPU is divided among them all.
                requests = len(cluster.nginx.log_entries()) - logged
                rows.append({"nodes": count, "page": result.name, "rps": result.rps,
                             "p50": result.p50_ms, "p99": result.p99_ms,
                             "errors": result.errors, "requests": requests,
                             "seconds": time.monotonic() - started,
                             "cpu_ms": costs(before, after, requests)})
                print(json.dumps(rows[-1], ensure_ascii=False), file=sys.stderr)
            if count == args.nodes[-1] and args.submissions:
                rows.append(measure_submissions(cluster, args.submissions))
            stop_front(cluster)
    finally:
        cluster.stop()
    report = render(rows, args)
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(report)
    Path(args.output).with_suffix(".json").write_text(json.dumps(rows, indent=1,
                                                                 ensure_ascii=False))
    print(report)
    return 1 if any(r["errors"] for r in rows) else 0


def render(rows: list[dict], args) -> str:
    names = ["app nodes", "PostgreSQL", "PgBouncer", "Redis", "nginx"]
    lines = [f"# Cluster benchmark: {args.declarations} declarations, {args.workers} gthread "
             f"workers × {args.threads} threads per node, wrk {args.connections} connections, "
             f"{args.duration} s per page", "",
             "| nodes | page | req/s | median ms | p99 ms | errors | "
             + " | ".join(f"{n} CPU ms/req" for n in names) + " |",
             "| ---: | --- | ---: | ---: | ---: | ---: | " + " | ".join("---:" for _ in names)
             + " |"]
    for r in rows:
        lines.append(f"| {r['nodes']} | {r['page']} | {r['rps']:.0f} | {r['p50']:.1f} | "
                     f"{r['p99']:.1f} | {r['errors']} | "
                     + " | ".join(f"{r['cpu_ms'][n]:.2f}" for n in names) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
