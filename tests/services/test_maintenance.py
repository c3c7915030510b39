"""Backup and restore round trip, and the consistency check, on the real database."""
from __future__ import annotations

import io

from PIL import Image
from sqlalchemy import select

from smplatform.extensions import db
from smplatform.models import Organisation, StoredFile
from smplatform.services import storage
from smplatform.services.maintenance import backup, check_consistency, restore


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return buffer.getvalue()


def _snapshot():
    orgs = sorted(db.session.scalars(select(Organisation.name)).all())
    files = sorted((f.storage_key, f.sha256) for f in db.session.scalars(select(StoredFile)))
    contents = sorted(storage.path_of(f).read_bytes()
                      for f in db.session.scalars(select(StoredFile)))
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


def test_consistency_finds_orphans_corruption_and_missing_files(app):
    kept = storage.save_bytes(_png(), "a.png", allowed=storage.SCAN_KINDS)
    gone = storage.save_bytes(_png(), "b.png", allowed=storage.SCAN_KINDS)
    db.session.commit()
    storage.path_of(gone).unlink()
    storage.path_of(kept).write_bytes(b"changed")
    orphan = storage.upload_dir() / "ff" / "ee" / "ffee-orphan"
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"x")
    partial = storage.upload_dir() / ".upload-interrupted"
    partial.write_bytes(b"half")

    report = check_consistency()
    assert (report.missing, report.corrupt) == ([f"{gone.id}:{gone.storage_key}"],
                                                [f"{kept.id}:{kept.storage_key}"])
    assert (report.orphans, report.partial) == (["ff/ee/ffee-orphan"], [".upload-interrupted"])

    check_consistency(fix=True)
    assert (orphan.exists(), partial.exists()) == (False, False)


def test_failed_transaction_leaves_no_file(app):
    stored = storage.save_bytes(_png(), "c.png", allowed=storage.SCAN_KINDS)
    path = storage.path_of(stored)
    assert path.exists()
    db.session.rollback()
    assert path.exists() is False
    assert check_consistency().ok


def test_check_consistency_command(app):
    result = app.test_cli_runner().invoke(args=["check-consistency"])
    assert result.exit_code == 0
    assert "consistent" in result.output
