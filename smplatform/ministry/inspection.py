"""On-site inspection (现场核查): required for every city that passed the expert review,
optional for the enterprises and platforms the ministry picks."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from smplatform import permissions
from smplatform.extensions import db
from smplatform.ministry.selection_forms import CHECKLIST_LABELS, InspectionForm
from smplatform.models import Declaration, Inspection, StoredFile
from smplatform.services import DomainError, selection, storage
from smplatform.web import Routes, load

routes = Routes()


def _page(declaration, form, status: int = 200):
    return render_template(
        "ministry/inspection.html", declaration=declaration, form=form,
        inspections=selection.inspections_of(declaration),
        required=selection.inspection_required(declaration),
        can_record=declaration.state in selection.INSPECTABLE_STATES,
        checklist=[(key, getattr(form, f"item_{key}")) for key in CHECKLIST_LABELS],
        files={f.id: f for f in db.session.scalars(db.select(StoredFile).where(
            StoredFile.id.in_([i for x in selection.inspections_of(declaration)
                               for i in x.document_ids])))}), status


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
    if form.validate_on_submit():
        documents = [(f.stream, f.filename) for f in form.documents.data or []
                     if getattr(f, "filename", "")]
        try:
            selection.record_inspection(
                actor=current_user, declaration=declaration, planned_on=form.planned_on.data,
                team=form.team.data, notes=form.notes.data, conclusion=form.conclusion.data,
                items={key: getattr(form, f"item_{key}").data for key in CHECKLIST_LABELS},
                documents=documents)
        except DomainError as error:
            db.session.rollback()
            target = getattr(form, error.field or "", None) or getattr(
                form, f"item_{error.field}", None) or form.documents
            target.errors = list(target.errors) + [error.message]
        else:
            db.session.commit()
            flash(_("On-site inspection recorded."), "success")
            return redirect(url_for("ministry.inspection", declaration_id=declaration_id))
    return _page(declaration, form, status=400)


@routes.get("/inspections/<int:inspection_id>/documents/<int:file_id>")
def inspection_document(inspection_id: int, file_id: int):
    """Download one document of an inspection."""
    found = permissions.get_or_404(Inspection, inspection_id,
                                   lambda user, _i: permissions.can_run_selection(user))
    if file_id not in (found.document_ids or []):
        abort(404)
    stored = db.session.get(StoredFile, file_id)
    if stored is None:
        abort(404)
    return storage.send(stored)
