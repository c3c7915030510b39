"""The ministry's side of the evaluation: registry import (page and CLI), opening the campaign,
national progress by unit and batch, conclusions."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from smplatform import permissions
from smplatform.extensions import db
from smplatform.models import Batch, EvaluationTask, RegistryEntry, Unit
from smplatform.province.evaluation import task_file
from smplatform.rules import evaluation as rules
from smplatform.rules.evaluation import Conclusion, Progress
from smplatform.services import DomainError, evaluations, registry, storage
from smplatform.web import Routes

routes = Routes()

PAGE_SIZE = 50
MAX_IMPORT_BYTES = 10 * 1024 * 1024


def _task(task_id: int) -> EvaluationTask:
    return permissions.get_or_404(EvaluationTask, task_id, permissions.can_conclude_evaluation)


@routes.get("/evaluations")
def evaluations_overview():
    """National progress by unit and batch, and the task list with filters."""
    counts = evaluations.progress_counts()
    units = {u.code: u for u in db.session.scalars(select(Unit))}
    query = select(EvaluationTask).join(RegistryEntry).order_by(
        EvaluationTask.unit_code, RegistryEntry.batch_number, RegistryEntry.name)
    unit = request.args.get("unit") or None
    progress = request.args.get("progress") or None
    if unit:
        query = query.where(EvaluationTask.unit_code == unit)
    if progress in rules.PROGRESS_STATES:
        query = query.where(EvaluationTask.state.in_(sorted(rules.states_in(progress))))
    page = db.paginate(query, per_page=PAGE_SIZE, error_out=False)
    batch = db.session.scalar(select(Batch).order_by(Batch.number.desc()))
    args = {k: v for k, v in {"unit": unit, "progress": progress}.items() if v}
    return render_template("ministry/evaluation_overview.html", counts=sorted(counts.items()),
                           units=units, page=page, Progress=Progress, args=args, batch=batch,
                           campaign=evaluations.current_campaign(), unit=unit,
                           progress=progress)


@routes.post("/evaluations/open")
def evaluation_open():
    """Open the evaluation with the latest batch: a task for every demonstration."""
    batch = db.session.scalar(select(Batch).order_by(Batch.number.desc()))
    if batch is None:
        flash(_("Create the selection batch first."), "error")
        return redirect(url_for("ministry.evaluations_overview"))
    evaluations.open_campaign(actor=current_user, batch=batch)
    db.session.commit()
    flash(_("The evaluation is open: every demonstration has its task."), "success")
    return redirect(url_for("ministry.evaluations_overview"))


@routes.get("/evaluations/<int:task_id>")
def evaluation(task_id: int):
    return render_template("ministry/evaluation_detail.html", task=_task(task_id), rules=rules,
                           conclusions=Conclusion)


@routes.post("/evaluations/<int:task_id>/conclude")
def evaluation_conclude(task_id: int):
    task = _task(task_id)
    try:
        evaluations.conclude(actor=current_user, task=task,
                             conclusion=request.form.get("conclusion", ""),
                             reason=request.form.get("reason"))
    except DomainError as error:
        db.session.rollback()
        return render_template("ministry/evaluation_detail.html", task=_task(task_id),
                               rules=rules, conclusions=Conclusion, error=error.message), 422
    db.session.commit()
    flash(_("The conclusion has been recorded."), "success")
    return redirect(url_for("ministry.evaluation", task_id=task.id))


@routes.get("/evaluations/<int:task_id>/files/<int:file_id>")
def evaluation_file(task_id: int, file_id: int):
    return storage.send(task_file(_task(task_id), file_id))


@routes.get("/evaluations/<int:task_id>/pdf")
def evaluation_pdf(task_id: int):
    from smplatform.documents.evaluation import pdf_response
    return pdf_response(_task(task_id))


@routes.route("/registry/import", methods=["GET", "POST"])
def registry_import():
    """Upload the registry of batches 1–4 (CSV or XLSX): every row checked, all or nothing."""
    if not permissions.can_import_registry(current_user):
        abort(403)
    report = error = None
    if request.method == "POST":
        upload = request.files.get("file")
        content = upload.read(MAX_IMPORT_BYTES + 1) if upload and upload.filename else b""
        try:
            if not content:
                raise DomainError(_("Choose a CSV or XLSX file."))
            if len(content) > MAX_IMPORT_BYTES:
                raise DomainError(_("The file is larger than 10 MB."))
            report = registry.import_file(actor=current_user, content=content,
                                          filename=upload.filename)
        except DomainError as failure:
            error = failure.message
        if report is not None and report.ok:
            db.session.commit()
        else:
            db.session.rollback()
    total = db.session.scalar(select(db.func.count(RegistryEntry.id)))
    status = 422 if error or (report is not None and not report.ok) else 200
    return render_template("ministry/evaluation_import.html", report=report, error=error,
                           total=total), status
