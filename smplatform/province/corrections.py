"""Corrections without loss, the province's side: undoing a business-status mark."""
from __future__ import annotations

from flask import request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from smplatform.models import EvaluationTask
from smplatform.permissions import can_undo_status_change
from smplatform.services import evaluations
from smplatform.web import Routes, load, perform

routes = Routes()


@routes.post("/evaluations/<int:task_id>/undo-status")
def evaluation_undo_status(task_id: int):
    """Undo the unit's business-status mark, with a reason; the filing is a draft again."""
    task = load(EvaluationTask, task_id, can_undo_status_change)
    return perform(
        lambda: evaluations.undo_status_change(actor=current_user, task=task,
                                               reason=request.form.get("reason", "")),
        done=_("The business status mark was undone. The filing is a draft again."),
        then=url_for("province.evaluation", task_id=task.id))
