"""Operations: backup and restore (database + uploads), the consistency check, the cleanup
of interrupted uploads, and copying the uploads from one store to another.

Backups are directories `<target>/<UTC timestamp>/` holding `database.sqlite3` (SQLite online
backup API) or `database.dump` (pg_dump custom format), `uploads.tar` and `manifest.json`.
`uploads.tar` holds every stored file as `uploads/<aa>/<bb>/<key>` whichever store they came
from (smplatform/filestore.py), so a backup of one store restores into the other.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import tarfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from smplatform import filestore
from smplatform.extensions import db
from smplatform.models import StoredFile

PG_BIN = Path(os.environ.get("SMPLATFORM_PG_BIN", "/usr/lib/postgresql/15/bin"))


def database_ok() -> bool:
    """Whether the database answers (what /healthz reports); never raises. Side effect: a
    failed check rolls the session back, so that the request can still answer."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001  (report, never raise: this is what monitoring polls)
        db.session.rollback()
        return False
    return True


def _pg_tool(name: str) -> str:
    candidate = PG_BIN / name
    return str(candidate) if candidate.exists() else name


def _libpq_url() -> str:
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _sqlite_path() -> Path:
    return Path(make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).database)


def backup(target: Path) -> Path:
    """Write a consistent backup of the database and the uploads; return its directory."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    out = Path(target) / stamp
    out.mkdir(parents=True)
    dialect = db.engine.dialect.name
    if dialect == "sqlite":
        source = sqlite3.connect(_sqlite_path())
        dest = sqlite3.connect(out / "database.sqlite3")
        with dest:
            source.backup(dest)  # online: writers may continue meanwhile
        dest.close()
        source.close()
        db_file = "database.sqlite3"
    elif dialect == "postgresql":
        subprocess.run([_pg_tool("pg_dump"), "--format=custom", "--no-owner",
                        f"--file={out / 'database.dump'}", _libpq_url()],
                       check=True, capture_output=True)
        db_file = "database.dump"
    else:
        raise RuntimeError(f"backup does not support {dialect}")
    _backup_files(filestore.store().raw, out / "uploads.tar")  # encrypted files stay so
    manifest = {"created_at": stamp, "dialect": dialect, "database": db_file,
                "database_sha256": _sha256(out / db_file),
                "uploads_sha256": _sha256(out / "uploads.tar")}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return out


def restore(source: Path) -> None:
    """Replace the database and the uploads with a backup (stop the app servers first)."""
    source = Path(source)
    manifest = json.loads((source / "manifest.json").read_text())
    for key, name in (("database_sha256", manifest["database"]),
                      ("uploads_sha256", "uploads.tar")):
        if _sha256(source / name) != manifest[key]:
            raise RuntimeError(f"{name} does not match its manifest checksum")
    dialect = db.engine.dialect.name
    if manifest["dialect"] != dialect:
        raise RuntimeError(f"backup is for {manifest['dialect']}, this database is {dialect}")
    db.session.remove()
    db.engine.dispose()
    if dialect == "sqlite":
        src = sqlite3.connect(source / manifest["database"])
        dest = sqlite3.connect(_sqlite_path())
        with dest:
            src.backup(dest)
        dest.close()
        src.close()
    else:
        subprocess.run([_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner",
                        "--single-transaction", f"--dbname={_libpq_url()}",
                        str(source / manifest["database"])], check=True, capture_output=True)
    _restore_files(source / "uploads.tar", filestore.store().raw)


def _backup_files(store: filestore.Store, tar_path: Path) -> None:
    """Every file of the store (interrupted uploads excepted), streamed into the tar."""
    with tarfile.open(tar_path, "w") as tar:
        for entry in sorted(store.entries(), key=lambda e: e.name):
            info = tarfile.TarInfo(f"uploads/{entry.name}")
            info.size, info.mtime, info.mode = entry.size, int(entry.modified), 0o640
            with store.open(entry.key) as body:
                tar.addfile(info, body)


def _restore_files(tar_path: Path, store: filestore.Store) -> None:
    """Put every file of the backup into the store, then remove the store's other files.
    Only the key (a member's last path part) is used: a member's path never chooses where
    a file goes."""
    types = dict(db.session.execute(
        select(StoredFile.storage_key, StoredFile.content_type)).tuples().all())
    restored = set()
    with tarfile.open(tar_path) as tar:
        for member in tar:
            if not member.isfile():
                continue
            key = Path(member.name).name
            with tar.extractfile(member) as body:
                store.put_stream(key, body, types.get(key, "application/octet-stream"))
            restored.add(key)
    for entry in list(store.entries()):
        if entry.key not in restored:
            store.delete(entry.key)
    db.session.remove()


def _sha256(path: Path) -> str:
    with path.open("rb") as fh:
        return _sha256_stream(fh)


def _sha256_stream(stream: BinaryIO, *, with_size: bool = False):
    """The stream's SHA-256 (hex), and (`with_size`) how many bytes it had."""
    digest, size = hashlib.sha256(), 0
    for chunk in iter(lambda: stream.read(1024 * 1024), b""):
        digest.update(chunk)
        size += len(chunk)
    return (digest.hexdigest(), size) if with_size else digest.hexdigest()


@dataclass
class ConsistencyReport:
    files_checked: int = 0
    missing: list[str] = field(default_factory=list)      # rows whose file is gone
    corrupt: list[str] = field(default_factory=list)      # size or SHA-256 differs
    orphans: list[str] = field(default_factory=list)      # files with no row
    partial: list[str] = field(default_factory=list)      # interrupted temporary uploads

    @property
    def ok(self) -> bool:
        return not (self.missing or self.corrupt or self.orphans or self.partial)


def check_consistency(*, fix: bool = False) -> ConsistencyReport:
    """Compare stored-file rows with the store (every file read, decrypted if it is encrypted,
    and its size and SHA-256 compared; an encrypted file that does not authenticate is
    corrupt); with fix, delete orphans and interrupted uploads (never rows: a missing file
    needs a person to look)."""
    from smplatform.crypto import DecryptionError, MissingKey
    store = filestore.store()
    report = ConsistencyReport()
    stored_files = {entry.key: entry for entry in store.entries()}
    known = set()
    for stored in db.session.scalars(select(StoredFile).execution_options(yield_per=1000)):
        known.add(stored.storage_key)
        report.files_checked += 1
        label = f"{stored.id}:{stored.storage_key}"
        if stored.storage_key not in stored_files:
            report.missing.append(label)
            continue
        try:
            with store.open(stored.storage_key) as body:
                digest, size = _sha256_stream(body, with_size=True)
        except FileNotFoundError:
            report.missing.append(label)
            continue
        except (DecryptionError, MissingKey):
            report.corrupt.append(label)
            continue
        if (size, digest) != (stored.size, stored.sha256):
            report.corrupt.append(label)
    for partial in list(store.partials()):
        report.partial.append(partial.name)
        if fix:
            store.remove_partial(partial)
    for key, entry in stored_files.items():
        if key not in known:
            report.orphans.append(entry.name)
            if fix:
                store.delete(key)
    report.orphans.sort()
    return report


@dataclass
class CleanupReport:
    partial: list[str] = field(default_factory=list)   # interrupted uploads removed
    orphans: list[str] = field(default_factory=list)   # files without a row removed
    kept_recent: int = 0                               # younger files left alone


def clean_uploads(*, older_than_minutes: int) -> CleanupReport:
    """Remove interrupted uploads (staging files `.upload-*` on this node, unfinished
    multipart uploads in an object store) and orphan files (no StoredFile row) last modified
    more than `older_than_minutes` ago.

    A worker killed mid-upload (crash, OOM, deploy) leaves such files behind: the rollback
    that normally deletes them never ran. Younger files are kept because they may belong to
    a request still in progress. Safe to run from cron while the platform serves requests;
    run it on every node (each stages its own uploads).
    Side effects: deletes files in the store and in UPLOAD_DIR; never touches database rows.
    """
    store = filestore.store()
    report = CleanupReport()
    cutoff = time.time() - older_than_minutes * 60
    entries = list(store.entries())
    partials = list(store.partials())
    # Read the known keys after listing the files: a file stored and committed between the
    # two steps is then known, never mistaken for an orphan.
    known = set(db.session.scalars(select(StoredFile.storage_key)))
    for partial in partials:
        if partial.modified > cutoff:
            report.kept_recent += 1
            continue
        store.remove_partial(partial)
        report.partial.append(partial.name)
    for entry in entries:
        if entry.key in known:
            continue
        if entry.modified > cutoff:
            report.kept_recent += 1
            continue
        store.delete(entry.key)
        report.orphans.append(entry.name)
    return report


@dataclass
class CopyReport:
    copied: int = 0
    present: int = 0                                    # already in the target, same size
    missing: list[str] = field(default_factory=list)    # not in the source
    corrupt: list[str] = field(default_factory=list)    # the source's SHA-256 differs


class _Hashing:
    """A reader that hashes what passes through it."""

    def __init__(self, stream: BinaryIO):
        self.stream = stream
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        chunk = self.stream.read(size)
        self.digest.update(chunk)
        return chunk


def copy_files(*, source: filestore.EncryptedStore,
               target: filestore.EncryptedStore) -> CopyReport:
    """Copy every stored file from one store to the other (e.g. local → s3 before switching
    STORAGE_BACKEND) as it is stored: an encrypted file stays encrypted under its key, so the
    rows stay true. Files already in the target with their stored size are left; each copied
    file is checked on the way (its SHA-256, read back decrypted when it is encrypted), and a
    copy that does not match is removed again. Resumable: run it again after an
    interruption, and once more after the switch to catch the files uploaded meanwhile. Never
    deletes from the source, never touches rows."""
    from smplatform.crypto import DecryptionError, MissingKey
    from smplatform.services.storage import stored_size
    report = CopyReport()
    for stored in db.session.scalars(select(StoredFile).order_by(StoredFile.id)
                                     .execution_options(yield_per=1000)):
        label = f"{stored.id}:{stored.storage_key}"
        if target.raw.size(stored.storage_key) == stored_size(stored):
            report.present += 1
            continue
        try:
            body = source.raw.open(stored.storage_key)
        except FileNotFoundError:
            report.missing.append(label)
            continue
        with body:
            reader = _Hashing(body)
            target.raw.put_stream(stored.storage_key, reader, stored.content_type)
        digest = reader.digest.hexdigest()
        if stored.encryption_key_id is not None:
            try:
                with target.open(stored.storage_key) as copied:
                    digest = _sha256_stream(copied)
            except (DecryptionError, MissingKey):
                digest = None
        if digest != stored.sha256:
            target.raw.delete(stored.storage_key)
            report.corrupt.append(label)
            continue
        report.copied += 1
    return report
