"""Uploaded files encrypted at rest with SM4-GCM under a key outside the database (issue 14,
"uploaded files may be encrypted the same way (a setting)"): ENCRYPT_UPLOADS, read back through
the real download pages, rotation, retirement, `flask encrypt-uploads`, backup, the move
between stores, and files altered, cut, reordered or swapped in the store."""
from __future__ import annotations

import io
import json
import os
import tarfile

import pytest
from sqlalchemy import select

from smplatform import crypto, filestore
from smplatform.extensions import db
from smplatform.models import AuditEntry, StoredFile
from smplatform.services import storage
from smplatform.services.maintenance import backup, check_consistency, restore
from tests.support import declarations as h

CHUNK = crypto.FILE_CHUNK


# ------------------------------------------------------------------ the format, on its own

def _ring(current: str = "t1") -> crypto.KeyRing:
    return crypto.KeyRing.from_dict({
        "data": {"current": current, "keys": {"t1": "00" * 16, "t2": "11" * 16}},
        "audit": {"current": "t1", "keys": {"t1": "a5" * 32}},
        "index": {"current": "t1", "keys": {"t1": "1d" * 32}}})


def _seal(content: bytes, context: str = "key-a", ring=None) -> bytes:
    return b"".join(crypto.encrypt_file(ring or _ring(), io.BytesIO(content), context))


def _open(sealed: bytes, context: str = "key-a", ring=None) -> bytes:
    stream = io.BytesIO(sealed)
    assert stream.read(len(crypto.FILE_MAGIC)) == crypto.FILE_MAGIC
    return b"".join(crypto.decrypt_file(ring or _ring(), stream, context))


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK + 5])
def test_round_trip_and_the_stored_size_at_every_chunk_boundary(size):
    content = os.urandom(size)
    sealed = _seal(content)
    assert len(sealed) == crypto.encrypted_file_size(size, "t1")
    assert crypto.file_key_id(sealed[:64]) == "t1"
    assert _open(sealed) == content
    if size >= 16:
        assert content[:16] not in sealed


def _chunks(sealed: bytes) -> tuple[bytes, list[bytes]]:
    header_length = len(crypto.FILE_MAGIC) + 1 + 2 + crypto.FILE_NONCE_PREFIX
    body = sealed[header_length:]
    step = CHUNK + crypto.TAG
    return sealed[:header_length], [body[i:i + step] for i in range(0, len(body), step)]


def test_altered_cut_reordered_or_moved_files_do_not_decrypt():
    content = os.urandom(3 * CHUNK)
    sealed = _seal(content)
    header, chunks = _chunks(sealed)
    assert len(chunks) == 3
    altered = bytearray(sealed)
    altered[len(header) + CHUNK + 100] ^= 1                # a byte of the second chunk
    cases = {
        "altered": bytes(altered),
        "last chunk dropped": header + b"".join(chunks[:2]),   # cut at a chunk boundary
        "cut inside a chunk": sealed[:-5],
        "reordered": header + chunks[1] + chunks[0] + chunks[2],
    }
    for name, bad in cases.items():
        with pytest.raises(crypto.DecryptionError):
            _open(bad)
            raise AssertionError(name)
    with pytest.raises(crypto.DecryptionError):       # another file's place (storage key)
        _open(sealed, context="key-b")
    with pytest.raises(crypto.MissingKey):
        _open(_seal(b"x", ring=_ring("t2")), ring=crypto.KeyRing.from_dict({
            "data": {"current": "t1", "keys": {"t1": "00" * 16}},
            "audit": {"current": "t1", "keys": {"t1": "a5" * 32}},
            "index": {"current": "t1", "keys": {"t1": "1d" * 32}}}))


# ------------------------------------------------------------- through the platform's pages

@pytest.fixture
def setup(app, make, login_as, clock):
    clock.set(h.DURING)
    applicant = make.applicant()
    d = h.start(applicant, h.batch5())
    return d, applicant, login_as(applicant)


def upload(client, d, content: bytes, name: str = "报告.pdf"):
    response = client.post(f"/applicant/declarations/{d.id}/attachments",
                           data={"kind": "business_licence",
                                 "file": (io.BytesIO(content), name)},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.expire_all()
    return db.session.scalars(select(StoredFile).order_by(StoredFile.id.desc())).first()


def download(client, d, stored: StoredFile):
    from smplatform.models import DeclarationAttachment
    attachment = db.session.scalar(select(DeclarationAttachment).where(
        DeclarationAttachment.stored_file_id == stored.id))
    return client.get(f"/applicant/declarations/{d.id}/attachments/{attachment.id}")


def raw_bytes(stored: StoredFile) -> bytes:
    with filestore.store().raw.open(stored.storage_key) as body:
        return body.read()


def test_an_upload_is_stored_encrypted_and_downloads_as_uploaded(app, setup, storage_backend):
    app.config["ENCRYPT_UPLOADS"] = True
    d, _, client = setup
    content = h.pdf_bytes()
    stored = upload(client, d, content)
    assert stored.encryption_key_id == "t1"
    raw = raw_bytes(stored)
    assert raw.startswith(crypto.FILE_MAGIC) and b"%PDF" not in raw
    assert len(raw) == crypto.encrypted_file_size(len(content), "t1") == \
        storage.stored_size(stored)
    response = download(client, d, stored)
    assert (response.status_code, response.data) == (200, content)
    assert response.headers["Content-Length"] == str(len(content))
    assert response.headers["Cache-Control"] == "private, no-store"
    assert check_consistency().ok


def test_encrypted_files_are_streamed_even_when_downloads_are_presigned(app, setup, s3_server):
    app.config.update(s3_server.config(s3_server.bucket()))
    app.config.update(ENCRYPT_UPLOADS=True, DOWNLOADS="presigned")
    d, _, client = setup
    stored = upload(client, d, h.pdf_bytes())
    response = download(client, d, stored)
    assert (response.status_code, response.data) == (200, h.pdf_bytes())  # not a 303


def test_a_file_altered_in_the_store_is_reported_and_not_served(app, setup, storage_backend):
    app.config["ENCRYPT_UPLOADS"] = True
    d, _, client = setup
    stored = upload(client, d, h.pdf_bytes())
    raw = bytearray(raw_bytes(stored))
    raw[-1] ^= 1
    filestore.store().raw.put_stream(stored.storage_key, io.BytesIO(bytes(raw)),
                                     "application/pdf")
    report = check_consistency()
    assert report.corrupt == [f"{stored.id}:{stored.storage_key}"]
    with pytest.raises(crypto.DecryptionError):
        storage.read(stored)


def test_two_encrypted_files_swapped_in_the_store_do_not_decrypt(app, setup):
    app.config["ENCRYPT_UPLOADS"] = True
    d, _, client = setup
    first = upload(client, d, h.pdf_bytes(), "a.pdf")
    second = upload(client, d, h.pdf_bytes(), "b.pdf")
    one, two = raw_bytes(first), raw_bytes(second)
    raw = filestore.store().raw
    raw.put_stream(first.storage_key, io.BytesIO(two), "application/pdf")
    raw.put_stream(second.storage_key, io.BytesIO(one), "application/pdf")
    assert sorted(check_consistency().corrupt) == sorted(
        f"{s.id}:{s.storage_key}" for s in (first, second))


def test_encrypt_uploads_encrypts_the_files_stored_before(app, setup, storage_backend):
    d, _, client = setup
    content = h.pdf_bytes()
    before = upload(client, d, content, "before.pdf")
    assert (before.encryption_key_id, raw_bytes(before)) == (None, content)
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["encrypt-uploads"])
    assert (refused.exit_code, "SMPLATFORM_ENCRYPT_UPLOADS=1" in refused.output) == (1, True)

    app.config["ENCRYPT_UPLOADS"] = True
    assert download(client, d, before).data == content      # read in the clear meanwhile
    result = runner.invoke(args=["encrypt-uploads"])
    assert result.exit_code == 0, result.output
    assert "1 uploaded files encrypted under the current data key; 0 left" in result.output
    db.session.expire_all()
    stored = db.session.get(StoredFile, before.id)
    assert stored.encryption_key_id == "t1"
    assert raw_bytes(stored).startswith(crypto.FILE_MAGIC)
    assert download(client, d, stored).data == content
    assert check_consistency().ok
    again = runner.invoke(args=["encrypt-uploads"])
    assert "0 uploaded files encrypted" in again.output
    entry = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "uploads.encrypt").order_by(AuditEntry.id)).first()
    assert (entry.actor_name, entry.detail["files"]) == ("cli", 1)


def test_encrypt_uploads_leaves_a_file_that_does_not_match_its_row(app, setup):
    d, _, client = setup
    stored = upload(client, d, h.pdf_bytes())
    filestore.store().raw.put_stream(stored.storage_key, io.BytesIO(b"y" * stored.size),
                                     "application/pdf")
    app.config["ENCRYPT_UPLOADS"] = True
    result = app.test_cli_runner().invoke(args=["encrypt-uploads"])
    assert result.exit_code == 1
    assert f"{stored.id}:{stored.storage_key}" in result.output
    db.session.expire_all()
    assert db.session.get(StoredFile, stored.id).encryption_key_id is None


def test_rotating_the_data_key_moves_encrypted_files_and_retires_the_old_key(
        key_file_app, setup, client):
    app, path = key_file_app
    app.config["ENCRYPT_UPLOADS"] = True
    d, _, applicant = setup
    content = h.pdf_bytes()
    stored = upload(applicant, d, content)
    assert stored.encryption_key_id == "t1"
    result = app.test_cli_runner().invoke(args=["rotate-keys", "--data", "--retire"])
    assert result.exit_code == 0, result.output
    assert "1 uploaded files encrypted under the current data key" in result.output
    assert sorted(json.loads(path.read_text())["data"]["keys"]) == ["d1"]  # t1 retired
    db.session.expire_all()
    stored = db.session.get(StoredFile, stored.id)
    assert (stored.encryption_key_id, crypto.file_key_id(raw_bytes(stored)[:64])) == (
        "d1", "d1")
    assert download(applicant, d, stored).data == content
    assert check_consistency().ok


def test_a_data_key_used_by_a_file_is_not_retired(key_file_app, setup):
    app, path = key_file_app
    app.config["ENCRYPT_UPLOADS"] = True
    d, _, applicant = setup
    stored = upload(applicant, d, h.pdf_bytes())
    content = json.loads(path.read_text())
    content["data"]["keys"]["d9"] = "22" * 16
    content["data"]["current"] = "d9"
    crypto.write_key_file(path, content)                  # a new key, nothing moved yet
    result = app.test_cli_runner().invoke(args=["rotate-keys", "--retire"])
    assert "Retired keys: none." in result.output
    assert "t1" in json.loads(path.read_text())["data"]["keys"]
    assert download(applicant, d, stored).data == h.pdf_bytes()


def test_backup_keeps_encrypted_files_encrypted_and_restores_them(app, setup, tmp_path):
    app.config["ENCRYPT_UPLOADS"] = True
    d, _, client = setup
    stored = upload(client, d, h.pdf_bytes())
    target = backup(tmp_path)
    with tarfile.open(target / "uploads.tar") as tar:
        [member] = tar.getmembers()
        body = tar.extractfile(member).read()
    assert body.startswith(crypto.FILE_MAGIC) and b"%PDF" not in body
    filestore.store().raw.delete(stored.storage_key)
    restore(target)
    db.session.expire_all()
    assert check_consistency().ok
    assert storage.read(db.session.get(StoredFile, stored.id)) == h.pdf_bytes()


@pytest.mark.usefixtures("local_store")
def test_migrate_uploads_moves_encrypted_files_as_they_are(app, setup, s3_server):
    app.config["ENCRYPT_UPLOADS"] = True
    d, _, client = setup
    stored = upload(client, d, h.pdf_bytes())
    app.config.update(s3_server.config(s3_server.bucket()))
    app.config["STORAGE_BACKEND"] = "local"
    result = app.test_cli_runner().invoke(
        args=["migrate-uploads", "--from", "local", "--to", "s3"])
    assert result.exit_code == 0, result.output
    assert "Copied 1 files" in result.output
    app.config["STORAGE_BACKEND"] = "s3"
    with filestore.build(app.config, "local").raw.open(stored.storage_key) as local:
        assert raw_bytes(stored) == local.read()          # the same ciphertext
    assert check_consistency().ok
    assert download(client, d, stored).data == h.pdf_bytes()
