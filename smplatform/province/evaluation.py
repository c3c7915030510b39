"""The province's side of the evaluation: its unit's tasks and progress, reminders,
confirmation or return, business-status changes, and registry links."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from smplatform import permissions
from smplatform.extensions import db
from smplatform.models import EvaluationTask, RegistryEntry
from smplatform.rules import evaluation as rules
from smplatform.rules.evaluation import BusinessStatus, Progress
from smplatform.services import DomainError, evaluations, registry, storage
from smplatform.web import Routes

routes = Routes()

PAGE_SIZE = 50


def _task(task_id: int) -> EvaluationTask:
    return permissions.get_or_404(EvaluationTask, task_id, permissions.can_review_evaluation)


@routes.get("/evaluations")
def evaluations_list():
    """The unit's tasks with progress counts, filterable by progress."""
    unit = current_user.unit_code
    counts = evaluations.progress_counts(EvaluationTask.unit_code == unit)
    totals = {p: sum(c[p] for c in counts.values()) for p in Progress}
    query = select(EvaluationTask).join(RegistryEntry).where(
        EvaluationTask.unit_code == unit).order_by(RegistryEntry.batch_number,
                                                   RegistryEntry.category, RegistryEntry.name)
    progress = request.args.get("progress")
    if progress in rules.PROGRESS_STATES:
        query = query.where(EvaluationTask.state.in_(sorted(rules.states_in(progress))))
    page = db.paginate(query, per_page=PAGE_SIZE, error_out=False)
    return render_template("province/evaluation_list.html", page=page, totals=totals,
                           progress=progress, Progress=Progress,
                           campaign=evaluations.current_campaign())


@routes.post("/evaluations/remind")
def evaluation_remind():
    count = evaluations.remind_not_started(actor=current_user, unit_code=current_user.unit_code)
    db.session.commit()
    flash(_("A reminder was recorded for %(n)d demonstrations that have not started.", n=count),
          "success")
    return redirect(url_for("province.evaluations_list"))


@routes.get("/evaluations/<int:task_id>")
def evaluation(task_id: int):
    task = _task(task_id)
    return render_template("province/evaluation_detail.html", task=task, rules=rules,
                           statuses=BusinessStatus)


def _act(task_id: int, do, done: str):
    task = _task(task_id)
    try:
        do(task)
    except DomainError as error:
        db.session.rollback()
        return render_template("province/evaluation_detail.html", task=_task(task_id),
                               rules=rules, statuses=BusinessStatus, error=error.message), 422
    db.session.commit()
    flash(done, "success")
    return redirect(url_for("province.evaluation", task_id=task.id))


@routes.post("/evaluations/<int:task_id>/confirm")
def evaluation_confirm(task_id: int):
    return _act(task_id, lambda t: evaluations.confirm_filing(
        actor=current_user, task=t, comment=request.form.get("comment")),
        _("The filing has been confirmed."))


@routes.post("/evaluations/<int:task_id>/return")
def evaluation_return(task_id: int):
    return _act(task_id, lambda t: evaluations.return_filing(
        actor=current_user, task=t, comment=request.form.get("comment", "")),
        _("The filing has been returned for revision."))


@routes.post("/evaluations/<int:task_id>/status")
def evaluation_status(task_id: int):
    upload = request.files.get("explanation")
    return _act(task_id, lambda t: evaluations.mark_status_changed(
        actor=current_user, task=t, status=request.form.get("status", ""),
        stream=upload.stream if upload and upload.filename else None,
        filename=upload.filename if upload else "", comment=request.form.get("comment")),
        _("The changed business status and the explanation have been recorded."))


@routes.post("/registry/<int:entry_id>/link")
def registry_link(entry_id: int):
    entry = permissions.get_or_404(RegistryEntry, entry_id, permissions.can_link_registry_entry)
    try:
        org = registry.set_link(actor=current_user, entry=entry,
                                credit_code=request.form.get("credit_code", ""))
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Linked to %(name)s.", name=org.name) if org else _("The link was removed."),
              "success")
    task = db.session.scalar(select(EvaluationTask).where(EvaluationTask.entry_id == entry_id)
                             .order_by(EvaluationTask.id.desc()))
    if task is not None:
        return redirect(url_for("province.evaluation", task_id=task.id))
    return redirect(url_for("province.evaluations_list"))


@routes.get("/evaluations/<int:task_id>/files/<int:file_id>")
def evaluation_file(task_id: int, file_id: int):
    """An attachment or the status explanation of a task of the unit."""
    task = _task(task_id)
    return storage.send(task_file(task, file_id))


@routes.get("/evaluations/<int:task_id>/pdf")
def evaluation_pdf(task_id: int):
    from smplatform.documents.evaluation import pdf_response
    return pdf_response(_task(task_id))


def task_file(task: EvaluationTask, file_id: int):
    """A stored file that belongs to the task (attachment or explanation), else 404."""
    if task.explanation_file_id == file_id:
        return task.explanation_file
    for attachment in task.attachments:
        if attachment.file_id == file_id:
            return attachment.file
    abort(404)
