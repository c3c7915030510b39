"""The ministry's view of the provincial units: liaison contacts and submissions (send back)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from smplatform import permissions
from smplatform.extensions import db
from smplatform.models import LiaisonContact, Recommendation, Unit, UnitSubmission
from smplatform.services import DomainError, recommendation
from smplatform.services.review import current_batch
from smplatform.web import Routes

routes = Routes()


def _batch():
    batch = current_batch()
    if batch is None:
        abort(404)
    return batch


@routes.get("/contacts")
def contacts():
    """Every unit's liaison contacts in one directory, and the units that have not answered."""
    if not permissions.can_view_contact_directory(current_user):
        abort(403)
    batch = _batch()
    units = db.session.scalars(select(Unit).order_by(Unit.code)).all()
    rows = db.session.scalars(select(LiaisonContact).where(LiaisonContact.batch_id == batch.id)
                              .order_by(LiaisonContact.unit_code, LiaisonContact.id)).all()
    by_unit: dict[str, list] = {}
    for row in rows:
        by_unit.setdefault(row.unit_code, []).append(row)
    missing = [u for u in units if u.code not in by_unit]
    return render_template("ministry/contacts.html", batch=batch, units=units, by_unit=by_unit,
                           missing=missing)


@routes.get("/submissions")
def submissions(error: str | None = None, status: int = 200):
    """Each unit's submission state, with the send-back form for submitted ones."""
    if not permissions.can_send_back_submission(current_user):
        abort(403)
    batch = _batch()
    units = db.session.scalars(select(Unit).order_by(Unit.code)).all()
    subs = {s.unit_code: s for s in db.session.scalars(
        select(UnitSubmission).where(UnitSubmission.batch_id == batch.id))}
    counts = dict(db.session.execute(
        select(Recommendation.unit_code, func.count()).where(Recommendation.batch_id == batch.id)
        .group_by(Recommendation.unit_code)).all())
    return render_template("ministry/submissions.html", batch=batch, units=units, subs=subs,
                           counts=counts, error=error), status


@routes.post("/units/<code>/send-back")
def send_back(code: str):
    if not permissions.can_send_back_submission(current_user):
        abort(403)
    batch = _batch()
    if db.session.get(Unit, code) is None:
        abort(404)
    try:
        recommendation.send_back(actor=current_user, batch=batch, unit_code=code,
                                 reason=request.form.get("reason", ""))
    except DomainError as error:
        db.session.rollback()
        return submissions(error=error.message, status=422)
    db.session.commit()
    flash(_("The submission was sent back to the unit."), "success")
    return redirect(url_for("ministry.submissions"), 303)
