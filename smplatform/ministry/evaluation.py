"""The ministry's side of the evaluation: registry import (page and CLI), opening the campaign,
national progress by unit and batch, conclusions."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from smplatform import permissions
from smplatform.extensions import db
from smplatform.models import Batch, EvaluationTask, RegistryEntry, Unit
from smplatform.rules import evaluation as rules
from smplatform.rules.evaluation import Conclusion, Progress
from smplatform.services import evaluations, registry, storage
from smplatform.web import PAGE_SIZE, Routes, allow, found, load, page, perform

routes = Routes()

MAX_IMPORT_BYTES = 10 * 1024 * 1024


def _task(task_id: int, check=permissions.can_view_evaluation) -> EvaluationTask:
    return load(EvaluationTask, task_id, check)


@routes.get("/evaluations")
def evaluations_overview():
    """National progress by unit and batch, and the task list with filters."""
    allow(permissions.is_ministry)
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
    tasks = db.paginate(query, per_page=PAGE_SIZE, error_out=False)
    batch = db.session.scalar(select(Batch).order_by(Batch.number.desc()))
    args = {k: v for k, v in {"unit": unit, "progress": progress}.items() if v}
    return page("ministry/evaluation_overview.html", counts=sorted(counts.items()),
                units=units, page=tasks, Progress=Progress, args=args, batch=batch,
                campaign=evaluations.current_campaign(), unit=unit, progress=progress)


@routes.post("/evaluations/open")
def evaluation_open():
    """Open the evaluation with the latest batch: a task for every demonstration."""
    allow(permissions.is_ministry)
    batch = db.session.scalar(select(Batch).order_by(Batch.number.desc()))
    if batch is None:
        flash(_("Create the selection batch first."), "error")
        return redirect(url_for("ministry.evaluations_overview"))
    return perform(lambda: evaluations.open_campaign(actor=current_user, batch=batch),
                   done=_("The evaluation is open: every demonstration has its task."),
                   then=url_for("ministry.evaluations_overview"))


def _detail_page(task: EvaluationTask, error: str | None = None, status: int = 200):
    return page("ministry/evaluation_detail.html", status=status, task=task, rules=rules,
                conclusions=Conclusion, error=error)


@routes.get("/evaluations/<int:task_id>")
def evaluation(task_id: int):
    return _detail_page(_task(task_id))


@routes.post("/evaluations/<int:task_id>/conclude")
def evaluation_conclude(task_id: int):
    """Record the conclusion; whether the filing's state allows it now is the service's
    answer (a refusal shows the page again with the reason, 422)."""
    task = _task(task_id, permissions.can_conclude_evaluation)
    return perform(lambda: evaluations.conclude(actor=current_user, task=task,
                                                conclusion=request.form.get("conclusion", ""),
                                                reason=request.form.get("reason")),
                   done=_("The conclusion has been recorded."),
                   then=url_for("ministry.evaluation", task_id=task.id),
                   failed=lambda error: _detail_page(task, error.message, status=422))


@routes.get("/evaluations/<int:task_id>/files/<int:file_id>")
def evaluation_file(task_id: int, file_id: int):
    return storage.send(found(evaluations.task_file(_task(task_id), file_id)))


@routes.get("/evaluations/<int:task_id>/pdf")
def evaluation_pdf(task_id: int):
    from smplatform.documents.evaluation import pdf_response
    return pdf_response(_task(task_id))


def _import_page(report=None, error: str | None = None):
    total = db.session.scalar(select(db.func.count(RegistryEntry.id)))
    status = 422 if error or (report is not None and not report.ok) else 200
    return page("ministry/evaluation_import.html", status=status, report=report, error=error,
                total=total)


@routes.route("/registry/import", methods=["GET", "POST"])
def registry_import():
    """Upload the registry of batches 1–4 (CSV or XLSX): every row checked, all or nothing
    (a file with problems changes nothing; its report lists them)."""
    allow(permissions.can_import_registry)
    if request.method == "GET":
        return _import_page()
    upload = request.files.get("file")
    content = upload.read(MAX_IMPORT_BYTES + 1) if upload and upload.filename else b""
    if not content:
        return _import_page(error=_("Choose a CSV or XLSX file."))
    if len(content) > MAX_IMPORT_BYTES:
        return _import_page(error=_("The file is larger than 10 MB."))
    return perform(lambda: registry.import_file(actor=current_user, content=content,
                                                filename=upload.filename),
                   then=lambda report: _import_page(report=report),
                   failed=lambda error: _import_page(error=error.message))
