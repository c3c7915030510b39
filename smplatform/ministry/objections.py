"""Objections sent by the public during a public notice: the ministry records how it handled
each and the outcome (an upheld one then lets it take the declaration off the shortlist, on
the decisions page)."""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from smplatform.ministry.selection_forms import HandleObjectionForm
from smplatform.models import Objection
from smplatform.permissions import can_handle_objection
from smplatform.services import objections
from smplatform.web import Routes, load, perform

routes = Routes()


@routes.post("/objections/<int:objection_id>/handle")
def objection_handle(objection_id: int):
    """Record the handling and outcome of an objection from the public."""
    objection = load(Objection, objection_id, can_handle_objection)
    form = HandleObjectionForm(prefix=f"h{objection.id}")
    back = url_for("ministry.decisions", batch_id=objection.declaration.batch_id) + \
        f"#objection-{objection.id}"
    # The service checks the values (CSRF is checked for every post by CSRFProtect).
    return perform(lambda: objections.handle(actor=current_user, objection=objection,
                                             handling=form.handling.data,
                                             outcome=form.outcome.data),
                   done=_("The objection's handling was recorded."), then=back)
