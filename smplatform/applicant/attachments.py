"""Attachments of a declaration: upload by kind, download (permission-checked, as an
attachment with a safe name), delete while editable."""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from smplatform.models import Declaration, DeclarationAttachment
from smplatform.permissions import (
    can_delete_attachment,
    can_download_attachment,
    can_upload_attachment,
)
from smplatform.services import attachments as service
from smplatform.services import storage
from smplatform.web import Routes, load, perform

routes = Routes()


def _back_url(d) -> str:
    return url_for("applicant.declaration", declaration_id=d.id) + "#attachments"


def _back(d):
    return redirect(_back_url(d))


@routes.post("/declarations/<int:declaration_id>/attachments")
def attachment_upload(declaration_id: int):
    d = load(Declaration, declaration_id, can_upload_attachment)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(_("Choose a file to upload."), "error")
        return _back(d)
    return perform(
        lambda: service.upload(declaration=d, actor=current_user,
                               kind=request.form.get("kind", ""), stream=upload.stream,
                               filename=upload.filename),
        done=_("File uploaded."), then=_back_url(d),
        # The rollback deletes the file written for this request; a full disk is audited.
        record_refusal=lambda error: storage.record_disk_full(actor=current_user, error=error,
                                                             obj=d))


def _attachment(declaration_id: int, attachment_id: int, check) -> DeclarationAttachment:
    attachment = load(DeclarationAttachment, attachment_id, check)
    if attachment.declaration_id != declaration_id:
        abort(404)
    return attachment


@routes.get("/declarations/<int:declaration_id>/attachments/<int:attachment_id>")
def attachment_download(declaration_id: int, attachment_id: int):
    attachment = _attachment(declaration_id, attachment_id, can_download_attachment)
    return storage.send(attachment.stored_file, service.download_name(attachment))


@routes.post("/declarations/<int:declaration_id>/attachments/<int:attachment_id>/delete")
def attachment_delete(declaration_id: int, attachment_id: int):
    attachment = _attachment(declaration_id, attachment_id, can_delete_attachment)
    d = attachment.declaration
    return perform(lambda: service.delete(attachment=attachment, actor=current_user),
                   done=_("Attachment deleted."), then=_back_url(d))
