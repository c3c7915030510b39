"""The public side of the selection: every public notice and published list on one page, and
the form to object to a shortlisted declaration while its notice runs."""
from __future__ import annotations

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from smplatform.extensions import db, limiter
from smplatform.models import Batch, Declaration
from smplatform.permissions import can_object_to_notice, can_view_public
from smplatform.public.forms import ObjectionForm
from smplatform.services import objections, public_lists
from smplatform.services.objections import public_name
from smplatform.web import Routes, allow, form_error, found, page, perform

routes = Routes()


@routes.context_processor
def _selection_overview():
    """`public_selection()` for the public pages' partials (home, the registry)."""
    return {"public_selection": public_lists.overview, "objection_contact": contact,
            "notice_running": lambda notice: objections.running_notice(notice.batch)
            is not None}


def contact() -> dict:
    """The ministry's published contact for objections (settings; empty: not set)."""
    config = current_app.config
    return {"address": config.get("OBJECTION_ADDRESS", ""),
            "phone": config.get("OBJECTION_PHONE", ""),
            "email": config.get("OBJECTION_EMAIL", "")}


@routes.get("/selection")
def selection_lists():
    """Public notices now running and every published list of demonstrations."""
    allow(can_view_public)
    return page("public/selection.html", overview=public_lists.overview())


def _objection_limit() -> str:
    return current_app.config["RATELIMIT_OBJECTION"]


def _batch(number: int) -> Batch:
    return found(db.session.scalar(select(Batch).where(Batch.number == number)))


@routes.route("/notice/shortlist/<int:number>/objection", methods=["GET", "POST"])
@limiter.limit(_objection_limit, methods=["POST"])
def objection(number: int):
    """Object to a declaration on the shortlist while the notice runs: the objector's name and
    phone (e-mail for the acknowledgement), the grounds. Refused outside the notice."""
    batch = _batch(number)
    allow(can_object_to_notice, batch)
    notice = objections.running_notice(batch)
    shortlist = objections.shortlisted(batch) if notice else []
    form = ObjectionForm()
    form.declaration_id.choices = [(0, _("(choose)"))] + [
        (d.id, f"{public_name(d)} · {d.category_enum.label} · {d.unit.name}")
        for d in shortlist]
    if notice is not None and form.validate_on_submit():
        declaration = db.session.get(Declaration, form.declaration_id.data)

        def failed(error):
            form_error(form, error, "grounds")
            return page("public/objection.html", form=form, batch=batch, notice=notice,
                        status=400)

        return perform(
            lambda: objections.receive(
                batch=batch, declaration=declaration, name=form.name.data,
                organisation=form.organisation.data, phone=form.phone.data,
                email=form.email.data, grounds=form.grounds.data),
            done=lambda receipt: _(
                "Your objection to %(name)s was received on %(day)s. Its reference is "
                "%(reference)s: quote it if you contact the ministry about it.",
                name=receipt.declaration_name, day=receipt.received_on.isoformat(),
                reference=receipt.reference),
            then=url_for(".objection_received", number=number), failed=failed)
    status = 400 if form.errors else 200 if notice is not None else 409
    return page("public/objection.html", form=form, batch=batch, notice=notice, status=status)


@routes.get("/notice/shortlist/<int:number>/objection/received")
def objection_received(number: int):
    """Where the objector lands after sending: the acknowledgement (flashed) and what next."""
    batch = _batch(number)
    allow(can_view_public)
    return page("public/objection_received.html", batch=batch)
