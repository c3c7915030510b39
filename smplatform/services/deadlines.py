"""Deadlines that bind applicants: the unit's internal deadline if it set one, else the
batch's province deadline; for one organisation, later when its province extended it (at the
latest until the batch's province deadline, when the province submits to the ministry).
Always compared with `clock.now()` on the server."""
from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select

from smplatform import clock
from smplatform.enums import BatchStatus
from smplatform.extensions import db
from smplatform.models import Batch, DeadlineExtension, Organisation, UnitDeadline, User
from smplatform.services import DomainError
from smplatform.services.audit import record, register_labels


# The unit's own deadline and the organisation's extension (each unique, either may be
# missing) in one statement built once: the permission step and the service both ask on every
# autosave; two statements built anew each time cost three times as much.
_UNIT_DEADLINE_AND_EXTENSION = select(
    select(UnitDeadline.applicant_deadline).where(
        UnitDeadline.batch_id == bindparam("batch_id"),
        UnitDeadline.unit_code == bindparam("unit_code")).scalar_subquery(),
    select(DeadlineExtension.until).where(
        DeadlineExtension.batch_id == bindparam("batch_id"),
        DeadlineExtension.organisation_id == bindparam("organisation_id")).scalar_subquery())


def applicant_deadline(batch: Batch, unit_code: str,
                       organisation_id: int | None = None) -> datetime:
    """The last instant an applicant of this unit (this organisation, when given: its
    extension counts) may change and submit a declaration in this batch."""
    own, extended = db.session.execute(_UNIT_DEADLINE_AND_EXTENSION, {
        "batch_id": batch.id, "unit_code": unit_code,
        "organisation_id": organisation_id}).one()
    deadline = own or batch.province_deadline
    if extended is not None and extended > deadline:
        return extended
    return deadline


def extension_of(batch: Batch, organisation_id: int) -> DeadlineExtension | None:
    return db.session.scalar(select(DeadlineExtension).where(
        DeadlineExtension.batch_id == batch.id,
        DeadlineExtension.organisation_id == organisation_id))


def extension_limit(batch: Batch) -> datetime:
    """How far a province may extend an organisation's deadline: until it must submit to the
    ministry (the batch's province deadline)."""
    return batch.province_deadline


def declaration_deadline(declaration) -> datetime:
    """The deadline that binds this declaration (its organisation's, extension included)."""
    return applicant_deadline(declaration.batch, declaration.unit_code,
                              declaration.organisation_id)


def extend_for_organisation(*, actor: User, batch: Batch, organisation: Organisation,
                            until: datetime | None, reason: str) -> DeadlineExtension:
    """Extend the applicant deadline for one organisation of the officer's unit.

    Refused without a reason, for another unit's organisation, when `until` is not later than
    the organisation's deadline now, or later than the batch's province deadline.
    Side effects: adds or updates the DeadlineExtension; audit `deadline.extend` with the
    previous and new deadlines and the reason.
    """
    reason = (reason or "").strip()
    if organisation.unit_code != actor.unit_code:
        raise DomainError(_("This organisation does not belong to your unit."),
                          field="organisation_id")
    if until is None:
        raise DomainError(_("Enter the new deadline."), field="until")
    until = until.astimezone(clock.now().tzinfo)
    if not reason:
        raise DomainError(_("Give the reason for the extension."), field="reason")
    if len(reason) > 2000:
        raise DomainError(_("At most %(n)d characters.", n=2000), field="reason")
    current = applicant_deadline(batch, organisation.unit_code, organisation.id)
    limit = extension_limit(batch)
    if until <= current:
        raise DomainError(_("The new deadline must be later than the organisation's deadline "
                            "now (%(now)s).", now=_cst(current)), field="until")
    if until > limit:
        raise DomainError(_("A deadline can be extended at the latest until %(limit)s, when "
                            "your unit submits to the ministry.", limit=_cst(limit)),
                          field="until")
    row = extension_of(batch, organisation.id)
    if row is None:
        row = DeadlineExtension(batch_id=batch.id, organisation_id=organisation.id,
                                unit_code=organisation.unit_code, until=until, reason=reason,
                                granted_by_id=actor.id, granted_at=clock.now())
        db.session.add(row)
    else:
        row.until, row.reason = until, reason
        row.granted_by_id, row.granted_at = actor.id, clock.now()
    db.session.flush()
    record("deadline.extend", actor=actor, obj=organisation, unit_code=organisation.unit_code,
           detail={"batch": batch.number, "from": current.isoformat(),
                   "until": until.isoformat(), "reason": reason})
    return row


def _cst(moment: datetime) -> str:
    return clock.china(moment).strftime("%Y-%m-%d %H:%M:%S")


register_labels({"deadline.extend": _l("Deadline extended for one organisation")})


def reporting_date(batch: Batch) -> date:
    """The date eligibility is judged at (the platform's 2 years): the batch's reporting date
    if it has one, else the date of its province deadline in China Standard Time."""
    value = getattr(batch, "reporting_date", None)
    if value is not None:
        return value.date() if isinstance(value, datetime) else value
    return clock.china(batch.province_deadline).date()


def open_batch() -> Batch | None:
    """The batch applicants can declare in now: open status and past its opening time."""
    now = clock.now()
    return db.session.scalar(select(Batch).where(
        Batch.status == BatchStatus.OPEN, Batch.opens_at <= now).order_by(Batch.number.desc()))


def is_past(deadline: datetime) -> bool:
    return clock.now() > deadline
