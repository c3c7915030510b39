"""A provincial unit's liaison contacts and its internal deadline for applicants (those of
the acting officer's unit; who may remove a contact is permissions.can_manage_liaison_contact)."""
from __future__ import annotations

import re
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from smplatform import clock
from smplatform.extensions import db
from smplatform.models import Batch, LiaisonContact, UnitDeadline, User
from smplatform.services import DomainError
from smplatform.services.audit import record

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_RE = re.compile(r"^[0-9+()\- ]{5,30}$")


def contacts_of(batch_id: int, unit_code: str) -> list[LiaisonContact]:
    return list(db.session.scalars(select(LiaisonContact).where(
        LiaisonContact.batch_id == batch_id, LiaisonContact.unit_code == unit_code)
        .order_by(LiaisonContact.id)))


def _check_contact_deadline(batch: Batch) -> None:
    if clock.now() > batch.contact_deadline:
        raise DomainError(_("The deadline for liaison contacts has passed. Contact the "
                            "ministry to change them."), code="deadline")


def contacts_open(batch: Batch, unit_code: str) -> bool:
    """May the unit add a contact now? Before the contact deadline; after it only its first
    one, since the ministry needs a contact for every list it receives (submit() requires
    one). Changing given contacts after the deadline goes through the ministry."""
    return clock.now() <= batch.contact_deadline or not contacts_of(batch.id, unit_code)


def add_contact(*, actor: User, batch: Batch, name: str, title: str, phone: str,
                fax: str | None, email: str) -> LiaisonContact:
    """Add a liaison contact for the officer's unit: before the batch's contact deadline, or
    its first contact late (contacts_open()).

    Side effects: inserts a LiaisonContact; audit `liaison_contact.add` (late: after the
    deadline).
    """
    late = clock.now() > batch.contact_deadline
    if not contacts_open(batch, actor.unit_code):
        _check_contact_deadline(batch)
    values = {"name": (name or "").strip(), "title": (title or "").strip(),
              "phone": (phone or "").strip(), "fax": (fax or "").strip() or None,
              "email": (email or "").strip()}
    for key, label in (("name", _("Full name")), ("title", _("Title")), ("phone", _("Phone")),
                       ("email", _("E-mail"))):
        if not values[key]:
            raise DomainError(_("%(field)s is required.", field=label), field=key,
                              code="required")
    if not PHONE_RE.match(values["phone"]):
        raise DomainError(_("Enter a phone number of digits, spaces, +, - or brackets."),
                          field="phone", code="bad_phone")
    if values["fax"] and not PHONE_RE.match(values["fax"]):
        raise DomainError(_("Enter a fax number of digits, spaces, +, - or brackets."),
                          field="fax", code="bad_fax")
    if not EMAIL_RE.match(values["email"]):
        raise DomainError(_("Enter a valid e-mail address."), field="email", code="bad_email")
    if len(values["name"]) > 50 or len(values["title"]) > 50 or len(values["email"]) > 254:
        raise DomainError(_("A value is too long."), code="too_long")
    contact = LiaisonContact(batch_id=batch.id, unit_code=actor.unit_code,
                             created_at=clock.now(), **values)
    db.session.add(contact)
    db.session.flush()
    record("liaison_contact.add", actor=actor, obj=contact, unit_code=actor.unit_code,
           detail={"name": values["name"], "late": late})
    return contact


def remove_contact(*, actor: User, batch: Batch, contact: LiaisonContact) -> None:
    """Remove one of the unit's contacts (before the contact deadline).

    Side effects: deletes the LiaisonContact; audit `liaison_contact.remove`.
    """
    _check_contact_deadline(batch)
    db.session.delete(contact)
    db.session.flush()
    record("liaison_contact.remove", actor=actor, object_type="liaison_contact",
           object_id=contact.id, unit_code=actor.unit_code)


def applicant_deadline(batch_id: int, unit_code: str) -> UnitDeadline | None:
    return db.session.scalar(select(UnitDeadline).where(
        UnitDeadline.batch_id == batch_id, UnitDeadline.unit_code == unit_code))


def set_applicant_deadline(*, actor: User, batch: Batch, deadline: datetime) -> UnitDeadline:
    """Set the unit's internal deadline for its applicants: not later than the national
    province deadline, and not in the past.

    Side effects: inserts or updates the UnitDeadline; audit `unit_deadline.set`.
    """
    if deadline.tzinfo is None:
        raise ValueError("aware datetime required")
    if deadline > batch.province_deadline:
        raise DomainError(_("The deadline for applicants cannot be later than the national "
                            "deadline."), field="deadline", code="too_late")
    if deadline < clock.now():
        raise DomainError(_("The deadline for applicants cannot be in the past."),
                          field="deadline", code="past")
    row = applicant_deadline(batch.id, actor.unit_code)
    if row is None:
        row = UnitDeadline(batch_id=batch.id, unit_code=actor.unit_code,
                           applicant_deadline=deadline)
        db.session.add(row)
    else:
        row.applicant_deadline = deadline
    db.session.flush()
    record("unit_deadline.set", actor=actor, obj=row, unit_code=actor.unit_code,
           detail={"applicant_deadline": deadline.isoformat()})
    return row
