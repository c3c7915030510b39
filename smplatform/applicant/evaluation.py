"""The demonstration's evaluation filing: list, form with autosave, submit, attachments, PDF."""
from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from smplatform import clock, permissions
from smplatform.extensions import db
from smplatform.models import EvaluationAttachment, EvaluationTask
from smplatform.rules import evaluation as rules
from smplatform.services import DomainError, evaluations, storage
from smplatform.services.evaluations import ConflictError, FieldErrors
from smplatform.web import Routes

routes = Routes()


def _task(task_id: int) -> EvaluationTask:
    return permissions.get_or_404(EvaluationTask, task_id, permissions.can_file_evaluation)


def _version() -> int:
    try:
        return int(request.form.get("version", ""))
    except ValueError:
        return -1


def form_context(task: EvaluationTask, values: dict | None = None, problems=None,
                 conflict: ConflictError | None = None) -> dict:
    category = task.entry.category
    return {
        "task": task, "values": values if values is not None else dict(task.data or {}),
        "problems": problems or {}, "conflict": conflict, "rules": rules,
        "indicators": rules.indicators_for(category), "years": rules.INDICATOR_YEARS,
        "narratives": rules.NARRATIVES,
        "missing": rules.missing_fields(task.data or {}, category),
        "editable": rules.WORKFLOW.can(task.state, "save", "applicant")
        and clock.now() <= task.campaign.deadline,
    }


@routes.get("/evaluations")
def evaluations_list():
    tasks = evaluations.tasks_for_organisation(current_user.organisation_id)
    return render_template("applicant/evaluation_list.html", tasks=tasks,
                           reminders=evaluations.open_reminders(current_user.organisation_id))


@routes.get("/evaluations/<int:task_id>")
def evaluation(task_id: int):
    task = _task(task_id)
    return render_template("applicant/evaluation_form.html", **form_context(task))


def _save(task: EvaluationTask):
    """Save the posted form; on refusal roll back and return the context to re-render."""
    try:
        evaluations.save_filing(actor=current_user, task=task, raw=request.form,
                                version=_version())
    except ConflictError as error:
        db.session.rollback()
        return form_context(task, values=error.mine, conflict=error)
    except FieldErrors as error:
        db.session.rollback()
        return form_context(task, values=error.values, problems=error.problems) | {
            "error": error.message}
    except DomainError as error:
        db.session.rollback()
        return form_context(task) | {"error": error.message}
    return None


@routes.post("/evaluations/<int:task_id>/save")
def evaluation_save(task_id: int):
    task = _task(task_id)
    refused = _save(task)
    if refused is not None:
        return render_template("applicant/evaluation_form.html", **refused), 409 if refused.get(
            "conflict") else 422
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(url_for("applicant.evaluation", task_id=task.id))


@routes.post("/evaluations/<int:task_id>/autosave")
def evaluation_autosave(task_id: int):
    """htmx autosave: answers the status partial (and the new version, out of band)."""
    task = _task(task_id)
    refused = _save(task)
    if refused is None:
        db.session.commit()
        context = form_context(task) | {"saved": True}
    else:
        context = refused
    response = make_response(render_template("applicant/_evaluation_status.html", **context))
    response.headers["Vary"] = "HX-Request"
    return response


@routes.post("/evaluations/<int:task_id>/submit")
def evaluation_submit(task_id: int):
    """Save what the form holds, then submit (exactly once, before the deadline)."""
    task = _task(task_id)
    if "version" in request.form:
        refused = _save(task)
        if refused is not None:
            return render_template("applicant/evaluation_form.html", **refused), 409 if \
                refused.get("conflict") else 422
    try:
        evaluations.submit_filing(actor=current_user, task=task)
    except DomainError as error:
        if "version" in request.form:
            db.session.commit()  # the save stands even when the submission is refused
        else:
            db.session.rollback()
        db.session.refresh(task)
        return render_template("applicant/evaluation_form.html",
                               **form_context(task) | {"error": error.message}), 422
    db.session.commit()
    flash(_("Your evaluation filing has been submitted to the provincial department."),
          "success")
    return redirect(url_for("applicant.evaluation", task_id=task.id))


@routes.post("/evaluations/<int:task_id>/attachments")
def evaluation_attach(task_id: int):
    task = _task(task_id)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(_("Choose a file to upload."), "error")
        return redirect(url_for("applicant.evaluation", task_id=task.id))
    try:
        evaluations.add_attachment(actor=current_user, task=task, stream=upload.stream,
                                   filename=upload.filename)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("The attachment has been uploaded."), "success")
    return redirect(url_for("applicant.evaluation", task_id=task.id) + "#attachments")


def _attachment(task: EvaluationTask, attachment_id: int) -> EvaluationAttachment:
    attachment = db.session.get(EvaluationAttachment, attachment_id)
    if attachment is None or attachment.task_id != task.id:
        abort(404)
    return attachment


@routes.post("/evaluations/<int:task_id>/attachments/<int:attachment_id>/delete")
def evaluation_detach(task_id: int, attachment_id: int):
    task = _task(task_id)
    try:
        evaluations.remove_attachment(actor=current_user, task=task,
                                      attachment=_attachment(task, attachment_id))
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("The attachment has been removed."), "success")
    return redirect(url_for("applicant.evaluation", task_id=task.id) + "#attachments")


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
