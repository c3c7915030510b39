"""The two file stores through the applicant's real upload and download pages: large files
streamed in and out of an S3-compatible bucket, presigned downloads (after the permission
check, short-lived), and `flask migrate-uploads` between the stores."""
from __future__ import annotations

import io
import os
import urllib.request
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from pypdf import PdfWriter
from sqlalchemy import select

from smplatform import filestore
from smplatform.extensions import db
from smplatform.models import DeclarationAttachment, StoredFile
from smplatform.services import storage
from smplatform.services.maintenance import check_consistency
from tests.support import declarations as h


@pytest.fixture
def setup(app, make, login_as, clock):
    clock.set(h.DURING)
    applicant = make.applicant()
    d = h.start(applicant, h.batch5())
    return d, applicant, login_as(applicant)


def large_pdf(megabytes: int = 9) -> bytes:
    """A valid PDF of about `megabytes` MB (an incompressible embedded file)."""
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_attachment("data.bin", os.urandom(megabytes * 1024 * 1024))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def upload(client, d, content: bytes, name: str):
    return client.post(f"/applicant/declarations/{d.id}/attachments",
                       data={"kind": "business_licence", "file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def the_attachment() -> DeclarationAttachment:
    db.session.expire_all()
    return db.session.scalar(select(DeclarationAttachment))


def test_large_upload_streams_into_the_bucket_and_back(app, setup, s3_server):
    bucket = s3_server.bucket()
    app.config.update(s3_server.config(bucket))
    d, _, client = setup
    content = large_pdf()
    assert upload(client, d, content, "大文件.pdf").status_code == 302
    attachment = the_attachment()
    key = attachment.stored_file.storage_key
    assert s3_server.objects(bucket) == [f"uploads/{key[:2]}/{key[2:4]}/{key}"]
    assert list(storage.upload_dir().iterdir()) == []   # nothing left staged on the node

    response = client.get(f"/applicant/declarations/{d.id}/attachments/{attachment.id}")
    assert (response.status_code, response.is_streamed) == (200, True)
    assert response.data == content
    assert (response.headers["Content-Length"], response.headers["Content-Type"]) == (
        str(len(content)), "application/pdf")
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=declaration-{d.id}-business_licence-.pdf; "
        f"filename*=UTF-8''declaration-{d.id}-business_licence-%E5%A4%A7%E6%96%87%E4%BB%B6.pdf"
        )
    assert (response.headers["Cache-Control"], response.headers["Content-Security-Policy"]) \
        == ("private, no-store", "sandbox; default-src 'none'")
    assert check_consistency().ok


def test_refused_upload_leaves_nothing_in_the_bucket(app, setup, s3_server):
    bucket = s3_server.bucket()
    app.config.update(s3_server.config(bucket))
    d, _, client = setup
    response = upload(client, d, b"%PDF-1.4 not really", "fake.pdf")
    assert response.status_code == 302
    assert (the_attachment(), s3_server.objects(bucket)) == (None, [])
    assert list(storage.upload_dir().iterdir()) == []


def test_presigned_download_after_the_permission_check(app, setup, s3_server, make,
                                                        login_as):
    app.config.update(s3_server.config(s3_server.bucket()))
    app.config.update(DOWNLOADS="presigned", PRESIGNED_URL_SECONDS=2)
    d, _, client = setup
    upload(client, d, h.pdf_bytes(), "报告.pdf")
    attachment = the_attachment()
    path = f"/applicant/declarations/{d.id}/attachments/{attachment.id}"

    other = login_as(make.applicant())
    assert other.get(path).status_code == 403          # not theirs: no URL handed out

    response = client.get(path)
    assert response.status_code == 303
    url = response.headers["Location"]
    assert url.startswith(s3_server.url + "/")
    # Signed (SigV4) now, valid for PRESIGNED_URL_SECONDS. (moto's server does not enforce
    # the expiry; S3 and MinIO do, from exactly these parameters.)
    query = parse_qs(urlsplit(url).query)
    signed_at = datetime.strptime(query["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    assert abs((datetime.now(UTC) - signed_at).total_seconds()) < 60
    assert (query["X-Amz-Expires"], query["X-Amz-Algorithm"]) == (["2"], ["AWS4-HMAC-SHA256"])
    assert len(query["X-Amz-Signature"][0]) == 64
    with urllib.request.urlopen(url) as answer:  # noqa: S310  (http on loopback)
        assert answer.read() == h.pdf_bytes()
        assert answer.headers["Content-Type"] == "application/pdf"
        assert answer.headers["Content-Disposition"] == (
            f"attachment; filename=declaration-{d.id}-business_licence-.pdf; filename*=UTF-8''"
            f"declaration-{d.id}-business_licence-%E6%8A%A5%E5%91%8A.pdf")
        assert answer.headers["Cache-Control"] == "private, no-store"


@pytest.mark.usefixtures("local_store")
def test_presigned_setting_with_the_local_store_streams(app, setup):
    app.config["DOWNLOADS"] = "presigned"
    d, _, client = setup
    upload(client, d, h.pdf_bytes(), "a.pdf")
    response = client.get(f"/applicant/declarations/{d.id}/attachments/"
                          f"{the_attachment().id}")
    assert (response.status_code, response.data) == (200, h.pdf_bytes())


@pytest.mark.usefixtures("local_store")
def test_migrate_uploads_from_local_to_s3_and_back(app, setup, s3_server):
    d, _, client = setup
    for n in range(3):
        assert upload(client, d, h.pdf_bytes(), f"{n}.pdf").status_code == 302
    bucket = s3_server.bucket()
    app.config.update(s3_server.config(bucket))
    app.config["STORAGE_BACKEND"] = "local"          # still serving from the local store
    runner = app.test_cli_runner()

    result = runner.invoke(args=["migrate-uploads", "--from", "local", "--to", "s3"])
    assert result.exit_code == 0, result.output
    assert "Copied 3 files" in result.output
    again = runner.invoke(args=["migrate-uploads", "--from", "local", "--to", "s3"])
    assert "Copied 0 files" in again.output and "3 were there already" in again.output

    app.config["STORAGE_BACKEND"] = "s3"             # the switch
    assert check_consistency().ok
    for stored in db.session.scalars(select(StoredFile)):
        assert storage.read(stored) == h.pdf_bytes()
    local = filestore.build(app.config, "local")
    for entry in list(local.entries()):
        local.delete(entry.key)
    back = runner.invoke(args=["migrate-uploads", "--from", "s3", "--to", "local"])
    assert "Copied 3 files" in back.output
    app.config["STORAGE_BACKEND"] = "local"
    assert check_consistency().ok


@pytest.mark.usefixtures("local_store")
def test_migrate_uploads_refuses_a_corrupt_source_file(app, setup, s3_server):
    d, _, client = setup
    upload(client, d, h.pdf_bytes(), "a.pdf")
    stored = db.session.scalar(select(StoredFile))
    filestore.store().put_stream(stored.storage_key, io.BytesIO(b"x" * stored.size),
                                 "application/pdf")
    app.config.update(s3_server.config(s3_server.bucket()))
    app.config["STORAGE_BACKEND"] = "local"
    result = app.test_cli_runner().invoke(
        args=["migrate-uploads", "--from", "local", "--to", "s3"])
    assert result.exit_code == 1
    assert f"corrupt: {stored.id}:{stored.storage_key}" in result.output
    assert filestore.build(app.config, "s3").size(stored.storage_key) is None
