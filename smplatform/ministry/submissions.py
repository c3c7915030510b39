"""The ministry's view of the provincial units: liaison contacts and submissions (send back)."""
from __future__ import annotations

from flask import request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from smplatform import permissions
from smplatform.extensions import db
from smplatform.models import LiaisonContact, Recommendation, Unit, UnitSubmission
from smplatform.services import recommendation
from smplatform.services.review import current_batch
from smplatform.web import Routes, allow, found, page, perform

routes = Routes()


@routes.get("/contacts")
def contacts():
    """Every unit's liaison contacts in one directory, and the units that have not answered."""
    allow(permissions.can_view_contact_directory)
    batch = current_batch()
    if batch is None:  # before the first batch: the navigation's link still leads somewhere
        return _no_batch(_("Liaison contacts"))
    units = db.session.scalars(select(Unit).order_by(Unit.code)).all()
    rows = db.session.scalars(select(LiaisonContact).where(LiaisonContact.batch_id == batch.id)
                              .order_by(LiaisonContact.unit_code, LiaisonContact.id)).all()
    by_unit: dict[str, list] = {}
    for row in rows:
        by_unit.setdefault(row.unit_code, []).append(row)
    missing = [u for u in units if u.code not in by_unit]
    return page("ministry/contacts.html", batch=batch, units=units, by_unit=by_unit,
                missing=missing)


@routes.get("/submissions")
def submissions():
    """Each unit's submission state, with the send-back form for submitted ones."""
    allow(permissions.can_send_back_submission)
    batch = current_batch()
    if batch is None:
        return _no_batch(_("Provincial submissions"))
    return _submissions_page(batch)


def _no_batch(title: str):
    return page("_no_batch.html", title=title, back=(url_for("ministry.dashboard"), _("Ministry")))


def _submissions_page(batch, error: str | None = None, status: int = 200):
    units = db.session.scalars(select(Unit).order_by(Unit.code)).all()
    subs = {s.unit_code: s for s in db.session.scalars(
        select(UnitSubmission).where(UnitSubmission.batch_id == batch.id))}
    counts = dict(db.session.execute(
        select(Recommendation.unit_code, func.count()).where(Recommendation.batch_id == batch.id)
        .group_by(Recommendation.unit_code)).all())
    return page("ministry/submissions.html", status=status, batch=batch, units=units,
                subs=subs, counts=counts, error=error)


@routes.post("/units/<code>/send-back")
def send_back(code: str):
    """Send a unit's submission back: its list is unlocked for changes."""
    allow(permissions.can_send_back_submission)
    batch = found(current_batch())
    found(db.session.get(Unit, code))
    return perform(lambda: recommendation.send_back(actor=current_user, batch=batch,
                                                    unit_code=code,
                                                    reason=request.form.get("reason", "")),
                   done=_("The submission was sent back to the unit."),
                   then=url_for("ministry.submissions"), status=303,
                   failed=lambda error: _submissions_page(batch, error=error.message,
                                                          status=422))
