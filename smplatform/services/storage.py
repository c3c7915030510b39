"""File storage: content-checked uploads, written completely or not at all.

The bytes live in the store that the settings choose (smplatform/filestore.py: a local
directory, UPLOAD_DIR, outside static/; or an S3-compatible bucket) under a random key; the
database keeps the original name, the detected type, the size and the SHA-256. An upload is
streamed to a staging file, checked there, then moved into the store. A file stored during a
transaction that is rolled back is deleted again (see `_track`), so a failed request leaves no
orphan. Downloads go through `send()` after the caller's permission check: streamed through
the app, or (DOWNLOADS = "presigned", S3 only) a redirect to a short-lived presigned URL.
With ENCRYPT_UPLOADS on, the store keeps each file encrypted with SM4-GCM (filestore.
EncryptedStore) and the row says under which data key; such files are always streamed.
"""
from __future__ import annotations

import errno
import hashlib
import io
import os
import secrets
import tempfile
import unicodedata
import zipfile
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote

from flask import Response, current_app, redirect, send_file
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import event, or_, select
from werkzeug.http import dump_options_header
from sqlalchemy.orm import Session

from smplatform import clock, faults, filestore
from smplatform.extensions import db
from smplatform.models import StoredFile
from smplatform.services import DomainError
from smplatform.services.audit import register_labels

CHUNK = 1024 * 1024

# Kind → (content type, accepted file name extensions).
KINDS = {
    "pdf": ("application/pdf", {".pdf"}),
    "jpeg": ("image/jpeg", {".jpg", ".jpeg"}),
    "png": ("image/png", {".png"}),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             {".docx"}),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", {".xlsx"}),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation",
             {".pptx"}),
    "doc": ("application/msword", {".doc"}),
    "xls": ("application/vnd.ms-excel", {".xls"}),
}
DOCUMENT_KINDS = frozenset(KINDS)
SCAN_KINDS = frozenset({"pdf", "jpeg", "png"})

_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_OOXML_PARTS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}


def store() -> filestore.EncryptedStore:
    """The configured store (STORAGE_BACKEND, ENCRYPT_UPLOADS)."""
    return filestore.store()


def upload_dir() -> Path:
    """Where uploads are staged (and, with the local store, kept)."""
    path = Path(current_app.config["UPLOAD_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def open_stored(stored: StoredFile) -> BinaryIO:
    """The stored file's bytes as a stream (close it; FileNotFoundError when gone)."""
    return store().open(stored.storage_key)


def read(stored: StoredFile) -> bytes:
    with open_stored(stored) as fh:
        return fh.read()


def detect_kind(path: Path, extension: str) -> str | None:
    """The kind of a file judged by its content (and, for Office, its declared extension)."""
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(b"%PDF-"):
        return "pdf" if _valid_pdf(path) else None
    if head.startswith(b"\xff\xd8\xff") or head.startswith(b"\x89PNG\r\n\x1a\n"):
        return _valid_image(path)
    if head.startswith(b"PK\x03\x04"):
        return _ooxml_kind(path)
    if head == _OLE_MAGIC:
        return {".doc": "doc", ".xls": "xls"}.get(extension)
    return None


def _valid_pdf(path: Path) -> bool:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError
    try:
        reader = PdfReader(str(path), strict=False)
        return len(reader.pages) > 0
    except (PdfReadError, ValueError, KeyError, OSError, TypeError):
        return False
    except Exception:  # noqa: BLE001  (a malformed PDF can break the parser in many ways)
        return False


def _valid_image(path: Path) -> str | None:
    from PIL import Image, UnidentifiedImageError
    try:
        with Image.open(path) as image:
            image.verify()
            return {"JPEG": "jpeg", "PNG": "png"}.get(image.format or "")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return None


def _ooxml_kind(path: Path) -> str | None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    for kind, prefix in _OOXML_PARTS.items():
        if any(name.startswith(prefix) for name in names):
            return kind
    return None


def _too_large_message(max_bytes: int) -> str:
    return _("The file is larger than %(mb)s MB. Nothing was saved.",
             mb=f"{max_bytes / 1024 / 1024:g}")


def save(stream: BinaryIO, original_name: str, *, allowed: frozenset[str],
         max_bytes: int | None = None, uploaded_by=None) -> StoredFile:
    """Store an uploaded file after checking its size and its content.

    Side effects: streams the upload to a staging file in UPLOAD_DIR, checks it, moves it into
    the store (a rename into place, or an upload to the bucket: whole or not at all) and adds
    a StoredFile row; the file is deleted again if the transaction rolls back.
    Raises DomainError (nothing written) when the file is empty, too large, of a kind not
    allowed, or not what its name claims.
    """
    max_bytes = max_bytes or current_app.config["MAX_UPLOAD_BYTES"]
    name = os.path.basename((original_name or "").replace("\\", "/")).strip() or "file"
    extension = os.path.splitext(name)[1].lower()
    target = store()
    directory = target.staging_dir()
    digest = hashlib.sha256()
    size = 0
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=".upload-", dir=directory)
    except OSError as error:
        raise _storage_error(error) from error
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            while True:
                chunk = stream.read(CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > max_bytes:
                    raise DomainError(_too_large_message(max_bytes), code="too_large")
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if size == 0:
            raise DomainError(_("The file is empty. Nothing was saved."), code="empty")
        kind = detect_kind(tmp, extension)
        if kind is None or kind not in allowed:
            raise DomainError(_allowed_message(allowed), code="bad_type")
        if extension not in KINDS[kind][1]:
            raise DomainError(_("The file's name says %(ext)s but its content is %(kind)s. "
                                "Rename or convert it, then upload again.",
                                ext=extension or _("no extension"), kind=kind.upper()),
                              code="mismatch")
        key = secrets.token_hex(20)
        faults.pause("storage.before_rename")
        key_id = target.put_file(key, tmp, KINDS[kind][0])
    except OSError as error:
        tmp.unlink(missing_ok=True)
        raise _storage_error(error) from error
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    stored = StoredFile(storage_key=key, original_name=name[:255], content_type=KINDS[kind][0],
                        size=size, sha256=digest.hexdigest(), encryption_key_id=key_id,
                        uploaded_by_id=getattr(uploaded_by, "id", None), created_at=clock.now())
    db.session.add(stored)
    _track(target, key)
    return stored


DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
register_labels({"storage.disk_full": _l("Upload refused: disk full")})


def _storage_error(error: OSError) -> Exception:
    """A full disk (or quota) becomes a clear refusal; any other OS error stays a 500."""
    if error.errno not in DISK_FULL_ERRNOS:
        return error
    current_app.logger.error("Upload directory %s is full: %s", current_app.config["UPLOAD_DIR"],
                             error)
    return DomainError(_("The server could not store the file (disk full). Nothing was saved. "
                         "Please try again later; the platform's operators have been alerted."),
                       code="disk_full")


def record_disk_full(*, actor, error: DomainError, obj=None) -> None:
    """After a refused upload: audit a full disk so that operators see it in the log.

    Call after the rollback of the refused request (the entry must survive it); the caller
    commits. Does nothing for other refusals.
    Side effects: audit entry `storage.disk_full` (outcome failure).
    """
    if error.code != "disk_full":
        return
    from smplatform.enums import AuditOutcome
    from smplatform.services.audit import record
    record("storage.disk_full", actor=actor, outcome=AuditOutcome.FAILURE, obj=obj,
           detail={"upload_dir": str(current_app.config["UPLOAD_DIR"])})


def save_bytes(content: bytes, original_name: str, **kwargs) -> StoredFile:
    return save(io.BytesIO(content), original_name, **kwargs)


def _allowed_message(allowed: frozenset[str]) -> str:
    names = ", ".join(sorted({k.upper() for k in allowed}))
    return _("This file is not an accepted document, or it is damaged. Accepted: %(kinds)s. "
             "Nothing was saved.", kinds=names)


def delete(stored: StoredFile) -> None:
    """Remove a stored file's row now and its content once the transaction commits."""
    db.session.delete(stored)
    db.session.info.setdefault("delete_on_commit", []).append((store(), stored.storage_key))


def send(stored: StoredFile, download_name: str | None = None):
    """Serve a stored file as an attachment (call only after the permission check).

    Streamed through the app, or with DOWNLOADS = "presigned" and a store that can presign,
    a redirect to a URL of the store valid for PRESIGNED_URL_SECONDS: the bytes then never
    pass through an app node (the URL is short-lived and unguessable; it carries the
    attachment disposition and the detected content type)."""
    name = download_name or stored.original_name
    target = store()
    config = current_app.config
    if stored.encryption_key_id is not None:  # decrypted on the way out
        response = _streamed(target.open(stored.storage_key), stored, name)
    elif config["DOWNLOADS"] == "presigned" and target.raw.can_presign:
        response = redirect(target.raw.presigned_url(
            stored.storage_key, content_type=stored.content_type,
            disposition=content_disposition(name), seconds=config["PRESIGNED_URL_SECONDS"]), 303)
    elif isinstance(target.raw, filestore.LocalStore):
        response = send_file(target.raw.path(stored.storage_key), mimetype=stored.content_type,
                             as_attachment=True, download_name=name, max_age=0)
    else:
        response = _streamed(target.open(stored.storage_key), stored, name)
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _streamed(body: BinaryIO, stored: StoredFile, name: str) -> Response:
    """The store's stream passed on in chunks (never read whole into memory; the generator
    needs no request context, and closing the response closes the stream)."""
    def chunks():
        with body:
            while chunk := body.read(CHUNK):
                yield chunk
    response = Response(chunks(), mimetype=stored.content_type, direct_passthrough=True)
    response.headers["Content-Disposition"] = content_disposition(name)
    response.content_length = stored.size
    return response


def content_disposition(name: str) -> str:
    """`attachment` with the file name as send_file writes it (RFC 6266: an ASCII fallback
    and the UTF-8 name)."""
    try:
        name.encode("ascii")
    except UnicodeEncodeError:
        simple = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
        quoted = quote(name, safe="!#$&+-.^_`|~")
        return dump_options_header("attachment", {"filename": simple,
                                                  "filename*": f"UTF-8''{quoted}"})
    return dump_options_header("attachment", {"filename": name})


def stored_size(stored: StoredFile) -> int:
    """How many bytes the store keeps for `stored` (more than its size when encrypted)."""
    if stored.encryption_key_id is None:
        return stored.size
    from smplatform.crypto import encrypted_file_size
    return encrypted_file_size(stored.size, stored.encryption_key_id)


register_labels({"uploads.encrypt": _l("Uploaded files encrypted")})


def encrypt_stored_files(*, include_plain: bool) -> tuple[int, list[str]]:
    """Write again, encrypted under the current data key, every stored file encrypted under
    another key and (`include_plain`) every file stored as uploaded. Each file is decrypted to
    a staging file and checked against its size and SHA-256 before it replaces the stored one;
    a file that does not match is left as it is and reported.

    Returns (files encrypted now, labels of files that failed the check). Side effects:
    rewrites files in the store (each replaced whole: a rename, or a new object) and COMMITS
    each file's row: a row names a key before its file is replaced, so that an interruption
    never leaves a row that says "as uploaded" over an encrypted file (it would be served
    without decrypting); a row naming a key is always read through the decryption, which reads
    either kind of file. Safe while the platform serves; run again after an interruption.
    """
    from smplatform.crypto import DecryptionError, MissingKey
    target = store()
    current = target.keys.current_key("data")[0]
    stale = StoredFile.encryption_key_id != current
    condition = or_(stale, StoredFile.encryption_key_id.is_(None)) if include_plain else stale
    ids = list(db.session.scalars(select(StoredFile.id).where(condition)
                                  .order_by(StoredFile.id)))
    done, failed = 0, []
    for ident in ids:
        stored = db.session.get(StoredFile, ident)
        label = f"{stored.id}:{stored.storage_key}"
        fd, staged = tempfile.mkstemp(prefix=filestore.PARTIAL_PREFIX, dir=target.staging_dir())
        try:
            digest, size = hashlib.sha256(), 0
            with os.fdopen(fd, "wb") as out, target.open(stored.storage_key) as body:
                while piece := body.read(CHUNK):
                    digest.update(piece)
                    size += len(piece)
                    out.write(piece)
            if (size, digest.hexdigest()) != (stored.size, stored.sha256):
                failed.append(label)
                continue
            if stored.encryption_key_id is None:
                stored.encryption_key_id = current
                db.session.commit()
            stored.encryption_key_id = target.put_file(
                stored.storage_key, Path(staged), stored.content_type, encrypt=True)
            db.session.commit()
            done += 1
        except (FileNotFoundError, DecryptionError, MissingKey):
            failed.append(label)
        finally:
            Path(staged).unlink(missing_ok=True)
    from smplatform.services.audit import record
    record("uploads.encrypt", actor_name="cli",
           detail={"key": current, "files": done, "failed": failed[:100]})
    db.session.commit()
    return done, failed


def _track(target: filestore.EncryptedStore, key: str) -> None:
    db.session.info.setdefault("new_files", []).append((target, key))


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    session.info.pop("new_files", None)
    for target, key in session.info.pop("delete_on_commit", []):
        target.delete(key)


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction) -> None:
    """The outermost transaction ended without a commit (rolled back or closed): files
    written for it are orphans, so delete them; deletions it planned are cancelled."""
    if transaction.parent is not None or transaction.nested:
        return
    for target, key in session.info.pop("new_files", []):
        target.delete(key)
    session.info.pop("delete_on_commit", None)
