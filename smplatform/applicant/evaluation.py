"""The demonstration's evaluation filing: list, form with autosave, submit, attachments, PDF."""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from smplatform import clock, permissions
from smplatform.extensions import db
from smplatform.models import EvaluationAttachment, EvaluationTask
from smplatform.rules import evaluation as rules
from smplatform.services import DomainError, evaluations, storage
from smplatform.services.evaluations import ConflictError, FieldErrors
from smplatform.web import Routes, allow, load, page, perform

routes = Routes()


def _task(task_id: int) -> EvaluationTask:
    return load(EvaluationTask, task_id, permissions.can_file_evaluation)


def form_context(task: EvaluationTask, values: dict | None = None, problems=None,
                 conflict: ConflictError | None = None) -> dict:
    category = task.entry.category
    return {
        "task": task, "values": values if values is not None else dict(task.data or {}),
        "problems": problems or {}, "conflict": conflict, "rules": rules,
        "indicators": rules.indicators_for(category), "years": rules.INDICATOR_YEARS,
        "narratives": rules.NARRATIVES,
        "missing": rules.missing_fields(task.data or {}, category),
        "editable": permissions.can_act_on_evaluation(current_user, task, "save")
        and clock.now() <= task.campaign.deadline,
    }


def _refused_context(task: EvaluationTask, error: DomainError) -> dict:
    """The form again after a refused save: both sides of a conflict, the values typed with
    what needs correcting, or the reason."""
    if isinstance(error, ConflictError):
        return form_context(task, values=error.mine, conflict=error)
    if isinstance(error, FieldErrors):
        return form_context(task, values=error.values, problems=error.problems) | {
            "error": error.message}
    return form_context(task) | {"error": error.message}


def _form_page(context: dict, status: int = 200):
    return page("applicant/evaluation_form.html", status=status, **context)


def _refused_form(task: EvaluationTask):
    def failed(error: DomainError):
        return _form_page(_refused_context(task, error),
                          status=409 if isinstance(error, ConflictError) else 422)
    return failed


def _save(task: EvaluationTask):
    return evaluations.save_filing(actor=current_user, task=task, raw=request.form,
                                   version=request.form.get("version", -1, type=int))


def _form_url(task: EvaluationTask) -> str:
    return url_for("applicant.evaluation", task_id=task.id)


@routes.get("/evaluations")
def evaluations_list():
    allow(permissions.is_applicant)
    tasks = evaluations.tasks_for_organisation(current_user.organisation_id)
    return page("applicant/evaluation_list.html", tasks=tasks,
                reminders=evaluations.open_reminders(current_user.organisation_id))


@routes.get("/evaluations/<int:task_id>")
def evaluation(task_id: int):
    return _form_page(form_context(_task(task_id)))


@routes.post("/evaluations/<int:task_id>/save")
def evaluation_save(task_id: int):
    task = _task(task_id)
    return perform(lambda: _save(task), done=_("Saved."), then=_form_url(task),
                   failed=_refused_form(task))


@routes.post("/evaluations/<int:task_id>/autosave")
def evaluation_autosave(task_id: int):
    """htmx autosave: answers the status partial (and the new version, out of band)."""
    task = _task(task_id)

    def status(context: dict):
        return page("applicant/_evaluation_status.html", **context)
    return perform(lambda: _save(task),
                   then=lambda _result: status(form_context(task) | {"saved": True}),
                   failed=lambda error: status(_refused_context(task, error)))


@routes.post("/evaluations/<int:task_id>/submit")
def evaluation_submit(task_id: int):
    """Save what the form holds, then submit (exactly once, before the deadline). The save
    is committed first: it stands even when the submission is refused."""
    task = _task(task_id)

    def submit(_saved=None):
        return perform(lambda: evaluations.submit_filing(actor=current_user, task=task),
                       done=_("Your evaluation filing has been submitted to the provincial "
                              "department."),
                       then=_form_url(task),
                       failed=lambda error: _form_page(form_context(task) | {
                           "error": error.message}, status=422))
    if "version" not in request.form:
        return submit()
    return perform(lambda: _save(task), then=submit, failed=_refused_form(task))


@routes.post("/evaluations/<int:task_id>/attachments")
def evaluation_attach(task_id: int):
    task = _task(task_id)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(_("Choose a file to upload."), "error")
        return redirect(_form_url(task))
    return perform(lambda: evaluations.add_attachment(actor=current_user, task=task,
                                                      stream=upload.stream,
                                                      filename=upload.filename),
                   done=_("The attachment has been uploaded."),
                   then=_form_url(task) + "#attachments")


def _attachment(task: EvaluationTask, attachment_id: int) -> EvaluationAttachment:
    attachment = db.session.get(EvaluationAttachment, attachment_id)
    if attachment is None or attachment.task_id != task.id:
        abort(404)
    return attachment


@routes.post("/evaluations/<int:task_id>/attachments/<int:attachment_id>/delete")
def evaluation_detach(task_id: int, attachment_id: int):
    task = _task(task_id)
    attachment = _attachment(task, attachment_id)
    return perform(lambda: evaluations.remove_attachment(actor=current_user, task=task,
                                                         attachment=attachment),
                   done=_("The attachment has been removed."),
                   then=_form_url(task) + "#attachments")


@routes.get("/evaluations/<int:task_id>/attachments/<int:attachment_id>")
def evaluation_attachment(task_id: int, attachment_id: int):
    task = _task(task_id)
    return storage.send(_attachment(task, attachment_id).file)


@routes.get("/evaluations/<int:task_id>/pdf")
def evaluation_pdf(task_id: int):
    from smplatform.documents.evaluation import pdf_response
    return pdf_response(_task(task_id))


@routes.app_template_global
def evaluation_reminders() -> list:
    """The signed-in applicant's open evaluation reminders (for the dashboard panel)."""
    if not permissions.is_applicant(current_user):
        return []
    return evaluations.open_reminders(current_user.organisation_id)
