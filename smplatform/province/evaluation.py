"""The province's side of the evaluation: its unit's tasks and progress, reminders,
confirmation or return, business-status changes, and registry links."""
from __future__ import annotations

from flask import request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from smplatform import permissions
from smplatform.extensions import db
from smplatform.models import EvaluationTask, RegistryEntry
from smplatform.rules import evaluation as rules
from smplatform.rules.evaluation import BusinessStatus, Progress
from smplatform.services import evaluations, registry, storage
from smplatform.web import PAGE_SIZE, Routes, allow, found, load, page, perform

routes = Routes()


def _task(task_id: int) -> EvaluationTask:
    return load(EvaluationTask, task_id, permissions.can_review_evaluation)


@routes.get("/evaluations")
def evaluations_list():
    """The unit's tasks with progress counts, filterable by progress."""
    allow(permissions.is_province)
    unit = current_user.unit_code
    counts = evaluations.progress_counts(EvaluationTask.unit_code == unit)
    totals = {p: sum(c[p] for c in counts.values()) for p in Progress}
    query = select(EvaluationTask).join(RegistryEntry).where(
        EvaluationTask.unit_code == unit).order_by(RegistryEntry.batch_number,
                                                   RegistryEntry.category, RegistryEntry.name)
    progress = request.args.get("progress")
    if progress in rules.PROGRESS_STATES:
        query = query.where(EvaluationTask.state.in_(sorted(rules.states_in(progress))))
    tasks = db.paginate(query, per_page=PAGE_SIZE, error_out=False)
    return page("province/evaluation_list.html", page=tasks, totals=totals,
                progress=progress, Progress=Progress, campaign=evaluations.current_campaign())


@routes.post("/evaluations/remind")
def evaluation_remind():
    allow(permissions.is_province)
    return perform(lambda: evaluations.remind_not_started(actor=current_user,
                                                          unit_code=current_user.unit_code),
                   done=lambda count: _("A reminder was recorded for %(n)d demonstrations "
                                        "that have not started.", n=count),
                   then=url_for("province.evaluations_list"))


def _detail_page(task: EvaluationTask, error: str | None = None, status: int = 200):
    return page("province/evaluation_detail.html", status=status, task=task, rules=rules,
                statuses=BusinessStatus, error=error)


@routes.get("/evaluations/<int:task_id>")
def evaluation(task_id: int):
    return _detail_page(_task(task_id))


# A step on a filing of the officer's unit; whether the state table allows it now is the
# service's answer: a refusal shows the page again with the reason (422).


def _refused_on_page(task: EvaluationTask):
    return lambda error: _detail_page(task, error.message, status=422)


def _task_url(task: EvaluationTask) -> str:
    return url_for("province.evaluation", task_id=task.id)


@routes.post("/evaluations/<int:task_id>/confirm")
def evaluation_confirm(task_id: int):
    task = _task(task_id)
    return perform(lambda: evaluations.confirm_filing(actor=current_user, task=task,
                                                      comment=request.form.get("comment")),
                   done=_("The filing has been confirmed."), then=_task_url(task),
                   failed=_refused_on_page(task))


@routes.post("/evaluations/<int:task_id>/return")
def evaluation_return(task_id: int):
    task = _task(task_id)
    return perform(lambda: evaluations.return_filing(actor=current_user, task=task,
                                                     comment=request.form.get("comment", "")),
                   done=_("The filing has been returned for revision."), then=_task_url(task),
                   failed=_refused_on_page(task))


@routes.post("/evaluations/<int:task_id>/status")
def evaluation_status(task_id: int):
    task = _task(task_id)
    upload = request.files.get("explanation")
    return perform(lambda: evaluations.mark_status_changed(
        actor=current_user, task=task, status=request.form.get("status", ""),
        stream=upload.stream if upload and upload.filename else None,
        filename=upload.filename if upload else "", comment=request.form.get("comment")),
        done=_("The changed business status and the explanation have been recorded."),
        then=_task_url(task), failed=_refused_on_page(task))


@routes.post("/registry/<int:entry_id>/link")
def registry_link(entry_id: int):
    """Link a registry entry to a registered organisation (or remove the link); back to the
    entry's latest task, else the list."""
    entry = load(RegistryEntry, entry_id, permissions.can_link_registry_entry)
    task = db.session.scalar(select(EvaluationTask).where(EvaluationTask.entry_id == entry_id)
                             .order_by(EvaluationTask.id.desc()))
    back = (url_for("province.evaluation", task_id=task.id) if task is not None
            else url_for("province.evaluations_list"))
    return perform(lambda: registry.set_link(actor=current_user, entry=entry,
                                             credit_code=request.form.get("credit_code", "")),
                   done=lambda org: _("Linked to %(name)s.", name=org.name) if org
                   else _("The link was removed."),
                   then=back)


@routes.get("/evaluations/<int:task_id>/files/<int:file_id>")
def evaluation_file(task_id: int, file_id: int):
    """An attachment or the status explanation of a task of the unit."""
    return storage.send(found(evaluations.task_file(_task(task_id), file_id)))


@routes.get("/evaluations/<int:task_id>/pdf")
def evaluation_pdf(task_id: int):
    from smplatform.documents.evaluation import pdf_response
    return pdf_response(_task(task_id))
