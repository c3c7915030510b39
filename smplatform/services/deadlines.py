"""Deadlines that bind applicants: the unit's internal deadline if it set one, else the
batch's province deadline. Always compared with `clock.now()` on the server."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from smplatform import clock
from smplatform.enums import BatchStatus
from smplatform.extensions import db
from smplatform.models import Batch, UnitDeadline


def applicant_deadline(batch: Batch, unit_code: str) -> datetime:
    """The last instant an applicant of this unit may submit in this batch."""
    own = db.session.scalar(select(UnitDeadline.applicant_deadline).where(
        UnitDeadline.batch_id == batch.id, UnitDeadline.unit_code == unit_code))
    return own or batch.province_deadline


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
