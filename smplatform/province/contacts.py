"""The unit's liaison contacts for the ministry and its internal deadline for applicants."""
from __future__ import annotations

from datetime import datetime, time

from flask import request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from smplatform import clock, permissions
from smplatform.models import LiaisonContact
from smplatform.services import DomainError, liaison
from smplatform.services import review as review_service
from smplatform.web import Routes, allow, found, load, page, perform

routes = Routes()


@routes.get("/contacts")
def contacts():
    allow(permissions.is_province)
    return _contacts_page(found(review_service.current_batch()))


def _contacts_page(batch, errors: dict | None = None, status: int = 200):
    deadline = liaison.applicant_deadline(batch.id, current_user.unit_code)
    return page("province/contacts.html", status=status, batch=batch,
                contacts=liaison.contacts_of(batch.id, current_user.unit_code),
                deadline=deadline, errors=errors or {}, form=request.form,
                contact_open=liaison.contacts_open(batch, current_user.unit_code),
                deadline_passed=clock.now() > batch.contact_deadline)


def _save(batch, action, done: str, field: str | None = None):
    """Perform a change of the contacts page; a refusal shows the page again with the
    message beside `field` (else the field the service names, else the contact form)."""
    def failed(error: DomainError):
        key = field or error.field or "contact"
        return _contacts_page(batch, errors={key: error.message}, status=422)
    return perform(action, done=done, then=url_for("province.contacts"), status=303,
                   failed=failed)


@routes.post("/contacts")
def contact_add():
    allow(permissions.is_province)
    batch = found(review_service.current_batch())
    f = request.form
    return _save(batch, lambda: liaison.add_contact(
        actor=current_user, batch=batch, name=f.get("name", ""), title=f.get("title", ""),
        phone=f.get("phone", ""), fax=f.get("fax"), email=f.get("email", "")),
        _("Liaison contact saved."))


@routes.post("/contacts/<int:contact_id>/remove")
def contact_remove(contact_id: int):
    batch = found(review_service.current_batch())
    contact = load(LiaisonContact, contact_id, permissions.can_manage_liaison_contact)
    return _save(batch, lambda: liaison.remove_contact(actor=current_user, batch=batch,
                                                       contact=contact),
                 _("Liaison contact removed."), field="contact")


@routes.post("/deadline")
def deadline_set():
    """The date (China Standard Time) until which the unit's applicants may submit; the
    deadline is the end of that day."""
    allow(permissions.is_province)
    batch = found(review_service.current_batch())
    try:
        day = datetime.strptime(request.form.get("deadline", ""), "%Y-%m-%d").date()
    except ValueError:
        return _contacts_page(batch, errors={"deadline": _("Enter a date as YYYY-MM-DD.")},
                              status=422)
    value = datetime.combine(day, time(23, 59, 59), tzinfo=clock.CHINA)
    # The national deadline itself may fall earlier on that day: never go past it.
    value = min(value, batch.province_deadline) if day == clock.china(
        batch.province_deadline).date() else value
    return _save(batch, lambda: liaison.set_applicant_deadline(actor=current_user, batch=batch,
                                                               deadline=value),
                 _("The deadline for applicants was saved."), field="deadline")
