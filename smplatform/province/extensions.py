"""Deadlines that bind, the province's side: extending the applicant deadline for one
organisation of its unit (audited), and the extensions granted."""
from __future__ import annotations

from datetime import datetime

from flask import request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from smplatform import clock
from smplatform.enums import EDITABLE_STATES
from smplatform.extensions import db
from smplatform.models import DeadlineExtension, Declaration, Organisation
from smplatform.permissions import can_extend_deadline
from smplatform.services import DomainError, deadlines
from smplatform.services import review as review_service
from smplatform.web import Routes, allow, found, page, perform

routes = Routes()


def _page(batch, *, errors: dict | None = None, values: dict | None = None, status: int = 200):
    unit = current_user.unit_code
    extensions = db.session.scalars(
        select(DeadlineExtension).where(DeadlineExtension.batch_id == batch.id,
                                        DeadlineExtension.unit_code == unit)
        .order_by(DeadlineExtension.granted_at.desc())).all()
    # Organisations of the unit with a declaration still in draft (or returned) in the batch.
    organisations = db.session.execute(
        select(Organisation.id, Organisation.name).join(
            Declaration, Declaration.organisation_id == Organisation.id)
        .where(Declaration.batch_id == batch.id, Declaration.unit_code == unit,
               Declaration.state.in_([str(s) for s in EDITABLE_STATES]))
        .distinct().order_by(Organisation.name)).all()
    return page("province/extensions.html", batch=batch, extensions=extensions,
                organisations=organisations, errors=errors or {}, values=values or {},
                deadline=deadlines.applicant_deadline(batch, unit),
                limit=deadlines.extension_limit(batch), status=status)


@routes.get("/extensions")
def extensions():
    """The unit's applicant deadline, the extensions granted, and the form to grant one."""
    allow(can_extend_deadline)
    return _page(found(review_service.current_batch()))


def _until(text: str) -> datetime | None:
    try:
        local = datetime.fromisoformat((text or "").strip())
    except ValueError:
        return None
    if local.tzinfo is None:
        local = local.replace(tzinfo=clock.CHINA)
    return local


@routes.post("/extensions")
def extension_grant():
    allow(can_extend_deadline)
    batch = found(review_service.current_batch())
    values = {k: request.form.get(k, "") for k in ("organisation_id", "until", "reason")}
    organisation = db.session.get(Organisation, request.form.get("organisation_id", type=int)
                                  or 0)

    def grant():
        if organisation is None:
            raise DomainError(_("Choose the organisation."), field="organisation_id")
        return deadlines.extend_for_organisation(
            actor=current_user, batch=batch, organisation=organisation,
            until=_until(values["until"]), reason=values["reason"])

    return perform(grant,
                   done=lambda row: _("The deadline of %(name)s was extended until %(until)s.",
                                      name=row.organisation.name,
                                      until=clock.china(row.until).strftime("%Y-%m-%d %H:%M")),
                   failed=lambda error: _page(batch, errors={error.field or "reason":
                                                             error.message},
                                              values=values, status=422),
                   then=url_for("province.extensions"))
