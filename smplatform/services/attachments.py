"""Files attached to a declaration: uploads by kind, content-checked; deletions."""
from __future__ import annotations

import re
from typing import BinaryIO

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from smplatform import clock
from smplatform.enums import EDITABLE_STATES, DeclarationState
from smplatform.extensions import db
from smplatform.models import Declaration, DeclarationAttachment, StoredFile, User
from smplatform.rules import annex1
from smplatform.services import DomainError, storage
from smplatform.services.audit import record


def kinds_for(declaration: Declaration) -> list[annex1.AttachmentKind]:
    """The attachment kinds that can be uploaded now: the form's kinds while editable, the
    stamped scan once the province has passed the declaration (until it is confirmed)."""
    state = declaration.state_enum
    if state in EDITABLE_STATES:
        return list(annex1.definition(declaration.category).attachments)
    if state == DeclarationState.PASSED and declaration.stamped_confirmed_at is None:
        return [annex1.STAMPED_SCAN]
    return []


def label_of(kind: str) -> annex1.Text:
    for k in (*annex1.definition("enterprise").attachments,
              *annex1.definition("city").attachments, annex1.STAMPED_SCAN):
        if k.key == kind:
            return k.label
    return annex1.Text(kind, kind)


def _before_deadline(declaration: Declaration) -> None:
    """A draft's attachments change only until its deadline (the stamped scan of a passed
    declaration is not bound by it)."""
    from smplatform.services.deadlines import declaration_deadline, is_past
    if declaration.state_enum in EDITABLE_STATES and is_past(declaration_deadline(declaration)):
        raise DomainError(_("The deadline has passed: the draft can no longer be changed. "
                            "Nothing was saved."), code="deadline")


def total_size(declaration: Declaration) -> int:
    return db.session.scalar(
        select(func.coalesce(func.sum(StoredFile.size), 0))
        .join(DeclarationAttachment, DeclarationAttachment.stored_file_id == StoredFile.id)
        .where(DeclarationAttachment.declaration_id == declaration.id)) or 0


def upload(*, declaration: Declaration, actor: User, kind: str, stream: BinaryIO,
           filename: str) -> DeclarationAttachment:
    """Attach an uploaded file of a kind the declaration accepts now.

    Refused (nothing kept) when the kind is not accepted now, the file is empty, too large,
    not a PDF/JPEG/PNG/Office file by its content (scans: PDF/JPEG/PNG only), or the
    declaration's total would exceed MAX_DECLARATION_UPLOAD_BYTES.
    Side effects: writes the file (deleted again if the transaction does not commit); adds a
    StoredFile and a DeclarationAttachment; audit entry `declaration.attachment_upload`; a
    stamped scan is linked to the signed original (services/stamped_scans.link).
    """
    if kind not in {k.key for k in kinds_for(declaration)}:
        raise DomainError(_("This kind of attachment cannot be uploaded now."), field="kind",
                          code="kind")
    _before_deadline(declaration)
    allowed = storage.SCAN_KINDS if kind == annex1.STAMPED_SCAN.key else storage.DOCUMENT_KINDS
    stored = storage.save(stream, filename, allowed=allowed, uploaded_by=actor)
    limit = current_app.config["MAX_DECLARATION_UPLOAD_BYTES"]
    if total_size(declaration) + stored.size > limit:
        raise DomainError(_("The attachments of one declaration may total at most %(mb)s MB; "
                            "this file would exceed that. Nothing was saved.",
                            mb=f"{limit / 1024 / 1024:g}"), code="total")
    db.session.flush()
    attachment = DeclarationAttachment(declaration_id=declaration.id, stored_file=stored,
                                       kind=kind, created_at=clock.now())
    db.session.add(attachment)
    db.session.flush()
    record("declaration.attachment_upload", actor=actor, obj=declaration,
           unit_code=declaration.unit_code,
           detail={"attachment": attachment.id, "kind": kind, "name": stored.original_name,
                   "size": stored.size, "sha256": stored.sha256})
    if kind == annex1.STAMPED_SCAN.key:
        from smplatform.services import stamped_scans
        stamped_scans.link(attachment=attachment, actor=actor)
    return attachment


def delete(*, attachment: DeclarationAttachment, actor: User) -> None:
    """Delete an attachment while its kind can still be uploaded (declaration editable, or
    the stamped scan before confirmation).

    Side effects: deletes the DeclarationAttachment and StoredFile rows and, after commit,
    the file; audit entry `declaration.attachment_delete`.
    """
    declaration = attachment.declaration
    if attachment.kind not in {k.key for k in kinds_for(declaration)}:
        raise DomainError(_("This attachment can no longer be deleted."), code="frozen")
    _before_deadline(declaration)
    stored = attachment.stored_file
    detail = {"attachment": attachment.id, "kind": attachment.kind,
              "name": stored.original_name, "sha256": stored.sha256}
    db.session.delete(attachment)
    db.session.flush()
    storage.delete(stored)
    db.session.flush()
    record("declaration.attachment_delete", actor=actor, obj=declaration,
           unit_code=declaration.unit_code, detail=detail)


_UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|;]+')


def download_name(attachment: DeclarationAttachment) -> str:
    """A safe file name: the declaration's number (or id), the kind, the original name with
    path separators, quotes and control characters removed."""
    original = _UNSAFE.sub("_", attachment.stored_file.original_name).strip(" ._") or "file"
    prefix = attachment.declaration.electronic_number or f"declaration-{attachment.declaration_id}"
    return f"{prefix}-{attachment.kind}-{original}"[:200]
