"""Deadlines that bind, the ministry's side: overdue expert reviews given to other experts."""
from __future__ import annotations

from datetime import UTC, date, datetime, time

from flask import request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from smplatform import clock, permissions
from smplatform.models import Batch
from smplatform.services import review_assignments as service
from smplatform.web import Routes, load, perform

routes = Routes()


def _end_of(text: str) -> datetime | None:
    try:
        day = date.fromisoformat((text or "").strip())
    except ValueError:
        return None
    return datetime.combine(day, time(23, 59, 59), tzinfo=clock.CHINA).astimezone(UTC)


@routes.post("/batches/<int:batch_id>/review/reassign-overdue")
def review_reassign_overdue(batch_id: int):
    """Withdraw every overdue review of the batch and assign replacements due `due_on`."""
    batch = load(Batch, batch_id, permissions.can_run_selection)
    return perform(
        lambda: service.reassign_overdue(actor=current_user, batch=batch,
                                         due_at=_end_of(request.form.get("due_on", ""))),
        done=lambda report: _("Overdue reviews withdrawn; %(n)d declaration(s) received a "
                              "replacement, %(m)d could not be staffed.",
                              n=len(report.assigned), m=len(report.unstaffed)),
        then=url_for("ministry.review", batch_id=batch.id))
