"""Reminders before due dates (run from cron: `flask --app wsgi send-reminders`).

- An expert whose review is still open (assigned or accepted) is reminded once, in the
  application and by e-mail, when its due date is less than REVIEW_REMINDER_BEFORE away.
- A unit's provincial officers are reminded once per batch when declarations still await
  their review and the batch's province deadline is less than PROVINCE_REMINDER_BEFORE away.

Each reminder is recorded (DueReminder), so a run sends only what is due and not yet sent,
however often cron runs it.
"""
from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from smplatform import clock
from smplatform.enums import IN_PROVINCE_QUEUE_STATES, BatchStatus, ReviewState
from smplatform.extensions import db
from smplatform.models import Batch, Declaration, DueReminder, ReviewAssignment
from smplatform.services.audit import record, register_labels
from smplatform.services.notifications import notify_unit, notify_user

REVIEW_REMINDER_BEFORE = timedelta(hours=48)
PROVINCE_REMINDER_BEFORE = timedelta(hours=72)


def _cst(moment) -> str:
    return clock.china(moment).strftime("%Y-%m-%d %H:%M:%S")


def _sent(kind: str, object_id: int, unit_code: str = "") -> bool:
    return db.session.scalar(select(DueReminder.id).where(
        DueReminder.kind == kind, DueReminder.object_id == object_id,
        DueReminder.unit_code == unit_code, DueReminder.stage == "before")) is not None


def _mark(kind: str, object_id: int, unit_code: str = "") -> None:
    db.session.add(DueReminder(kind=kind, object_id=object_id, unit_code=unit_code,
                               stage="before", sent_at=clock.now()))


def send_due_reminders() -> dict[str, int]:
    """Send the reminders that are due now and not yet sent; returns how many of each.

    Side effects: Notifications and OutboxEmails (notify_user / notify_unit); a DueReminder
    per reminder; audit `reminders.send` when anything was sent.
    """
    now = clock.now()
    experts = 0
    reviews = db.session.scalars(
        select(ReviewAssignment).where(
            ReviewAssignment.state.in_([ReviewState.ASSIGNED.value,
                                        ReviewState.ACCEPTED.value]),
            ReviewAssignment.due_at.is_not(None), ReviewAssignment.due_at >= now,
            ReviewAssignment.due_at <= now + REVIEW_REMINDER_BEFORE)
        .order_by(ReviewAssignment.id)).all()
    for review in reviews:
        if _sent("review", review.id):
            continue
        notify_user(user=review.expert, key="review.due_soon",
                    params={"number": review.declaration.electronic_number or "",
                            "due": _cst(review.due_at)})
        _mark("review", review.id)
        experts += 1
    units = 0
    for batch in db.session.scalars(select(Batch).where(
            Batch.status == BatchStatus.OPEN, Batch.province_deadline >= now,
            Batch.province_deadline <= now + PROVINCE_REMINDER_BEFORE)):
        pending = db.session.execute(
            select(Declaration.unit_code, func.count()).where(
                Declaration.batch_id == batch.id,
                Declaration.state.in_([str(s) for s in IN_PROVINCE_QUEUE_STATES]))
            .group_by(Declaration.unit_code).order_by(Declaration.unit_code)).all()
        for unit_code, count in pending:
            if _sent("province_review", batch.id, unit_code):
                continue
            notify_unit(unit_code=unit_code, key="province.review_due_soon",
                        params={"count": count, "due": _cst(batch.province_deadline)})
            _mark("province_review", batch.id, unit_code)
            units += 1
    db.session.flush()
    if experts or units:
        record("reminders.send", actor_name="cron", detail={"experts": experts, "units": units})
    return {"experts": experts, "units": units}


register_labels({"reminders.send": _l("Reminders before due dates sent")})
