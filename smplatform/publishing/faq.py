"""The FAQ of the help pages (常见问题): the ministry writes, orders and removes entries."""
from __future__ import annotations

from flask import request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from smplatform.models import FaqEntry
from smplatform.permissions import can_edit_faq
from smplatform.publishing.forms import AUDIENCES, FaqForm
from smplatform.services import faq
from smplatform.web import Routes, allow, form_error, load, page, perform

routes = Routes()


@routes.get("/faq")
def faq_list():
    allow(can_edit_faq)
    return page("publishing/faq.html", entries=faq.entries(published_only=False),
                audience_labels={k: str(v) for k, v in AUDIENCES})


def _form_page(form, entry=None, error=None, status=200):
    if error is not None:
        form_error(form, error)
        status = 409 if error.code == "conflict" else 422
    return page("publishing/faq_form.html", form=form, entry=entry, status=status)


@routes.route("/faq/new", methods=["GET", "POST"])
def faq_new():
    allow(can_edit_faq)
    form = FaqForm()
    if form.validate_on_submit():
        return perform(lambda: faq.save(actor=current_user, values=form.values()),
                       done=_("Saved."), then=url_for(".faq_list"),
                       failed=lambda error: _form_page(form, error=error))
    return _form_page(form, status=422 if form.errors else 200)


@routes.route("/faq/<int:entry_id>/edit", methods=["GET", "POST"])
def faq_edit(entry_id: int):
    entry = load(FaqEntry, entry_id, can_edit_faq)
    form = FaqForm(obj=None if request.method == "POST" else entry)
    if request.method == "GET":
        form.version.data = str(entry.version)
    if form.validate_on_submit():
        version = form.version.data
        return perform(lambda: faq.save(actor=current_user, values=form.values(), entry=entry,
                                        base_version=int(version) if (version or "").isdigit()
                                        else None),
                       done=_("Saved."), then=url_for(".faq_list"),
                       failed=lambda error: _form_page(form, entry, error))
    return _form_page(form, entry, status=422 if form.errors else 200)


@routes.post("/faq/<int:entry_id>/delete")
def faq_delete(entry_id: int):
    entry = load(FaqEntry, entry_id, can_edit_faq)
    return perform(lambda: faq.delete(actor=current_user, entry=entry),
                   done=_("Deleted."), then=url_for(".faq_list"))
