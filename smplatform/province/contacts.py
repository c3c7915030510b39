"""The unit's liaison contacts for the ministry and its internal deadline for applicants."""
from __future__ import annotations

from datetime import datetime, time

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from smplatform import clock, permissions
from smplatform.extensions import db
from smplatform.models import LiaisonContact
from smplatform.services import DomainError, liaison
from smplatform.services import review as review_service
from smplatform.web import Routes, found

routes = Routes()


@routes.get("/contacts")
def contacts(errors: dict | None = None, status: int = 200):
    batch = found(review_service.current_batch())
    deadline = liaison.applicant_deadline(batch.id, current_user.unit_code)
    return render_template("province/contacts.html", batch=batch,
                           contacts=liaison.contacts_of(batch.id, current_user.unit_code),
                           deadline=deadline, errors=errors or {}, form=request.form,
                           contact_open=clock.now() <= batch.contact_deadline), status


@routes.post("/contacts")
def contact_add():
    batch = found(review_service.current_batch())
    f = request.form
    try:
        liaison.add_contact(actor=current_user, batch=batch, name=f.get("name", ""),
                            title=f.get("title", ""), phone=f.get("phone", ""),
                            fax=f.get("fax"), email=f.get("email", ""))
    except DomainError as error:
        db.session.rollback()
        return contacts(errors={error.field or "contact": error.message}, status=422)
    db.session.commit()
    flash(_("Liaison contact saved."), "success")
    return redirect(url_for("province.contacts"), 303)


@routes.post("/contacts/<int:contact_id>/remove")
def contact_remove(contact_id: int):
    batch = found(review_service.current_batch())
    contact = permissions.get_or_404(LiaisonContact, contact_id,
                                     permissions.can_manage_recommendations)
    try:
        liaison.remove_contact(actor=current_user, batch=batch, contact=contact)
    except DomainError as error:
        db.session.rollback()
        return contacts(errors={"contact": error.message}, status=422)
    db.session.commit()
    flash(_("Liaison contact removed."), "success")
    return redirect(url_for("province.contacts"), 303)


@routes.post("/deadline")
def deadline_set():
    """The date (China Standard Time) until which the unit's applicants may submit; the
    deadline is the end of that day."""
    batch = found(review_service.current_batch())
    try:
        day = datetime.strptime(request.form.get("deadline", ""), "%Y-%m-%d").date()
    except ValueError:
        return contacts(errors={"deadline": _("Enter a date as YYYY-MM-DD.")}, status=422)
    value = datetime.combine(day, time(23, 59, 59), tzinfo=clock.CHINA)
    # The national deadline itself may fall earlier on that day: never go past it.
    value = min(value, batch.province_deadline) if day == clock.china(
        batch.province_deadline).date() else value
    try:
        liaison.set_applicant_deadline(actor=current_user, batch=batch, deadline=value)
    except DomainError as error:
        db.session.rollback()
        return contacts(errors={"deadline": error.message}, status=422)
    db.session.commit()
    flash(_("The deadline for applicants was saved."), "success")
    return redirect(url_for("province.contacts"), 303)
