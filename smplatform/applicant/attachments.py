"""Attachments of a declaration: upload by kind, download (permission-checked, as an
attachment with a safe name), delete while editable."""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from smplatform.extensions import db
from smplatform.models import Declaration, DeclarationAttachment
from smplatform.permissions import (
    can_download_attachment,
    can_upload_attachment,
    can_view_declaration,
    get_or_404,
)
from smplatform.services import DomainError, storage
from smplatform.services import attachments as service
from smplatform.web import Routes

routes = Routes()


def _back(d):
    return redirect(url_for("applicant.declaration", declaration_id=d.id) + "#attachments")


@routes.post("/declarations/<int:declaration_id>/attachments")
def attachment_upload(declaration_id: int):
    d = get_or_404(Declaration, declaration_id, can_view_declaration)
    if not can_upload_attachment(current_user, d):
        abort(403)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(_("Choose a file to upload."), "error")
        return _back(d)
    try:
        service.upload(declaration=d, actor=current_user, kind=request.form.get("kind", ""),
                       stream=upload.stream, filename=upload.filename)
    except DomainError as e:
        db.session.rollback()  # deletes the file written for this request
        storage.record_disk_full(actor=current_user, error=e, obj=d)
        db.session.commit()
        flash(e.message, "error")
        return _back(d)
    db.session.commit()
    flash(_("File uploaded."), "success")
    return _back(d)


def _attachment(declaration_id: int, attachment_id: int) -> DeclarationAttachment:
    attachment = get_or_404(DeclarationAttachment, attachment_id, can_download_attachment)
    if attachment.declaration_id != declaration_id:
        abort(404)
    return attachment


@routes.get("/declarations/<int:declaration_id>/attachments/<int:attachment_id>")
def attachment_download(declaration_id: int, attachment_id: int):
    attachment = _attachment(declaration_id, attachment_id)
    return storage.send(attachment.stored_file, service.download_name(attachment))


@routes.post("/declarations/<int:declaration_id>/attachments/<int:attachment_id>/delete")
def attachment_delete(declaration_id: int, attachment_id: int):
    attachment = _attachment(declaration_id, attachment_id)
    d = attachment.declaration
    if not can_upload_attachment(current_user, d):
        abort(403)
    try:
        service.delete(attachment=attachment, actor=current_user)
    except DomainError as e:
        db.session.rollback()
        flash(e.message, "error")
        return _back(d)
    db.session.commit()
    flash(_("Attachment deleted."), "success")
    return _back(d)
