"""Backup and restore round trip, the consistency check, the cleanup and copying between
stores, on the real database and each file store (local directory, S3-compatible bucket)."""
from __future__ import annotations

import io
import os
import time

import pytest
from PIL import Image
from sqlalchemy import select

from smplatform import filestore
from smplatform.extensions import db
from smplatform.models import Organisation, StoredFile
from smplatform.services import storage
from smplatform.services.maintenance import backup, check_consistency, clean_uploads, restore


@pytest.fixture(autouse=True)
def _each_store(storage_backend):
    return storage_backend


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return buffer.getvalue()


def _snapshot():
    orgs = sorted(db.session.scalars(select(Organisation.name)).all())
    files = sorted((f.storage_key, f.sha256) for f in db.session.scalars(select(StoredFile)))
    contents = sorted(storage.read(f) for f in db.session.scalars(select(StoredFile)))
    return orgs, files, contents


def test_backup_and_restore_round_trip(app, make, tmp_path):
    make.applicant(name="备份前的组织")
    storage.save_bytes(_png(), "scan.png", allowed=storage.SCAN_KINDS)
    db.session.commit()
    before = _snapshot()
    target = backup(tmp_path)

    make.applicant(name="备份后的组织")
    kept = db.session.scalars(select(StoredFile)).one()
    storage.delete(kept)
    storage.save_bytes(_png() + b"", "other.png", allowed=storage.SCAN_KINDS)
    db.session.commit()
    assert _snapshot() != before

    restore(target)
    assert _snapshot() == before
    assert check_consistency().ok


def test_restore_refuses_a_damaged_backup(app, tmp_path):
    target = backup(tmp_path)
    with (target / "uploads.tar").open("ab") as fh:
        fh.write(b"tampered")
    try:
        restore(target)
    except RuntimeError as error:
        assert str(error) == "uploads.tar does not match its manifest checksum"
    else:
        raise AssertionError("restore accepted a damaged backup")


def _orphan(key: str = "ffee-orphan") -> None:
    filestore.store().put_stream(key, io.BytesIO(b"x"), "application/octet-stream")


def _interrupted_upload(app, *, multipart: bool = True) -> str:
    """What a worker killed mid-upload leaves: a staging file and, with an object store, an
    unfinished multipart upload. Returns the staging file's name."""
    store = filestore.store().raw
    (storage.upload_dir() / ".upload-interrupted").write_bytes(b"half")
    if multipart and isinstance(store, filestore.S3Store):
        store.client.create_multipart_upload(Bucket=store.bucket,
                                             Key=store.object_name("ab12-interrupted"))
    return ".upload-interrupted"


def test_consistency_finds_orphans_corruption_and_missing_files(app, storage_backend):
    kept = storage.save_bytes(_png(), "a.png", allowed=storage.SCAN_KINDS)
    gone = storage.save_bytes(_png(), "b.png", allowed=storage.SCAN_KINDS)
    db.session.commit()
    store = filestore.store()
    store.delete(gone.storage_key)
    store.put_stream(kept.storage_key, io.BytesIO(b"changed"), "image/png")
    _orphan()
    _interrupted_upload(app)

    report = check_consistency()
    assert (report.missing, report.corrupt) == ([f"{gone.id}:{gone.storage_key}"],
                                                [f"{kept.id}:{kept.storage_key}"])
    assert report.orphans == ["ff/ee/ffee-orphan"]
    assert sorted(report.partial)[0] == ".upload-interrupted"
    assert len(report.partial) == (2 if storage_backend == "s3" else 1)

    check_consistency(fix=True)
    after = check_consistency()
    assert (after.orphans, after.partial) == ([], [])
    assert [e.key for e in store.entries()] == [kept.storage_key]


def test_same_content_check_after_a_silent_change_of_equal_size(app):
    stored = storage.save_bytes(_png(), "a.png", allowed=storage.SCAN_KINDS)
    db.session.commit()
    changed = bytearray(_png())
    changed[-20] ^= 0xFF
    filestore.store().put_stream(stored.storage_key, io.BytesIO(bytes(changed)), "image/png")
    assert check_consistency().corrupt == [f"{stored.id}:{stored.storage_key}"]


def test_clean_uploads_removes_old_orphans_and_interrupted_uploads_only(app, storage_backend):
    kept = storage.save_bytes(_png(), "a.png", allowed=storage.SCAN_KINDS)
    db.session.commit()
    _orphan()
    name = _interrupted_upload(app, multipart=False)  # (the server dates those in 2010)
    young = clean_uploads(older_than_minutes=60)
    assert (young.partial, young.orphans, young.kept_recent) == ([], [], 2)

    old = time.time() - 2 * 3600
    os.utime(storage.upload_dir() / name, (old, old))
    # An object store's clock cannot be set back: 0 minutes takes everything not referenced.
    report = clean_uploads(older_than_minutes=0 if storage_backend == "s3" else 60)
    assert report.partial == [name]
    assert report.orphans == (["ff/ee/ffee-orphan"] if storage_backend == "s3" else [])
    assert sorted(e.key for e in filestore.store().entries()) == (
        [kept.storage_key] if storage_backend == "s3" else
        sorted([kept.storage_key, "ffee-orphan"]))
    assert check_consistency().partial == []


def test_failed_transaction_leaves_no_file(app):
    stored = storage.save_bytes(_png(), "c.png", allowed=storage.SCAN_KINDS)
    store = filestore.store()
    assert store.size(stored.storage_key) == len(_png())
    key = stored.storage_key
    db.session.rollback()
    assert store.size(key) is None
    assert check_consistency().ok


def test_check_consistency_command(app):
    result = app.test_cli_runner().invoke(args=["check-consistency"])
    assert result.exit_code == 0
    assert "consistent" in result.output
