"""In-process cost of the benchmarked pages: milliseconds per request without HTTP, and the
top functions by cumulative time (cProfile), to find where a page spends its time.

    python bench/inprocess.py --database-url sqlite:////tmp/b/smplatform.sqlite3
    python bench/inprocess.py --database-url ... --page queue --top 30

Pages are those of bench/pages.py (matched by a part of their name); autosave pages post one
changed field per request, as the browser does. The database must hold bench/generate.py data.

On a shared machine, `--clock cpu` counts the process's CPU time instead of the wall clock
(time spent waiting for a CPU others hold is not the page's cost), and `--repeat K` measures
each page K times and prints the median with the lowest and highest (the run-to-run spread).
`--calls` adds the Python function calls per request (cProfile's count over the same number
of requests): a measure of the work that other processes on the machine do not move, for
changes smaller than the timings' spread.

`--paired` (issue 13's targets) measures the CPU time of each page and of the plain baselines
(bench/baseline_app.py: fortunes, the plain review-list page) in the same process, in
alternating rounds (`--rounds`), and prints each target's ratio (the plain page's CPU time
over the page's) per round and its median: on a shared machine the ratio of two pages
measured side by side moves far less than either's time.

    python bench/inprocess.py --database-url ... --paired --calls -n 100 --rounds 5
"""
from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pages import PAGES  # noqa: E402
from bench.run import _FormParser  # noqa: E402

PASSWORD = os.environ.get("SMPLATFORM_BENCH_PASSWORD", "Bench-Password-2023")

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
VERSION = re.compile(r'id="version" value="(\d+)"')


class Client:
    def __init__(self, app, username):
        self.c = app.test_client()
        if username:
            page = self.c.get("/account/sign-in").get_data(as_text=True)
            r = self.c.post("/account/sign-in", data={
                "csrf_token": CSRF.search(page).group(1), "username": username,
                "password": PASSWORD})
            assert r.status_code == 302, (username, r.status_code)

    def text(self, path):
        r = self.c.get(path)
        assert r.status_code == 200, (path, r.status_code)
        return r.get_data(as_text=True)

    def find(self, path, pattern):
        return re.search(pattern, self.text(path)).group(1)


def prepare(app, page, account: int = 0):
    """A callable doing one request of the page (autosave: as its `account`-th user, so that
    two autosave pages prepared together edit different drafts)."""
    client = Client(app, page.users[account] if page.autosave else page.user)
    path = page.path(client) if callable(page.path) else page.path
    if not page.autosave:
        def once():
            r = client.c.get(path)
            assert r.status_code == 200, (path, r.status_code)
        return once
    parser = _FormParser("section-form")
    parser.feed(client.text(path))
    state = {"version": parser.values["version"], "n": 0}
    value = parser.values[page.field][:-8] if len(parser.values[page.field]) > 8 else "x"

    def once():
        state["n"] += 1
        r = client.c.post(path, data={
            "csrf_token": parser.values["csrf_token"], "version": state["version"],
            "fields": page.field, page.field: f"{value}{state['n']:08d}"},
            headers={"HX-Request": "true"})
        text = r.get_data(as_text=True)
        assert r.status_code == 200 and "Saved" in text or "保存" in text, text[:500]
        state["version"] = VERSION.search(text).group(1)
    return once


def print_sql(app, once) -> None:
    from sqlalchemy import event

    from smplatform.extensions import db
    with app.app_context():
        engine = db.engine
    started = {}

    def before(conn, cursor, statement, parameters, context, executemany):
        started[id(cursor)] = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany):
        ms = (time.perf_counter() - started.pop(id(cursor))) * 1000
        print(f"    {ms:7.2f} ms  {' '.join(statement.split())[:150]}")
    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    once()
    event.remove(engine, "before_cursor_execute", before)
    event.remove(engine, "after_cursor_execute", after)


# The issue 13 targets: each page against the plain page of its shape (speed ratio: the
# plain page's CPU time over the page's), and the ratio asked for.
PLAIN = {
    "baseline: fortunes": "/fortunes",
    "baseline: plain list, filtered": "/list?state=passed&category=enterprise",
    "baseline: plain list, unfiltered": "/list",
}
TARGETS = [  # (page name starts with, against, at least)
    ("province: queue, filtered", "baseline: plain list, filtered", 1.0),
    ("province: queue, search", "baseline: plain list, filtered", 1.0),
    ("ministry: national declarations list", "baseline: plain list, unfiltered", 1.0),
    ("ministry: national list, filtered", "baseline: plain list, filtered", 1.0),
    ("applicant: form section", "baseline: fortunes", 0.5),
]


def plain_pages(database_url: str) -> dict:
    """name → callable doing one request of a plain baseline, in this process, on the
    baseline database next to the app's (as bench/run.py serves them)."""
    os.environ.setdefault("BASELINE_DATABASE_URL", database_url.replace(
        "smplatform.sqlite3", "baseline.sqlite3"))
    from bench import baseline_app
    baseline_app.create_schema()
    client = baseline_app.app.test_client()
    client.get("/login")
    calls = {}
    for name, path in PLAIN.items():
        def once(path=path):
            r = client.get(path)
            assert r.status_code == 200, (path, r.status_code)
        calls[name] = once
    return calls


def calls_per_request(once, n: int) -> float:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(n):
        once()
    profiler.disable()
    return sum(nc for _cc, nc, *_ in pstats.Stats(profiler).stats.values()) / n


def paired(calls: dict, n: int, rounds: int, count_calls: bool) -> dict:
    """CPU ms per request of every page, `rounds` times in turn; the targets' ratios."""
    for once in calls.values():
        for _ in range(10):
            once()
    cpu = {name: [] for name in calls}
    for _ in range(rounds):
        for name, once in calls.items():
            start = time.process_time()
            for _ in range(n):
                once()
            cpu[name].append((time.process_time() - start) * 1000 / n)
    result = {"cpu_ms": {k: statistics.median(v) for k, v in cpu.items()}, "targets": []}
    for name, v in cpu.items():
        extra = ""
        if count_calls:
            result.setdefault("calls", {})[name] = count = calls_per_request(calls[name], 20)
            extra = f"  {count:8.0f} calls"
        print(f"{statistics.median(v):8.2f} ms CPU ({min(v):.2f}–{max(v):.2f}){extra}  {name}")
    print()
    for page_prefix, against, minimum in TARGETS:
        name = next((k for k in cpu if k.startswith(page_prefix)), None)
        if name is None or against not in cpu:
            continue
        ratios = [b / a for a, b in zip(cpu[name], cpu[against], strict=True)]
        ratio = statistics.median(ratios)
        verdict = "met" if ratio >= minimum else "NOT met"
        print(f"{ratio:6.2f} (rounds {min(ratios):.2f}–{max(ratios):.2f}; target ≥ {minimum})"
              f"  {verdict}  {name} vs {against}")
        result["targets"].append({"page": name, "against": against, "ratio": ratio,
                                  "rounds": ratios, "minimum": minimum})
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--page", default="", help="part of the page names to run")
    parser.add_argument("-n", type=int, default=200, help="requests per page")
    parser.add_argument("--top", type=int, default=0, help="print the top N functions")
    parser.add_argument("--json", help="also write {page: ms per request} to this file")
    parser.add_argument("--sql", action="store_true",
                        help="print each SQL statement of one request with its time")
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                        help="wall clock (default) or this process's CPU time")
    parser.add_argument("--repeat", type=int, default=1,
                        help="measure each page this many times: median (lowest–highest)")
    parser.add_argument("--calls", action="store_true",
                        help="also count Python function calls per request (cProfile)")
    parser.add_argument("--paired", action="store_true",
                        help="CPU time of the pages and the plain baselines in alternating "
                             "rounds, and the issue 13 targets' ratios")
    parser.add_argument("--rounds", type=int, default=5, help="rounds for --paired")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    # As bench/run.py serves it (production refuses plain-HTTP cookies).
    os.environ.update({"SMPLATFORM_CONFIG": "development", "SECRET_KEY": "bench-secret",
                       "SMPLATFORM_SIGN_IN_LIMIT": "100000 per minute"})
    from smplatform import create_app
    app = create_app()
    if args.paired:
        calls = dict(plain_pages(args.database_url))
        chosen = [page for page in PAGES if args.page in page.name]
        calls.update((page.name, prepare(app, page, account=i))
                     for i, page in enumerate(chosen))
        result = paired(calls, args.n, args.rounds, args.calls)
        if args.json:
            Path(args.json).write_text(json.dumps(result, indent=1, ensure_ascii=False))
        return
    timings = {}
    for page in PAGES:
        if args.page not in page.name:
            continue
        once = prepare(app, page)
        for _ in range(10):
            once()
        clock = time.process_time if args.clock == "cpu" else time.perf_counter
        runs = []
        for _ in range(args.repeat):
            start = clock()
            for _ in range(args.n):
                once()
            runs.append((clock() - start) * 1000 / args.n)
        ms = statistics.median(runs)
        spread = f"  ({min(runs):.2f}–{max(runs):.2f})" if args.repeat > 1 else ""
        calls = ""
        if args.calls:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.n):
                once()
            profiler.disable()
            count = sum(nc for _cc, nc, *_ in pstats.Stats(profiler).stats.values()) / args.n
            calls = f"  {count:9.0f} calls"
            timings.setdefault("calls", {})[page.name] = count
        print(f"{ms:8.2f} ms{calls}  {page.name}{spread}")
        timings[page.name] = ms
        if args.sql:
            print_sql(app, once)
        if args.top:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.n):
                once()
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.top)
    if args.json:
        Path(args.json).write_text(json.dumps(timings, indent=1))


if __name__ == "__main__":
    main()
