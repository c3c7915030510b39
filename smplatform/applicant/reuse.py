"""Starting a draft from the organisation's earlier declaration in the same category."""
from __future__ import annotations

from flask import request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from smplatform.extensions import db
from smplatform.models import Declaration
from smplatform.permissions import can_edit_declaration
from smplatform.services import organisation_history
from smplatform.web import Routes, load, perform

routes = Routes()


def _done(filled: list[str]) -> str:
    if not filled:
        return _("Nothing was copied: every field it could fill already has a value.")
    return _("%(n)d field(s) filled in from your earlier declaration. Check each section: "
             "figures and narratives must describe the situation now.", n=len(filled))


@routes.post("/declarations/<int:declaration_id>/copy-previous")
def declaration_copy_previous(declaration_id: int):
    """Fill the draft's empty fields from the chosen earlier declaration."""
    d = load(Declaration, declaration_id, can_edit_declaration)
    source = db.session.get(Declaration, request.form.get("source_id", type=int) or 0)
    return perform(
        lambda: organisation_history.copy_previous(
            declaration=d, source=source or d, actor=current_user,
            base_version=request.form.get("version", type=int) or 0),
        done=_done, then=url_for("applicant.declaration", declaration_id=d.id))
