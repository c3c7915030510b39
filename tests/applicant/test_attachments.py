"""Attachments: content-checked uploads by kind, limits, downloads, deletion, audit."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import select

from smplatform.enums import DeclarationState
from smplatform.extensions import db
from smplatform.models import AuditEntry, DeclarationAttachment, StoredFile
from tests.support import declarations as h


@pytest.fixture
def setup(app, make, login_as, clock):
    clock.set(h.DURING)
    batch = h.batch5()
    applicant = make.applicant()
    d = h.start(applicant, batch)
    return d, applicant, login_as(applicant)


def upload(client, d, content, name, kind="business_licence"):
    return client.post(f"/applicant/declarations/{d.id}/attachments",
                       data={"kind": kind, "file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data", follow_redirects=True)


def count():
    db.session.expire_all()
    return db.session.query(DeclarationAttachment).count()


def files(app):
    return [p for p in Path(app.config["UPLOAD_DIR"]).rglob("*") if p.is_file()]


def test_upload_pdf_attaches_and_audits(app, setup):
    d, applicant, client = setup
    response = upload(client, d, h.pdf_bytes(), "营业执照.pdf")
    assert response.status_code == 200
    assert "File uploaded." in response.get_data(as_text=True)
    attachment = db.session.scalar(select(DeclarationAttachment))
    assert (attachment.kind, attachment.stored_file.original_name) == ("business_licence",
                                                                      "营业执照.pdf")
    audit = db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "declaration.attachment_upload"))
    assert audit.actor_id == applicant.id


@pytest.mark.parametrize(("content", "name", "message"), [
    (b"plain text pretending", "fake.pdf", "not an accepted document"),
    (b"%PDF-1.4\nbroken", "broken.pdf", "not an accepted document"),
    (b"", "empty.pdf", "The file is empty"),
])
def test_upload_bad_content_refused(app, setup, content, name, message):
    d, _, client = setup
    before = files(app)
    response = upload(client, d, content, name)
    assert message in response.get_data(as_text=True)
    assert count() == 0
    assert files(app) == before


def test_upload_png_renamed_pdf_refused(app, setup):
    d, _, client = setup
    response = upload(client, d, h.png_bytes(), "photo.pdf")
    assert "its content is PNG" in response.get_data(as_text=True)
    assert count() == 0


def test_upload_oversize_refused_with_small_limit(app, setup):
    d, _, client = setup
    app.config["MAX_UPLOAD_BYTES"] = 2000
    before = files(app)
    response = upload(client, d, h.pdf_bytes() + b"\0" * 3000, "big.pdf")
    assert "larger than" in response.get_data(as_text=True)
    assert (count(), files(app)) == (0, before)


def test_upload_declaration_total_limit(app, setup):
    d, _, client = setup
    size = len(h.pdf_bytes())
    app.config["MAX_DECLARATION_UPLOAD_BYTES"] = size * 2 + 10
    upload(client, d, h.pdf_bytes(), "1.pdf")
    upload(client, d, h.pdf_bytes(), "2.pdf", kind="audit_report")
    before = files(app)
    response = upload(client, d, h.pdf_bytes(), "3.pdf", kind="evidence")
    assert "may total at most" in response.get_data(as_text=True)
    assert (count(), files(app)) == (2, before)


def test_request_too_large_shows_friendly_413(app, setup):
    d, _, client = setup
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = client.post(f"/applicant/declarations/{d.id}/attachments",
                           data={"kind": "evidence",
                                 "file": (io.BytesIO(b"%PDF" + b"0" * 5000), "x.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 413
    assert "Upload too large" in response.get_data(as_text=True)


def test_upload_unknown_kind_refused(app, setup):
    d, _, client = setup
    response = upload(client, d, h.pdf_bytes(), "a.pdf", kind="stamped_scan")
    assert "cannot be uploaded now" in response.get_data(as_text=True)
    assert count() == 0


def test_download_as_attachment_with_safe_name(app, setup):
    d, _, client = setup
    upload(client, d, h.pdf_bytes(), 'a:b|报告.pdf')
    attachment = db.session.scalar(select(DeclarationAttachment))
    response = client.get(f"/applicant/declarations/{d.id}/attachments/{attachment.id}")
    assert response.status_code == 200
    assert response.data == h.pdf_bytes()
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "private, no-store"
    from smplatform.services.attachments import download_name
    assert download_name(attachment) == f"declaration-{d.id}-business_licence-a_b_报告.pdf"


def test_delete_attachment_while_editable(app, setup):
    d, _, client = setup
    upload(client, d, h.pdf_bytes(), "a.pdf")
    attachment = db.session.scalar(select(DeclarationAttachment))
    before = files(app)
    response = client.post(
        f"/applicant/declarations/{d.id}/attachments/{attachment.id}/delete")
    assert response.status_code == 302
    assert (count(), db.session.query(StoredFile).count()) == (0, 0)
    assert len(files(app)) == len(before) - 1
    assert db.session.scalar(select(AuditEntry.action).where(
        AuditEntry.action == "declaration.attachment_delete")) == "declaration.attachment_delete"


def test_delete_refused_when_frozen(app, setup):
    d, _, client = setup
    upload(client, d, h.pdf_bytes(), "a.pdf")
    attachment = db.session.scalar(select(DeclarationAttachment))
    h.set_state(d, DeclarationState.SUBMITTED)
    response = client.post(
        f"/applicant/declarations/{d.id}/attachments/{attachment.id}/delete")
    assert response.status_code == 403
    assert count() == 1


def test_stamped_scan_only_after_passing(app, setup):
    d, _, client = setup
    h.set_state(d, DeclarationState.PASSED)
    response = upload(client, d, h.pdf_bytes(), "stamped.pdf", kind="stamped_scan")
    assert "File uploaded." in response.get_data(as_text=True)
    response = upload(client, d, h.pdf_bytes(), "x.pdf", kind="evidence")
    assert "cannot be uploaded now" in response.get_data(as_text=True)
    assert [a.kind for a in db.session.scalars(select(DeclarationAttachment))] == [
        "stamped_scan"]
