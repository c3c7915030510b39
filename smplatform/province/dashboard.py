"""The officer's dashboard: counts, quota meters, deadlines and what to do next."""
from __future__ import annotations

from flask_login import current_user

from smplatform import clock
from smplatform.enums import Category, DeclarationState
from smplatform.permissions import is_province
from smplatform.services import liaison, recommendation, review
from smplatform.web import Routes, allow, lang, page

routes = Routes()

def days_left(deadline) -> int | None:
    if deadline is None:
        return None
    return (clock.china(deadline).date() - clock.china(clock.now()).date()).days


@routes.get("/")
def dashboard():
    """Counts, quota meters, deadlines and what needs doing next, for the officer's unit."""
    allow(is_province)
    batch = review.current_batch()
    unit = current_user.unit
    context = {"batch": batch, "unit": unit}
    if batch is not None:
        counts = review.counts(batch_id=batch.id, unit_code=unit.code)
        submission = recommendation.get_submission(batch.id, unit.code)
        deadline = liaison.applicant_deadline(batch.id, unit.code)
        context.update(
            counts=counts, categories=list(Category),
            states=[s for s in DeclarationState if s != DeclarationState.DRAFT],
            meters=recommendation.meters(batch, unit), submission=submission,
            line_label=lambda line: recommendation.line_label(line, lang()),
            applicant_deadline=deadline.applicant_deadline if deadline else None,
            deadlines=[
                ("contacts", batch.contact_deadline, days_left(batch.contact_deadline)),
                ("applicants", deadline.applicant_deadline if deadline else None,
                 days_left(deadline.applicant_deadline) if deadline else None),
                ("national", batch.province_deadline, days_left(batch.province_deadline)),
            ],
        )
    return page("province/dashboard.html", **context)

