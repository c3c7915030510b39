"""A full upload disk and a database lock held too long: the user gets a clear, translated
refusal; nothing is half-written."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
import time

import pytest
from sqlalchemy import create_engine, func, select, text

from smplatform import create_app
from smplatform.extensions import db
from smplatform.models import AuditEntry, Declaration, DeclarationAttachment, StoredFile
from smplatform.services.audit import verify_chain
from smplatform.services.maintenance import clean_uploads
from tests.support import declarations as h
from tests.support.clients import CSRFClient
from tests.support.factories import PASSWORD, Factories
from tests.support import reliability as helpers

DISK_FULL_ZH = "服务器无法保存该文件（磁盘已满）"
BUSY_ZH = "平台繁忙"


@pytest.fixture
def tiny_disk():
    """A 1 MB tmpfs; skipped, loudly, where mounting is not allowed."""
    path = tempfile.mkdtemp(prefix="smplatform-tiny-")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", path],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        os.rmdir(path)
        message = f"cannot mount a tmpfs here ({mounted.stderr.strip()}); disk-full test SKIPPED"
        print("\n" + "!" * 78 + "\n" + message + "\n" + "!" * 78, file=sys.stderr)
        pytest.skip(message)
    yield path
    subprocess.run(["umount", path], check=True)
    os.rmdir(path)


def signed_in(app, user) -> CSRFClient:
    app.test_client_class = CSRFClient
    client = app.test_client()
    response = client.post("/account/sign-in", data={"username": user.username,
                                                     "password": PASSWORD})
    assert response.status_code == 302
    return client


def draft(batch):
    user = Factories().applicant()
    return user, h.start(user, batch)


@pytest.mark.usefixtures("local_store")
def test_upload_to_a_full_disk_is_refused_cleanly(app, tiny_disk):
    batch = helpers.open_batch_now()
    user, d = draft(batch)
    app.config["UPLOAD_DIR"] = tiny_disk
    client = signed_in(app, user)
    big = h.pdf_bytes() + b"\0" * 2_000_000  # twice the free space
    import io
    response = client.post(f"/applicant/declarations/{d.id}/attachments",
                           data={"kind": "business_licence",
                                 "file": (io.BytesIO(big), "licence.pdf")},
                           content_type="multipart/form-data", follow_redirects=True)

    assert response.status_code == 200
    assert DISK_FULL_ZH in response.get_data(as_text=True)
    assert helpers.upload_files(tiny_disk) == []
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(StoredFile)) == 0
    assert db.session.scalar(select(func.count()).select_from(DeclarationAttachment)) == 0
    entries = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "storage.disk_full")).all()
    assert [(e.outcome, e.actor_id, e.object_id) for e in entries] == \
        [("failure", user.id, str(d.id))]
    assert verify_chain().problems == []
    # A file that fits is stored as usual.
    response = client.post(f"/applicant/declarations/{d.id}/attachments",
                           data={"kind": "business_licence",
                                 "file": (io.BytesIO(h.pdf_bytes()), "licence.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    assert len(helpers.upload_files(tiny_disk)) == 1


@pytest.mark.usefixtures("local_store")
def test_upload_cleanup_removes_old_orphans_and_keeps_stored_files(app):
    batch = helpers.open_batch_now()
    user, d = draft(batch)
    h.attach_required(d, user)
    root = app.config["UPLOAD_DIR"]
    stored = helpers.upload_files(root)
    orphan = os.path.join(root, "ab", "cd", "ab" + "cd" * 19)
    os.makedirs(os.path.dirname(orphan), exist_ok=True)
    with open(orphan, "wb") as fh:
        fh.write(b"left by a killed worker")
    young = os.path.join(root, ".upload-young")
    with open(young, "wb") as fh:
        fh.write(b"a request in progress")
    old = time.time() - 2 * 3600
    for path in stored + ["ab/cd/" + os.path.basename(orphan)]:
        os.utime(os.path.join(root, path), (old, old))

    report = clean_uploads(older_than_minutes=60)

    assert (report.orphans, report.partial, report.kept_recent) == \
        ([os.path.relpath(orphan, root)], [], 1)
    assert helpers.upload_files(root) == sorted(stored + [".upload-young"])


def _busy_app(app, database_url):
    """A second app on the same database that waits only 300 ms for a lock."""
    return create_app({"CONFIG": "testing", "SQLALCHEMY_DATABASE_URI": database_url,
                       "UPLOAD_DIR": app.config["UPLOAD_DIR"], "SQLITE_BUSY_TIMEOUT_MS": 300,
                       "PG_LOCK_TIMEOUT_MS": 300})


class HeldLock:
    """Another connection holding the declaration table: SQLite's write lock (BEGIN
    IMMEDIATE), or PostgreSQL's ACCESS EXCLUSIVE table lock."""

    def __init__(self, database_url):
        self.url = database_url

    def __enter__(self):
        if self.url.startswith("sqlite"):
            self.conn = sqlite3.connect(self.url.removeprefix("sqlite:///"),
                                        isolation_level=None)
            self.conn.execute("BEGIN IMMEDIATE")
        else:
            self.engine = create_engine(self.url)
            self.conn = self.engine.connect()
            self.conn.execute(text("SET lock_timeout = 10000"))  # fail, never hang
            self.conn.execute(text("LOCK TABLE declaration IN ACCESS EXCLUSIVE MODE"))
        return self

    def __exit__(self, *exc):
        if self.url.startswith("sqlite"):
            self.conn.execute("ROLLBACK")
            self.conn.close()
        else:
            self.conn.rollback()
            self.conn.close()
            self.engine.dispose()


def test_database_lock_held_too_long_gives_a_busy_page_and_saves_nothing(app, database_url):
    batch = helpers.open_batch_now()
    user, d = draft(batch)
    busy = _busy_app(app, database_url)
    client = signed_in(busy, user)
    section = f"/applicant/declarations/{d.id}/sections/narrative"
    token = client.csrf_token()
    before, version = dict(d.data), d.version
    db.session.commit()  # end this session's read transaction (it would block the lock)

    with HeldLock(database_url):
        started = time.monotonic()
        response = client.post(section, data=helpers.narrative("lost?", version, token),
                               headers={"HX-Request": "true"})
        waited = time.monotonic() - started

    assert (response.status_code, response.headers["Retry-After"]) == (503, "30")
    assert BUSY_ZH in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)
    assert waited < 10
    db.session.expire_all()
    d = db.session.get(Declaration, d.id)
    assert (d.data, d.version) == (before, 1)
    # Once the lock is gone, the same save goes through.
    response = client.post(section, data=helpers.narrative("saved", d.version, token),
                           headers={"HX-Request": "true"})
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(Declaration, d.id).data[helpers.AUTOSAVE_FIELD] == "saved"
    assert verify_chain().problems == []
    with busy.app_context():
        db.engine.dispose()
