"""On-site inspection (现场核查): required for every city that passed the expert review,
optional for the enterprises and platforms the ministry picks."""
from __future__ import annotations

from flask import abort, url_for
from flask_babel import gettext as _
from flask_login import current_user

from smplatform import permissions
from smplatform.extensions import db
from smplatform.ministry.selection_forms import CHECKLIST_LABELS, InspectionForm
from smplatform.models import Declaration, Inspection, StoredFile
from smplatform.services import DomainError, selection, storage
from smplatform.web import Routes, form_error, found, load, page, perform

routes = Routes()


def _page(declaration, form, status: int = 200, error: DomainError | None = None):
    if error is not None:  # the service names a field, or a checklist item by its key
        item = f"item_{error.field}"
        form_error(form, error, item if item in form else "documents")
    return page(
        "ministry/inspection.html", status=status, declaration=declaration, form=form,
        inspections=selection.inspections_of(declaration),
        required=selection.inspection_required(declaration),
        can_record=declaration.state in selection.INSPECTABLE_STATES,
        checklist=[(key, getattr(form, f"item_{key}")) for key in CHECKLIST_LABELS],
        files={f.id: f for f in db.session.scalars(db.select(StoredFile).where(
            StoredFile.id.in_([i for x in selection.inspections_of(declaration)
                               for i in x.document_ids])))})


@routes.get("/declarations/<int:declaration_id>/inspection")
def inspection(declaration_id: int):
    """A declaration's inspections and the form to record one."""
    return _page(load(Declaration, declaration_id, permissions.can_run_selection),
                 InspectionForm())


@routes.post("/declarations/<int:declaration_id>/inspection")
def inspection_record(declaration_id: int):
    """Record an inspection with its checklist, conclusion and documents."""
    declaration = load(Declaration, declaration_id, permissions.can_run_selection)
    form = InspectionForm()
    if not form.validate_on_submit():
        return _page(declaration, form, status=400)
    documents = [(f.stream, f.filename) for f in form.documents.data or []
                 if getattr(f, "filename", "")]
    return perform(
        lambda: selection.record_inspection(
            actor=current_user, declaration=declaration, planned_on=form.planned_on.data,
            team=form.team.data, notes=form.notes.data, conclusion=form.conclusion.data,
            items={key: getattr(form, f"item_{key}").data for key in CHECKLIST_LABELS},
            documents=documents),
        done=_("On-site inspection recorded."),
        then=url_for("ministry.inspection", declaration_id=declaration_id),
        failed=lambda error: _page(declaration, form, status=400, error=error))


@routes.get("/inspections/<int:inspection_id>/documents/<int:file_id>")
def inspection_document(inspection_id: int, file_id: int):
    """Download one document of an inspection."""
    inspection = load(Inspection, inspection_id, permissions.can_run_selection)
    if file_id not in (inspection.document_ids or []):
        abort(404)
    return storage.send(found(db.session.get(StoredFile, file_id)))
