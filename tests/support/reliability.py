"""Reliability test kit: a real gunicorn server on the test database, a small HTTP client
with a cookie jar (http.client), and fast bulk creation of complete draft declarations."""
from __future__ import annotations

import http.client
import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass
from datetime import timedelta
from http.cookies import SimpleCookie
from pathlib import Path

from smplatform import clock
from smplatform.enums import BatchStatus
from smplatform.extensions import db
from smplatform.models import Batch
from smplatform.rules import annex1
from smplatform.services import attachments
from tests.support import declarations as h
from tests.support.factories import PASSWORD, Factories
from tests.support.two_factor import CODE_PAGE, fresh_code

ROOT = Path(__file__).resolve().parents[2]
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
VERSION_RE = re.compile(r'name="version" (?:id="version" )?value="(\d+)"')
AUTOSAVE_FIELD = "practices"   # a textarea of the enterprise form's narrative section


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """gunicorn with the project's gunicorn.conf.py, serving tests.reliability.server:app."""

    def __init__(self, *, database_url: str, upload_dir: str, log: Path, workers: int = 3,
                 threads: int = 4, pauses: dict | None = None):
        self.port = free_port()
        self.log = log
        self.env = dict(os.environ, SMPLATFORM_CONFIG="development", DATABASE_URL=database_url,
                        SMPLATFORM_UPLOAD_DIR=upload_dir, SECRET_KEY="reliability-secret",
                        SMPLATFORM_SIGN_IN_LIMIT="100000 per minute",
                        SMPLATFORM_WORKERS=str(workers), SMPLATFORM_THREADS=str(threads),
                        SMPLATFORM_BIND=f"127.0.0.1:{self.port}",
                        RELIABILITY_FAULT_PAUSES=json.dumps(pauses or {}))
        self.process: subprocess.Popen | None = None

    def start(self) -> "Gunicorn":
        self._out = self.log.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
             "tests.reliability.server:app"],
            cwd=ROOT, env=self.env, stdout=self._out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn exited:\n" + self.log.read_text()[-3000:])
            try:
                if Client(self.port).get("/").status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not answer:\n" + self.log.read_text()[-3000:])

    def worker_pids(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(p) for p in path.read_text().split()]

    def wait_for_log(self, pattern: str, timeout: float = 30) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = re.search(pattern, self.log.read_text(errors="replace"))
            if match:
                return match
            time.sleep(0.05)
        raise AssertionError(f"{pattern!r} not in the server log:\n"
                             + self.log.read_text(errors="replace")[-3000:])

    def wait_for_workers(self, count: int, timeout: float = 30) -> list[int]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pids = self.worker_pids()
            if len(pids) == count:
                try:
                    if Client(self.port).get("/").status == 200:
                        return pids
                except OSError:
                    pass
            time.sleep(0.1)
        raise AssertionError("gunicorn did not replace its worker")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self._out.close()
        self.process = None


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: str
    content: bytes = b""   # the body as sent (a download)

    def csrf(self) -> str:
        return CSRF_RE.search(self.body).group(1)

    def version(self) -> int:
        return int(VERSION_RE.search(self.body).group(1))


class Client:
    """One user's browser: a cookie jar and form posts, a new connection per request."""

    def __init__(self, port: int, *, language: str = "en", source: str | None = None):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.language = language
        self.source = source  # the client's own loopback address (127.x.y.z), if any

    def request(self, method: str, path: str, *, data: dict | None = None,
                body: bytes | None = None, headers: dict | None = None,
                timeout: float = 120) -> Response:
        headers = dict(headers or {})
        headers["Accept-Language"] = self.language
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if data is not None:
            body = urllib.parse.urlencode(data, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=timeout,
            source_address=(self.source, 0) if self.source else None)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
            text = content.decode("utf-8", errors="replace")
        finally:
            connection.close()
        for value in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(value)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
        return Response(response.status, response.headers, text, content)

    def get(self, path: str, **kw) -> Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, data: dict, **kw) -> Response:
        return self.request("POST", path, data=data, **kw)

    def sign_in(self, username: str, password: str = PASSWORD) -> Response:
        """The sign-in form, and for staff the second step (tests/two_factor.py)."""
        token = self.get("/account/sign-in").csrf()
        response = self.post("/account/sign-in", {"username": username, "password": password,
                                                   "csrf_token": token})
        if response.headers.get("Location") == CODE_PAGE:
            token = self.get(CODE_PAGE).csrf()
            response = self.post(CODE_PAGE, {"code": fresh_code(username), "csrf_token": token})
        return response


def open_batch_now() -> Batch:
    """An open batch around the real time (gunicorn's clock is the real one)."""
    now = clock.now()
    batch = Batch(number=5, year=now.year, status=BatchStatus.OPEN,
                  opens_at=now - timedelta(days=1), contact_deadline=now + timedelta(days=5),
                  province_deadline=now + timedelta(days=10),
                  evaluation_deadline=now + timedelta(days=20))
    db.session.add(batch)
    db.session.commit()
    return batch


def pdf_stream() -> io.BytesIO:
    return io.BytesIO(h.pdf_bytes())


def complete_drafts(batch: Batch, count: int, units: tuple[str, ...]) -> list[tuple]:
    """`count` organisations, each with a complete draft enterprise declaration and its
    required attachments, spread over `units`. Returns [(username, declaration id, unit)].

    Started through the service (eligibility, audit); the form data is set in bulk (the
    form's own save path is what the surge exercises); attachments through the service."""
    make = Factories()
    required = [k.key for k in annex1.definition("enterprise").attachments if k.required]
    data_template = h.complete_data("enterprise")
    created = []
    for i in range(count):
        unit = units[i % len(units)]
        user = make.applicant(unit=unit)
        declaration = h.start(user, batch)
        data = dict(declaration.data)
        data.update({k: v for k, v in data_template.items() if not data.get(k)})
        declaration.data = data
        for kind in required:
            attachments.upload(declaration=declaration, actor=user, kind=kind,
                               stream=pdf_stream(), filename=f"{kind}.pdf")
        created.append((user.username, declaration.id, unit))
        if i % 50 == 49:
            db.session.commit()
    db.session.commit()
    return created


def narrative(value: str, version: int, token: str) -> dict:
    """The narrative section as the autosave posts it, with one field changed."""
    data = h.section_raw("enterprise", "narrative", h.complete_data("enterprise"))
    data.update({AUTOSAVE_FIELD: value, "version": str(version), "csrf_token": token})
    return data


def multipart(fields: dict, file_field: str, filename: str, content: bytes) -> tuple[bytes, str]:
    """A multipart/form-data body (fields first, then the file) and its content type."""
    boundary = "----reliability" + os.urandom(8).hex()
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                     f"{value}\r\n".encode())
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
                 f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
                 + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def upload_files(upload_dir: str) -> list[str]:
    root = Path(upload_dir)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
