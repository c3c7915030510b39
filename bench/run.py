"""Page benchmarks under gunicorn on 127.0.0.1 with wrk, against the "fortunes" baseline.

    python bench/run.py                      # full run: SQLite, results → bench/out/pages.md
    python bench/postgres.py                 # the same against a throw-away PostgreSQL
    python bench/run.py --smoke              # a few seconds per page, results → bench/out/

The database must already hold data (bench/generate.py fills it; --generate N runs it first).
Each page is loaded with `wrk --latency` for a fixed time at a fixed number of connections;
the report gives requests per second, median and p99 latency, non-2xx/3xx responses, and the
ratio of requests per second to the baseline measured in the same run.
"""
from __future__ import annotations

import argparse
import json
import http.client
import os
import platform
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from html.parser import HTMLParser
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from bench.pages import PAGES, Page  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(module: str, port: int, env: dict, workers: int | None,
                   threads: int | None):
    # Workers and threads: gunicorn.conf.py's production defaults unless given.
    sizing = [] if workers is None else ["--workers", str(workers)]
    sizing += [] if threads is None else ["--threads", str(threads)]
    cmd = [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "--bind",
           f"127.0.0.1:{port}", *sizing,
           "--access-logfile", "/dev/null", "--chdir", str(ROOT), module]
    proc = subprocess.Popen(cmd, env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/")
            conn.getresponse().read()
            return proc
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(proc.stderr.read().decode()[-2000:]) from None
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn for {module} did not start")


def stop(proc) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)


class Session:
    """Signs in through the real form and keeps the cookie and the CSRF token."""

    CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')

    def __init__(self, port: int):
        self.port = port
        self.cookie = ""

    def request(self, method: str, path: str, body: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": self.cookie} if self.cookie else {}
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie" and value.startswith("smp_session="):
                self.cookie = value.split(";", 1)[0]
        return response.status, text

    def find(self, path: str, pattern: str) -> str:
        status, text = self.request("GET", path)
        match = re.search(pattern, text)
        if status != 200 or match is None:
            raise RuntimeError(f"{pattern} not found on {path} ({status})")
        return match.group(1)

    def form(self, path: str, form_id: str) -> dict:
        """The fields of a form on a page, as the browser would send them (single values)."""
        status, text = self.request("GET", path)
        if status != 200:
            raise RuntimeError(f"GET {path}: {status}")
        parser = _FormParser(form_id)
        parser.feed(text)
        return parser.values

    def token(self, path: str = "/") -> str:
        return self.CSRF.search(self.request("GET", path)[1]).group(1)

    def sign_in(self, username: str, password: str) -> None:
        token = self.token("/account/sign-in")
        status, _ = self.request("POST", "/account/sign-in", {
            "csrf_token": token, "username": username, "password": password})
        if status != 302:
            raise RuntimeError(f"sign-in of {username} failed ({status})")


class _FormParser(HTMLParser):
    """Collects the successful controls of one form (inputs, textareas, selects)."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.values = form_id, False, {}
        self._textarea = self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside or "name" not in a and tag != "option":
            return
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file"):
                self.values[a["name"]] = a.get("value", "on")
        elif tag == "textarea":
            self._textarea = a["name"]
            self.values[a["name"]] = ""
        elif tag == "select":
            self._select = a["name"]
            self.values.setdefault(a["name"], "")
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data


@dataclass
class Result:
    name: str
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def run_wrk(port: int, path: str, *, duration: int, connections: int, threads: int,
            headers: dict, method: str = "GET", body: str | None = None) -> tuple:
    script = None
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency",
           "--timeout", "10s"]
    for key, value in headers.items():
        cmd += ["-H", f"{key}: {value}"]
    if method != "GET":
        script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
        script.write(f'wrk.method = "{method}"\nwrk.body = [[{body or ""}]]\n'
                     'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n')
        script.close()
        cmd += ["-s", script.name]
    cmd.append(f"http://127.0.0.1:{port}{path}")
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    if script:
        os.unlink(script.name)
    return parse_wrk(out)


def parse_wrk(out: str) -> tuple:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), "
                              r"timeout (\d+)", out)
    errors = int(non2xx.group(1)) if non2xx else 0
    if socket_errors:
        errors += sum(int(x) for x in socket_errors.groups())
    return rps, p50, p99, errors, requests


AUTOSAVE_LUA = r'''
-- Every thread has one connection and one account with its own declaration; each request
-- sends the version the previous answer gave, so that every save succeeds.
local threads, count = {}, 0
function setup(thread)
  count = count + 1
  thread:set("idx", count)
  table.insert(threads, thread)
end
function init(args)
  s = sessions[idx]
  version = s.version
  n, conflicts, unknown, statuses = 0, 0, 0, ""

end
function request()
  n = n + 1
  local body = s.body .. "&version=" .. version .. "&" .. s.field .. "=" .. s.value .. n
  return wrk.format("POST", s.path, {
    ["Cookie"] = s.cookie, ["HX-Request"] = "true", ["X-CSRFToken"] = s.token,
    ["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end
function response(status, headers, body)
  local v = body:match('name="version" id="version" value="(%d+)"')
  if v then
    version = v
  elseif body:find("conflict", 1, true) then
    -- Counted as an error; go on from the stored version, as the conflict panel offers.
    conflicts = conflicts + 1
    version = body:match('name="version" value="(%d+)"') or version
  else
    unknown = unknown + 1
    if #statuses < 60 then statuses = statuses .. status .. " " end
  end
end
function done(summary, latency, requests)
  local c, u, st = 0, 0, ""
  for _, t in ipairs(threads) do
    c = c + t:get("conflicts")
    u = u + t:get("unknown")
    st = st .. t:get("statuses")
  end
  io.write(string.format("Autosave conflicts: %d, unrecognised answers: %d\n", c, u))
  io.write("Statuses of unrecognised answers (sample): " .. st:sub(1, 300) .. "\n")
end
'''


def _lua_string(value: str) -> str:
    return "[==[" + value + "]==]"


def measure_autosave(page: Page, port: int, args, password: str) -> Result:
    """50 accounts, one connection each, each saving its own declaration's section."""
    users = page.users[:args.connections if args.smoke else page.connections or args.connections]
    sessions = []
    for username in users:
        session = Session(port)
        session.sign_in(username, password)
        sessions.append((session, page.path(session)))

    def script() -> str:
        """The Lua script with each account's current form (its version changes every run)."""
        entries = []
        for session, path in sessions:
            form = session.form(path, "section-form")
            token = form.pop("csrf_token")
            version = form.pop("version")
            # The field being typed in: its end changes on every request (a real save).
            field = page.field or max(form, key=lambda k: len(form[k]))
            value = form.pop(field)[:-8]
            entries.append("{" + ", ".join([
                f"cookie = {_lua_string(session.cookie)}", f"token = {_lua_string(token)}",
                f"path = {_lua_string(path)}", f"version = {_lua_string(version)}",
                f"field = {_lua_string(field)}", f"value = {_lua_string(quote(value))}",
                # As static/js/declaration.js sends it: only the changed field, named in
                # `fields` (the whole field's text, not the whole section).
                f"body = {_lua_string(urlencode({'csrf_token': token, 'fields': field}))}"]) + "}")
        file = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
        file.write("sessions = {\n" + ",\n".join(entries) + "\n}\n" + AUTOSAVE_LUA)
        file.close()
        return file.name

    outs = []
    for duration in (1, args.duration):  # warm-up, then the measurement
        time.sleep(2)  # let saves still in flight from a previous run finish
        name = script()
        try:
            cmd = ["wrk", f"-t{len(users)}", f"-c{len(users)}", f"-d{duration}s", "--latency",
                   "--timeout", "10s", "-s", name, f"http://127.0.0.1:{port}/"]
            outs.append(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)
        finally:
            os.unlink(name)
    rps, p50, p99, errors, requests = parse_wrk(outs[-1])
    conflicts = re.search(r"Autosave conflicts: (\d+), unrecognised answers: (\d+)", outs[-1])
    errors += int(conflicts.group(1)) + int(conflicts.group(2))
    print(conflicts.group(0), re.search(r"Statuses.*", outs[-1]).group(0),
          re.search(r"Socket errors.*|$", outs[-1]).group(0), file=sys.stderr)
    return Result(page.name, rps, p50, p99, errors, requests)


def measure(page: Page, port: int, sessions: dict, args) -> Result:
    session = sessions.get(page.user)
    headers = {"Cookie": session.cookie} if session else {}
    body = None
    if page.method == "POST":
        form = page.body(session) if callable(page.body) else dict(page.body or {})
        form["csrf_token"] = session.token()
        headers["X-CSRFToken"] = form["csrf_token"]
        headers.update(page.headers or {})
        body = urlencode(form)
    path = page.path(session) if callable(page.path) else page.path
    # Warm up (workers booting, caches, connection pools), then measure.
    run_wrk(port, path, duration=1, connections=page.connections or args.connections,
            threads=args.wrk_threads, headers=headers, method=page.method, body=body)
    rps, p50, p99, errors, requests = run_wrk(
        port, path, duration=args.duration, connections=page.connections or args.connections,
        threads=args.wrk_threads, headers=headers, method=page.method, body=body)
    return Result(page.name, rps, p50, p99, errors, requests)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=None,
                        help="default: as gunicorn.conf.py (by database)")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--smoke", action="store_true", help="2 s per page, no RESULTS.md")
    parser.add_argument("--output", default=None)
    parser.add_argument("--label", default="")
    parser.add_argument("--pages", nargs="*", help="only pages whose name contains one of these")
    parser.add_argument("--json", help="also write the results as JSON to this file")
    args = parser.parse_args(argv)
    if args.smoke:
        args.duration, args.connections = 2, 4
    password = os.environ.get("SMPLATFORM_BENCH_PASSWORD", "Bench-Password-2023")
    env = {"SMPLATFORM_CONFIG": "development", "SECRET_KEY": "bench-secret",
           "RATELIMIT_STORAGE_URI": "memory://", "SMPLATFORM_SIGN_IN_LIMIT": "100000 per minute"}
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    base_env = {"BASELINE_DATABASE_URL": env.get("DATABASE_URL", "").replace(
        "smplatform.sqlite3", "baseline.sqlite3") or "sqlite:////tmp/smplatform-baseline.sqlite3"}
    if "DATABASE_URL" in env:  # the same gunicorn sizing as the app (gunicorn.conf.py)
        base_env["DATABASE_URL"] = env["DATABASE_URL"]
    subprocess.run([sys.executable, str(ROOT / "bench" / "baseline_app.py")],
                   env={**os.environ, **base_env}, check=True)

    app_port, base_port = free_port(), free_port()
    app_proc = start_gunicorn("wsgi:app", app_port, env, args.workers, args.threads)
    base_proc = start_gunicorn("bench.baseline_app:app", base_port, base_env, args.workers,
                               args.threads)
    results: list[Result] = []
    try:
        baseline = measure(Page("baseline: fortunes", "/fortunes"), base_port, {}, args)
        results.append(baseline)
        # The review lists' target (issue 13): a plainly written page of their shape.
        list_session = Session(base_port)
        list_session.request("GET", "/login")
        results.append(measure(Page(LIST_BASELINE, "/list?state=passed&category=enterprise",
                                    user="baseline"), base_port, {"baseline": list_session},
                               args))
        sessions: dict[str, Session] = {}
        for page in PAGES:
            if args.pages and not any(p in page.name for p in args.pages):
                continue
            if page.autosave:
                results.append(measure_autosave(page, app_port, args, password))
                continue
            if page.user and page.user not in sessions:
                session = Session(app_port)
                session.sign_in(page.user, password)
                sessions[page.user] = session
            results.append(measure(page, app_port, sessions, args))
    finally:
        stop(app_proc)
        stop(base_proc)
    report = render(results, baseline, args)
    if args.json:
        Path(args.json).write_text(json.dumps([r.__dict__ for r in results], indent=1))
    target = Path(args.output) if args.output else (
        ROOT / "bench" / "out" / "smoke.md" if args.smoke else ROOT / "bench" / "out" / "pages.md")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(report)
    print(report)
    failed = [r.name for r in results if r.errors]
    return 1 if failed else 0


def sizing_label(args) -> str:
    """As gunicorn.conf.py sizes the server (unless --workers/--threads say otherwise)."""
    cpus = os.cpu_count() or 1
    sqlite = (args.database_url or "sqlite").startswith("sqlite")
    workers = args.workers or (cpus if sqlite else cpus * 2 + 1)
    threads = args.threads or (1 if sqlite else 4)
    worker_class = os.environ.get("SMPLATFORM_WORKER_CLASS",
                                  "sync" if threads == 1 else "gthread")
    return f"{workers} {worker_class} workers × {threads} threads (gunicorn.conf.py)"


LIST_BASELINE = "baseline: review-list shape (plain page, filtered, 25 of 20,000 rows)"
REVIEW_LISTS = ("province: queue", "ministry: national")


def render(results: list[Result], baseline: Result, args) -> str:
    lines = [
        f"# Page benchmarks{(' — ' + args.label) if args.label else ''}", "",
        f"Machine: {platform.node()}, {os.cpu_count()} CPUs, {platform.platform()}, "
        f"Python {platform.python_version()}.",
        f"gunicorn {sizing_label(args)}; wrk "
        f"{args.wrk_threads} threads, {args.duration} s per page; connections per page below.",
        "", "| page | req/s | median ms | p99 ms | errors | requests | vs baseline |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        lines.append(f"| {r.name} | {r.rps:.0f} | {r.p50_ms:.1f} | {r.p99_ms:.1f} | "
                     f"{r.errors} | {r.requests} | {r.rps / baseline.rps:.2f} |")
    plain = next((r for r in results if r.name == LIST_BASELINE), None)
    if plain is not None:
        lines += ["", "Review lists against the plain page of their shape (target ≥ 1.00):", "",
                  "| page | req/s | vs plain list page |", "| --- | ---: | ---: |"]
        lines += [f"| {r.name} | {r.rps:.0f} | {r.rps / plain.rps:.2f} |"
                  for r in results if r.name.startswith(REVIEW_LISTS)]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
