"""Operations: backup and restore (database + uploads), and the consistency check.

Backups are directories `<target>/<UTC timestamp>/` holding `database.sqlite3` (SQLite online
backup API) or `database.dump` (pg_dump custom format), `uploads.tar` and `manifest.json`.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import select
from sqlalchemy.engine import make_url

from smplatform.extensions import db
from smplatform.models import StoredFile

PG_BIN = Path(os.environ.get("SMPLATFORM_PG_BIN", "/usr/lib/postgresql/15/bin"))


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
    uploads = Path(current_app.config["UPLOAD_DIR"])
    with tarfile.open(out / "uploads.tar", "w") as tar:
        if uploads.exists():
            tar.add(uploads, arcname="uploads",
                    filter=lambda info: None if Path(info.name).name.startswith(".upload-")
                    else info)
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
    uploads = Path(current_app.config["UPLOAD_DIR"])
    staging = uploads.with_name(uploads.name + ".restoring")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    with tarfile.open(source / "uploads.tar") as tar:
        tar.extractall(staging, filter="data")
    restored = staging / "uploads"
    restored.mkdir(exist_ok=True)
    old = uploads.with_name(uploads.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if uploads.exists():
        uploads.rename(old)
    restored.rename(uploads)
    shutil.rmtree(old, ignore_errors=True)
    shutil.rmtree(staging, ignore_errors=True)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


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
    """Compare stored-file rows with the upload directory; with fix, delete orphans and
    interrupted temporary files (never rows: a missing file needs a person to look)."""
    from smplatform.services.storage import path_of, upload_dir
    report = ConsistencyReport()
    known = set()
    for stored in db.session.scalars(select(StoredFile).execution_options(yield_per=1000)):
        path = path_of(stored)
        known.add(path.name)
        report.files_checked += 1
        if not path.exists():
            report.missing.append(f"{stored.id}:{stored.storage_key}")
        elif path.stat().st_size != stored.size or _sha256(path) != stored.sha256:
            report.corrupt.append(f"{stored.id}:{stored.storage_key}")
    root = upload_dir()
    for path in root.rglob("*"):
        if not path.is_file():
            continue
        if path.name.startswith(".upload-"):
            report.partial.append(str(path.relative_to(root)))
            if fix:
                path.unlink(missing_ok=True)
        elif path.name not in known:
            report.orphans.append(str(path.relative_to(root)))
            if fix:
                path.unlink(missing_ok=True)
    return report


@dataclass
class CleanupReport:
    partial: list[str] = field(default_factory=list)   # interrupted temporary uploads removed
    orphans: list[str] = field(default_factory=list)   # files without a row removed
    kept_recent: int = 0                               # younger files left alone


def clean_uploads(*, older_than_minutes: int) -> CleanupReport:
    """Remove interrupted uploads (`.upload-*` temporary files) and orphan files (no
    StoredFile row) last modified more than `older_than_minutes` ago.

    A worker killed mid-upload (crash, OOM, deploy) leaves such files behind: the rollback
    that normally deletes them never ran. Younger files are kept because they may belong to
    a request still in progress. Safe to run from cron while the platform serves requests.
    Side effects: deletes files under UPLOAD_DIR; never touches database rows.
    """
    from smplatform.services.storage import upload_dir
    report = CleanupReport()
    cutoff = time.time() - older_than_minutes * 60
    root = upload_dir()
    candidates = []
    for path in root.rglob("*"):
        if path.is_file():
            candidates.append(path)
    # Read the known keys after listing the files: a file renamed into place and committed
    # between the two steps is then known, never mistaken for an orphan.
    known = set(db.session.scalars(select(StoredFile.storage_key)))
    for path in candidates:
        try:
            modified = path.stat().st_mtime
        except FileNotFoundError:
            continue
        partial = path.name.startswith(".upload-")
        if not partial and path.name in known:
            continue
        if modified > cutoff:
            report.kept_recent += 1
            continue
        path.unlink(missing_ok=True)
        (report.partial if partial else report.orphans).append(str(path.relative_to(root)))
    return report
