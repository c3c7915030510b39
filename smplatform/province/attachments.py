"""The provincial officer's download of a declaration's attachments (its unit, not a draft)."""
from __future__ import annotations

from flask import abort

from smplatform import permissions
from smplatform.models import DeclarationAttachment
from smplatform.services import attachments, storage
from smplatform.web import Routes, load

routes = Routes()


@routes.get("/declarations/<int:declaration_id>/attachments/<int:attachment_id>")
def attachment_download(declaration_id: int, attachment_id: int):
    """Download an attachment (permissions.can_download_attachment: the officer's own unit's
    submitted declarations only)."""
    attachment = load(DeclarationAttachment, attachment_id,
                      permissions.can_download_attachment)
    if attachment.declaration_id != declaration_id:
        abort(404)
    return storage.send(attachment.stored_file, attachments.download_name(attachment))
