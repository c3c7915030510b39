"""Content-checked uploads: what claims to be a PDF must be one; failures leave no file.
Every test runs on both file stores (the local directory and an S3-compatible bucket)."""
from __future__ import annotations

import io
import zipfile

import pytest

from smplatform import filestore
from smplatform.extensions import db
from smplatform.models import StoredFile
from smplatform.services import DomainError, storage
from tests.support.declarations import pdf_bytes, png_bytes


@pytest.fixture(autouse=True)
def _each_store(storage_backend):
    return storage_backend


def files_on_disk(app) -> list[str]:
    """Every file of the store, interrupted uploads (staging files, unfinished multipart
    uploads) included."""
    store = filestore.store()
    return sorted([e.name for e in store.entries()] + [p.name for p in store.partials()])


def refuse(app, content: bytes, name: str, code: str, **kw):
    before = files_on_disk(app)
    with pytest.raises(DomainError) as info:
        storage.save_bytes(content, name, allowed=storage.DOCUMENT_KINDS, **kw)
    db.session.rollback()
    assert info.value.code == code
    assert files_on_disk(app) == before
    return info.value


def test_save_accepts_real_pdf(app):
    stored = storage.save_bytes(pdf_bytes(), "报告.pdf", allowed=storage.DOCUMENT_KINDS)
    db.session.commit()
    assert (stored.content_type, stored.original_name) == ("application/pdf", "报告.pdf")
    assert storage.read(stored) == pdf_bytes()


def test_save_accepts_png_and_docx(app):
    assert storage.save_bytes(png_bytes(), "a.png",
                              allowed=storage.DOCUMENT_KINDS).content_type == "image/png"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    stored = storage.save_bytes(out.getvalue(), "a.docx", allowed=storage.DOCUMENT_KINDS)
    assert stored.content_type.endswith("wordprocessingml.document")


def test_save_refuses_text_file_named_pdf(app):
    refuse(app, b"just some text, not a PDF\n", "fake.pdf", "bad_type")


def test_save_refuses_truncated_pdf(app):
    refuse(app, pdf_bytes()[:40], "broken.pdf", "bad_type")


def test_save_refuses_malformed_pdf_header_only(app):
    refuse(app, b"%PDF-1.7\n%garbage garbage\n", "broken.pdf", "bad_type")


def test_save_refuses_png_renamed_pdf(app):
    error = refuse(app, png_bytes(), "image.pdf", "mismatch")
    assert "PNG" in str(error.message)


def test_save_refuses_empty_file(app):
    refuse(app, b"", "empty.pdf", "empty")


def test_save_refuses_oversize_with_small_limit(app):
    app.config["MAX_UPLOAD_BYTES"] = 1000
    error = refuse(app, pdf_bytes() + b"\n" * 2000, "big.pdf", "too_large")
    assert "MB" in str(error.message)


def test_save_refuses_scan_kind_not_allowed(app):
    with pytest.raises(DomainError):
        storage.save_bytes(pdf_bytes(), "a.pdf", allowed=frozenset({"png"}))
    db.session.rollback()


def test_rolled_back_upload_leaves_no_file(app):
    before = files_on_disk(app)
    storage.save_bytes(pdf_bytes(), "a.pdf", allowed=storage.DOCUMENT_KINDS)
    assert len(files_on_disk(app)) == len(before) + 1
    db.session.rollback()
    assert files_on_disk(app) == before
    assert db.session.query(StoredFile).count() == 0
