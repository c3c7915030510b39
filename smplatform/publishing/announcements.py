"""Writing notices: the desk's list, a new draft, editing with history, publishing now or at
a set time, taking a scheduled notice back, withdrawing, attachments."""
from __future__ import annotations

from flask import abort, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from smplatform.extensions import db
from smplatform.models import Announcement, AnnouncementAttachment
from smplatform.permissions import can_edit_announcement, can_write_announcements
from smplatform.publishing.forms import (
    AnnouncementForm,
    AttachmentForm,
    PublishForm,
    WithdrawForm,
)
from smplatform.services import DomainError, announcements
from smplatform.web import PAGE_SIZE, Routes, allow, form_error, load, page, perform

routes = Routes()


@routes.get("/announcements")
def announcements_list():
    """The editor's notices (national for the ministry, its unit's for a province), newest
    change first, whatever their state."""
    allow(can_write_announcements)
    listing = db.paginate(announcements.desk_query(current_user), per_page=PAGE_SIZE,
                          error_out=False)
    return page("publishing/announcements.html", listing=listing)


def _desk(a: Announcement | None, *, status: int = 200, form=None, publish_form=None,
          withdraw_form=None, attachment_form=None, error: DomainError | None = None,
          error_form=None, default_field: str | None = None):
    """The notice's editing page; the form that was posted keeps its input and errors
    (`error` shown on `error_form`), the others start empty."""
    if form is None:
        form = AnnouncementForm(formdata=None, obj=a)
        form.version.data = str(a.version) if a else ""
    if error is not None:
        form_error(error_form if error_form is not None else form, error, default_field)
        status = 409 if error.code == "conflict" else 422
    return page("publishing/announcement_form.html", announcement=a, form=form,
                publish_form=publish_form or PublishForm(formdata=None),
                withdraw_form=withdraw_form or WithdrawForm(formdata=None),
                attachment_form=attachment_form or AttachmentForm(formdata=None),
                status=status)


@routes.route("/announcements/new", methods=["GET", "POST"])
def announcement_new():
    allow(can_write_announcements)
    form = AnnouncementForm()
    if form.validate_on_submit():
        return perform(lambda: announcements.create(actor=current_user, **form.values()),
                       done=_("Draft saved. It is not public until you publish it."),
                       then=lambda a: url_for(".announcement_edit", announcement_id=a.id),
                       failed=lambda error: _desk(None, form=form, error=error))
    return _desk(None, form=form, status=422 if form.errors else 200)


@routes.route("/announcements/<int:announcement_id>/edit", methods=["GET", "POST"])
def announcement_edit(announcement_id: int):
    """The notice's text (saving keeps the previous text in the history), its state and
    the actions it allows, its attachments and its history."""
    a = load(Announcement, announcement_id, can_edit_announcement)
    if request.method == "GET":
        return _desk(a)
    form = AnnouncementForm()
    if not form.validate():
        return _desk(a, form=form, status=422)
    return perform(lambda: announcements.edit(
        announcement=a, actor=current_user, note=form.note.data or "",
        base_version=form.base_version(), **form.values()),
        done=_("Saved. The previous text is kept in the history."),
        then=url_for(".announcement_edit", announcement_id=a.id),
        failed=lambda error: _desk(a, form=form, error=error))


@routes.post("/announcements/<int:announcement_id>/publish")
def announcement_publish(announcement_id: int):
    a = load(Announcement, announcement_id, can_edit_announcement)
    form = PublishForm()
    if not form.validate():
        return _desk(a, publish_form=form, status=422)
    return perform(lambda: announcements.publish(announcement=a, actor=current_user,
                                                 publish_at=form.publish_at.utc),
                   done=lambda x: _("Published.") if x.is_public else _(
                       "Scheduled: it appears at the time you set."),
                   then=url_for(".announcement_edit", announcement_id=a.id),
                   failed=lambda error: _desk(a, publish_form=form, error=error,
                                              error_form=form, default_field="publish_at"))


@routes.post("/announcements/<int:announcement_id>/unschedule")
def announcement_unschedule(announcement_id: int):
    a = load(Announcement, announcement_id, can_edit_announcement)
    return perform(lambda: announcements.unschedule(announcement=a, actor=current_user),
                   done=_("Back to draft: it will not appear."),
                   then=url_for(".announcement_edit", announcement_id=a.id))


@routes.post("/announcements/<int:announcement_id>/withdraw")
def announcement_withdraw(announcement_id: int):
    a = load(Announcement, announcement_id, can_edit_announcement)
    form = WithdrawForm()
    if not form.validate():
        return _desk(a, withdraw_form=form, status=422)
    return perform(lambda: announcements.withdraw(announcement=a, actor=current_user,
                                                  reason=form.reason.data),
                   done=_("Withdrawn. The notice stays readable and says so."),
                   then=url_for(".announcement_edit", announcement_id=a.id),
                   failed=lambda error: _desk(a, withdraw_form=form, error=error,
                                              error_form=form, default_field="reason"))


def _upload_refused(a: Announcement, form, error: DomainError):
    return _desk(a, attachment_form=form, error=error, error_form=form, default_field="file")


@routes.post("/announcements/<int:announcement_id>/attachments")
def attachment_add(announcement_id: int):
    a = load(Announcement, announcement_id, can_edit_announcement)
    form = AttachmentForm()
    upload = form.file.data
    if not form.validate() or not getattr(upload, "filename", ""):
        if not getattr(upload, "filename", ""):
            form.file.errors = [*form.file.errors, _("Choose a file to attach.")]
        return _desk(a, attachment_form=form, status=422)
    return perform(lambda: announcements.add_attachment(
        announcement=a, actor=current_user, stream=upload.stream, filename=upload.filename,
        title=form.title.data or ""),
        done=_("Attached."), commit_refusal=True,  # keeps a full disk's audit entry
        then=url_for(".announcement_edit", announcement_id=a.id, _anchor="attachments"),
        failed=lambda error: _upload_refused(a, form, error))


@routes.post("/announcements/<int:announcement_id>/attachments/<int:attachment_id>/remove")
def attachment_remove(announcement_id: int, attachment_id: int):
    attachment = load(AnnouncementAttachment, attachment_id,
                      lambda user, att: can_edit_announcement(user, att.announcement))
    if attachment.announcement_id != announcement_id:
        abort(404)
    return perform(lambda: announcements.remove_attachment(attachment=attachment,
                                                           actor=current_user),
                   done=_("Attachment removed."),
                   then=url_for(".announcement_edit", announcement_id=announcement_id,
                                _anchor="attachments"))


@routes.get("/announcements/<int:announcement_id>/revisions/<int:number>")
def announcement_revision(announcement_id: int, number: int):
    """One earlier text of the notice, as a save left it."""
    a = load(Announcement, announcement_id, can_edit_announcement)
    revision = next((r for r in a.revisions if r.number == number), None)
    if revision is None:
        abort(404)
    return page("publishing/revision.html", announcement=a, revision=revision)
