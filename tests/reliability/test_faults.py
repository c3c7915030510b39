"""Faults: a worker killed mid-submission and mid-upload, a full upload disk, a database lock
held too long. Each leaves the data whole and tells the user plainly what happened."""
from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import threading
import time

import pytest
from sqlalchemy import func, select

from smplatform.extensions import db
from smplatform.models import Declaration, DeclarationAttachment, DeclarationCounter, StoredFile
from smplatform.services.audit import verify_chain
from smplatform.services.maintenance import check_consistency, clean_uploads
from tests.support import declarations as h
from tests.support.clients import CSRFClient
from tests.support.factories import PASSWORD, Factories
from tests.support import reliability as helpers

PAUSE = 60  # longer than any test waits: the worker is killed during the pause


@pytest.fixture(scope="module")
def faulty_server(_session_app, database_url, tmp_path_factory):
    """One gunicorn worker that pauses before committing a submission and before renaming
    an upload into place, so that the test can kill it at that moment."""
    server = helpers.Gunicorn(
        database_url=database_url, upload_dir=_session_app.config["UPLOAD_DIR"],
        log=tmp_path_factory.mktemp("gunicorn") / "gunicorn.log", workers=1, threads=4,
        pauses={"submit.before_commit": PAUSE, "storage.before_rename": PAUSE}).start()
    yield server
    server.stop()


def ready_declaration(batch):
    user = Factories().applicant()
    d = h.start(user, batch)
    d.data = h.complete_data("enterprise", d.data)
    db.session.commit()
    h.attach_required(d, user)
    return user, d


def strike(server, point: str, request) -> dict:
    """Send `request` in a thread, SIGKILL the worker when it reaches the pause `point`,
    wait for gunicorn to replace it; return what the client got."""
    outcome = {}
    before = len(server.log.read_text(errors="replace"))

    def send():
        try:
            outcome["response"] = request()
        except (OSError, http.client.HTTPException) as error:
            outcome["error"] = error

    thread = threading.Thread(target=send)
    thread.start()
    deadline, match = time.monotonic() + 30, None
    while match is None and time.monotonic() < deadline:
        match = re.search(rf"FAULT PAUSE {re.escape(point)} pid=(\d+)",
                          server.log.read_text(errors="replace")[before:])
        time.sleep(0.05)
    assert match, "the request never reached the fault point"
    os.kill(int(match.group(1)), signal.SIGKILL)
    thread.join(30)
    server.wait_for_workers(1)
    return outcome


def test_client(app, user) -> CSRFClient:
    """The in-process client (no fault pauses) for the retry after the crash."""
    app.test_client_class = CSRFClient
    client = app.test_client()
    response = client.post("/account/sign-in", data={"username": user.username,
                                                     "password": PASSWORD})
    assert response.status_code == 302
    return client


test_client.__test__ = False


@pytest.mark.slow
def test_worker_killed_before_commit_leaves_a_whole_draft(app, faulty_server):
    batch = helpers.open_batch_now()
    user, d = ready_declaration(batch)
    client = helpers.Client(faulty_server.port)
    assert client.sign_in(user.username).status == 302
    page = client.get(f"/applicant/declarations/{d.id}")
    form = {"version": str(page.version()), "csrf_token": page.csrf()}

    outcome = strike(faulty_server, "submit.before_commit",
                     lambda: client.post(f"/applicant/declarations/{d.id}/submit", form))

    assert (outcome.get("response"), type(outcome.get("error")).__name__) == \
        (None, "RemoteDisconnected")
    db.session.expire_all()
    d = db.session.get(Declaration, d.id)
    assert (d.state, d.electronic_number, d.submitted_at, d.version) == \
        ("draft", None, None, int(form["version"]))
    assert db.session.scalar(select(func.coalesce(func.max(DeclarationCounter.last), 0))) == 0
    # Trying again works, and the electronic number has no gap.
    retry = test_client(app, user).post(f"/applicant/declarations/{d.id}/submit",
                                        data={"version": form["version"]})
    assert retry.status_code == 302
    db.session.expire_all()
    d = db.session.get(Declaration, d.id)
    assert (d.state, d.electronic_number[-5:]) == ("submitted", "-0001")
    assert verify_chain().problems == []


@pytest.mark.slow
def test_worker_killed_while_an_upload_streams_leaves_no_file(app, faulty_server):
    batch = helpers.open_batch_now()
    user, d = ready_declaration(batch)
    client = helpers.Client(faulty_server.port)
    assert client.sign_in(user.username).status == 302
    page = client.get(f"/applicant/declarations/{d.id}")
    files_before = helpers.upload_files(app.config["UPLOAD_DIR"])
    body, content_type = helpers.multipart({"csrf_token": page.csrf(), "kind": "evidence"},
                                           "file", "big.pdf", h.pdf_bytes() + b"\0" * 4_000_000)
    sock = socket.create_connection(("127.0.0.1", faulty_server.port), timeout=30)
    cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    sock.sendall((f"POST /applicant/declarations/{d.id}/attachments HTTP/1.1\r\n"
                  f"Host: 127.0.0.1\r\nCookie: {cookie}\r\nContent-Type: {content_type}\r\n"
                  f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode())
    sock.sendall(body[:1_000_000])  # a slow client: a quarter of the file, then a pause
    time.sleep(1.0)
    [worker] = faulty_server.worker_pids()
    os.kill(worker, signal.SIGKILL)
    with pytest.raises(OSError):  # the rest cannot be sent, or the answer is a reset/EOF
        sock.sendall(body[1_000_000:])
        if sock.recv(1024) == b"":
            raise ConnectionResetError("closed without an answer")
    sock.close()
    faulty_server.wait_for_workers(1)

    db.session.expire_all()
    assert helpers.upload_files(app.config["UPLOAD_DIR"]) == files_before
    assert db.session.scalar(select(func.count()).select_from(DeclarationAttachment)) == 2
    assert check_consistency().ok


@pytest.mark.slow
def test_worker_killed_before_rename_leaves_a_partial_file_that_cleanup_removes(
        app, faulty_server):
    batch = helpers.open_batch_now()
    user, d = ready_declaration(batch)
    client = helpers.Client(faulty_server.port)
    assert client.sign_in(user.username).status == 302
    page = client.get(f"/applicant/declarations/{d.id}")
    body, content_type = helpers.multipart({"csrf_token": page.csrf(), "kind": "evidence"},
                                           "file", "evidence.pdf", h.pdf_bytes())

    outcome = strike(faulty_server, "storage.before_rename",
                     lambda: client.request("POST", f"/applicant/declarations/{d.id}/attachments",
                                            body=body, headers={"Content-Type": content_type}))

    assert (outcome.get("response"), type(outcome.get("error")).__name__) == \
        (None, "RemoteDisconnected")
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(DeclarationAttachment)) == 2
    report = check_consistency()
    assert (len(report.partial), report.orphans, report.missing) == (1, [], [])
    # A recent partial file may belong to a request in progress: the cleanup keeps it ...
    kept = clean_uploads(older_than_minutes=60)
    assert (kept.partial, kept.kept_recent) == ([], 1)
    # ... and removes it once it is old (the cron job, `flask clean-uploads`).
    partial = os.path.join(app.config["UPLOAD_DIR"], report.partial[0])
    an_hour_ago = time.time() - 61 * 60
    os.utime(partial, (an_hour_ago, an_hour_ago))
    result = app.test_cli_runner().invoke(args=["clean-uploads"])
    assert result.output.splitlines() == [
        f"removed partial: {report.partial[0]}",
        "Removed 1 interrupted uploads and 0 orphan files older than 60 minutes; "
        "kept 0 younger ones."]
    assert check_consistency().ok
    assert db.session.scalar(select(func.count()).select_from(StoredFile)) == 2
