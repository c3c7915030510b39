"""The officer's dashboard: counts, quota meters, deadlines and what to do next."""
from __future__ import annotations

from flask_login import current_user

from smplatform import clock
from smplatform.enums import Category, DeclarationState, SubmissionState
from smplatform.permissions import is_province
from smplatform.services import liaison, recommendation, review
from smplatform.web import Routes, allow, lang, page

routes = Routes()

# The declarations waiting in the queue, in the order the to-do list names them.
QUEUE_STATES = (DeclarationState.SUBMITTED, DeclarationState.UNDER_REVIEW)


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
        items = recommendation.recommendations(batch.id, unit.code)
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
            todo=_todo(counts, items, submission,
                       liaison.contacts_of(batch.id, unit.code)
                       or clock.now() > batch.contact_deadline, deadline),
        )
    return page("province/dashboard.html", **context)


def _todo(counts, items, submission, contacts_done, deadline) -> list[tuple[str, str, dict]]:
    """(message key, endpoint, args) of what needs action next, most urgent first."""
    total = lambda state: sum(n for (_c, s), n in counts.items() if s == state)  # noqa: E731
    todo = []
    if not contacts_done:
        todo.append(("contacts", "province.contacts", {}))
    if deadline is None:
        todo.append(("deadline", "province.contacts", {}))
    for state in QUEUE_STATES:
        if total(state):
            todo.append((state, "province.queue", {"state": state}))
    if any(r.declaration.stamped_confirmed_at is None for r in items):
        todo.append(("stamped", "province.recommendations", {}))
    if items and (submission is None or submission.summary_file_id is None):
        todo.append(("summary", "province.summary", {}))
    if items and (submission is None or submission.state != SubmissionState.SUBMITTED):
        todo.append(("submit", "province.summary", {}))
    return [(key, endpoint, args, total(key) if key in QUEUE_STATES else 0)
            for key, endpoint, args in todo]

