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


def prepare(app, page):
    """A callable doing one request of the page."""
    client = Client(app, page.users[0] if page.autosave else page.user)
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
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    # As bench/run.py serves it (production refuses plain-HTTP cookies).
    os.environ.update({"SMPLATFORM_CONFIG": "development", "SECRET_KEY": "bench-secret",
                       "SMPLATFORM_SIGN_IN_LIMIT": "100000 per minute"})
    from smplatform import create_app
    app = create_app()
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
