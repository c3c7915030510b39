"""Evaluation of batches 1–4: campaigns, tasks, filing (save with version check, submit
exactly once), attachments, and the province's and ministry's actions."""
from __future__ import annotations

from collections import Counter

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from smplatform import clock
from smplatform.observability import AUTOSAVE_CONFLICTS
from smplatform.enums import Role
from smplatform.extensions import db
from smplatform.models import (
    Batch,
    EvaluationAttachment,
    EvaluationCampaign,
    EvaluationReminder,
    EvaluationTask,
    RegistryEntry,
    User,
)
from smplatform.rules import evaluation as rules
from smplatform.rules.evaluation import (
    BusinessStatus,
    Conclusion,
    EntryStatus,
    TaskState,
    progress_of,
)
from smplatform.services import DomainError, storage, workflow
from smplatform.services.audit import record

MAX_ATTACHMENTS = 10
MAX_COMMENT = 2000


class ConflictError(DomainError):
    """A save started from an older version: carries the stored values to show both sides."""

    def __init__(self, task: EvaluationTask, mine: dict):
        super().__init__(_("Someone else saved this filing since you opened it. Your changes "
                           "were NOT saved. Compare both versions below."), code="conflict")
        self.theirs = dict(task.data or {})
        self.mine = mine
        self.version = task.version
        self.updated_at = task.updated_at


class FieldErrors(DomainError):
    def __init__(self, problems: dict, values: dict):
        super().__init__(_("Some values need correcting. Nothing was saved."), code="fields")
        self.problems = problems
        self.values = values


# ---------------------------------------------------------------- campaigns and tasks


def current_campaign() -> EvaluationCampaign | None:
    return db.session.scalar(select(EvaluationCampaign).join(Batch)
                             .order_by(Batch.number.desc()))


def open_campaign(*, actor: User, batch: Batch) -> EvaluationCampaign:
    """Open the evaluation with the selection batch and create a task for every demonstration.

    Side effects: inserts EvaluationCampaign (once per batch) and the missing EvaluationTasks;
    audit entry `evaluation.open_campaign`. Safe to repeat: creates only what is missing.
    """
    campaign = db.session.scalar(select(EvaluationCampaign).where(
        EvaluationCampaign.batch_id == batch.id))
    if campaign is None:
        campaign = EvaluationCampaign(batch=batch, opened_at=clock.now(), opened_by_id=actor.id)
        db.session.add(campaign)
        db.session.flush()
    created = create_missing_tasks(campaign)
    record("evaluation.open_campaign", actor=actor, obj=campaign,
           detail={"batch": batch.number, "tasks_created": created})
    return campaign


def create_missing_tasks(campaign: EvaluationCampaign | None = None) -> int:
    """A task for every non-revoked registry entry that has none in the campaign.

    Side effects: inserts EvaluationTask rows. Returns how many.
    """
    campaign = campaign or current_campaign()
    if campaign is None:
        return 0
    have = select(EvaluationTask.entry_id).where(EvaluationTask.campaign_id == campaign.id)
    # Demonstrations published by the campaign's own batch (or later) are not evaluated in it.
    entries = db.session.scalars(select(RegistryEntry).where(
        RegistryEntry.status == EntryStatus.ACTIVE, RegistryEntry.id.not_in(have),
        RegistryEntry.batch_number < campaign.batch.number)).all()
    now = clock.now()
    for entry in entries:
        db.session.add(EvaluationTask(campaign_id=campaign.id, entry_id=entry.id,
                                      unit_code=entry.unit_code, state=TaskState.NOT_STARTED,
                                      data={}, version=0, created_at=now))
    db.session.flush()
    return len(entries)


def tasks_for_organisation(organisation_id: int) -> list[EvaluationTask]:
    return list(db.session.scalars(select(EvaluationTask).join(RegistryEntry).where(
        RegistryEntry.organisation_id == organisation_id).order_by(EvaluationTask.id)))


def open_reminders(organisation_id: int) -> list[EvaluationReminder]:
    """Reminders to tasks of this organisation that are still not started."""
    return list(db.session.scalars(
        select(EvaluationReminder).join(EvaluationTask).join(RegistryEntry).where(
            RegistryEntry.organisation_id == organisation_id,
            EvaluationTask.state == TaskState.NOT_STARTED).order_by(EvaluationReminder.id)))


def progress_counts(query_filter=None) -> dict[tuple[str, int], Counter]:
    """Counts of tasks per (unit code, batch number) and progress column."""
    query = select(EvaluationTask.unit_code, RegistryEntry.batch_number, EvaluationTask.state,
                   func.count()).join(RegistryEntry).group_by(
        EvaluationTask.unit_code, RegistryEntry.batch_number, EvaluationTask.state)
    if query_filter is not None:
        query = query.where(query_filter)
    result: dict[tuple[str, int], Counter] = {}
    for unit_code, batch, state, count in db.session.execute(query):
        result.setdefault((unit_code, batch), Counter())[progress_of(state)] += count
    return result


def _before_deadline(task: EvaluationTask) -> None:
    if clock.now() > task.campaign.deadline:
        raise DomainError(_("The evaluation deadline has passed. Filings can no longer be "
                            "changed or submitted."), code="deadline")


# ---------------------------------------------------------------- filing


def save_filing(*, actor: User, task: EvaluationTask, raw: dict, version: int) -> EvaluationTask:
    """Save the filing's values as a draft, if `version` is still the stored one.

    The save is a conditional UPDATE on (id, version): of two concurrent saves from the same
    version exactly one wins; the other gets ConflictError with both sides.
    Side effects: updates data, version (+1), state (not started → draft); EvaluationEvent and
    audit `evaluation.save` on the first save only (autosaves would flood the history).
    Raises FieldErrors for bad values, DomainError after the deadline or in a frozen state.
    """
    transition = workflow.check(task, "save", Role.APPLICANT)
    _before_deadline(task)
    values, problems = rules.clean(raw, task.entry.category)
    if problems:
        raise FieldErrors(problems, values)
    from_state = task.state
    now = clock.now()
    result = db.session.execute(
        update(EvaluationTask)
        .where(EvaluationTask.id == task.id, EvaluationTask.version == version,
               EvaluationTask.state == from_state)
        .values(data=values, version=EvaluationTask.version + 1, updated_at=now,
                updated_by_id=actor.id)
        .execution_options(synchronize_session=False))
    db.session.refresh(task)
    if result.rowcount != 1:
        AUTOSAVE_CONFLICTS.labels("evaluation").inc()
        raise ConflictError(task, values)
    if transition.next_state != from_state:  # the first save: not started → draft
        workflow.apply(task, "save", actor=actor, role=Role.APPLICANT)
        db.session.flush()
    return task


def submit_filing(*, actor: User, task: EvaluationTask) -> EvaluationTask:
    """Submit a complete filing before the deadline, exactly once.

    A conditional UPDATE (state still draft/returned) makes a double submission count once;
    the second gets a DomainError. Side effects: state → submitted, submitted_at;
    EvaluationEvent; audit `evaluation.submit`.
    """
    workflow.check(task, "submit", Role.APPLICANT)
    _before_deadline(task)
    missing = rules.missing_fields(task.data or {}, task.entry.category)
    if missing:
        raise DomainError(_("The filing is not complete: %(n)d fields are still empty.",
                            n=len(missing)), code="incomplete")
    now = clock.now()
    # The claim: only one of two submissions finds the filing still submittable.
    result = db.session.execute(
        update(EvaluationTask)
        .where(EvaluationTask.id == task.id,
               EvaluationTask.state.in_([str(s) for s in
                                         rules.WORKFLOW.states_allowing("submit")]))
        .values(submitted_at=now, updated_at=now, updated_by_id=actor.id)
        .execution_options(synchronize_session=False))
    db.session.refresh(task)
    if result.rowcount != 1:
        raise DomainError(_("This filing has already been submitted."), code="already")
    workflow.apply(task, "submit", actor=actor, role=Role.APPLICANT)
    db.session.flush()
    return task


def add_attachment(*, actor: User, task: EvaluationTask, stream, filename: str
                   ) -> EvaluationAttachment:
    """Attach a document to a filing that can still be edited.

    Side effects: stores the file (storage.save); inserts EvaluationAttachment; audit
    `evaluation.attach`.
    """
    workflow.check(task, "save", Role.APPLICANT)
    _before_deadline(task)
    if len(task.attachments) >= MAX_ATTACHMENTS:
        raise DomainError(_("A filing can have at most %(n)d attachments.", n=MAX_ATTACHMENTS))
    stored = storage.save(stream, filename, allowed=storage.DOCUMENT_KINDS, uploaded_by=actor)
    db.session.flush()
    attachment = EvaluationAttachment(task_id=task.id, file_id=stored.id)
    db.session.add(attachment)
    db.session.flush()
    db.session.refresh(task)
    record("evaluation.attach", actor=actor, obj=task, unit_code=task.unit_code,
           detail={"file": stored.original_name, "sha256": stored.sha256})
    return attachment


def remove_attachment(*, actor: User, task: EvaluationTask,
                      attachment: EvaluationAttachment) -> None:
    """Side effects: deletes the attachment and its stored file; audit `evaluation.detach`."""
    workflow.check(task, "save", Role.APPLICANT)
    _before_deadline(task)
    if attachment.task_id != task.id:
        raise DomainError(_("This attachment belongs to another filing."))
    name = attachment.file.original_name
    stored = attachment.file
    db.session.delete(attachment)
    db.session.flush()
    storage.delete(stored)
    db.session.flush()
    db.session.refresh(task)
    record("evaluation.detach", actor=actor, obj=task, unit_code=task.unit_code,
           detail={"file": name})


def task_file(task: EvaluationTask, file_id: int):
    """The stored file `file_id` when it belongs to the task (an attachment or the status
    explanation), else None."""
    if task.explanation_file_id == file_id:
        return task.explanation_file
    return next((a.file for a in task.attachments if a.file_id == file_id), None)


# ---------------------------------------------------------------- province


def remind_not_started(*, actor: User, unit_code: str) -> int:
    """Record a reminder for every not-started task of the unit (shown on its dashboard).

    Side effects: inserts one EvaluationReminder per task; audit `evaluation.remind` per task.
    Returns how many were reminded.
    """
    tasks = db.session.scalars(select(EvaluationTask).where(
        EvaluationTask.unit_code == unit_code,
        EvaluationTask.state == TaskState.NOT_STARTED)).all()
    now = clock.now()
    for task in tasks:
        db.session.add(EvaluationReminder(task_id=task.id, at=now, sent_by_id=actor.id))
        record("evaluation.remind", actor=actor, obj=task, unit_code=task.unit_code)
    db.session.flush()
    return len(tasks)


def _comment(text: str | None, required: bool) -> str | None:
    text = (text or "").strip()
    if required and not text:
        raise DomainError(_("Give your comments."), field="comment")
    if len(text) > MAX_COMMENT:
        raise DomainError(_("Comments are limited to %(n)d characters.", n=MAX_COMMENT),
                          field="comment")
    return text or None


def confirm_filing(*, actor: User, task: EvaluationTask, comment: str | None = None) -> None:
    """The province confirms a submitted filing. Side effects: state → confirmed,
    confirmed_at; EvaluationEvent; audit `evaluation.confirm`."""
    _move(actor, task, "confirm", Role.PROVINCE, _comment(comment, False))
    task.confirmed_at = clock.now()


def return_filing(*, actor: User, task: EvaluationTask, comment: str) -> None:
    """The province returns a submitted filing for revision with comments (required).
    Side effects: state → returned; EvaluationEvent; audit `evaluation.return`."""
    _move(actor, task, "return", Role.PROVINCE, _comment(comment, True))


def _move(actor: User, task: EvaluationTask, action: str, role: Role, comment: str | None,
          detail: dict | None = None) -> None:
    workflow.check(task, action, role)
    # The claim, a conditional UPDATE: of two officers acting at once, one finds the state
    # changed; the other holds the row until its transaction ends.
    result = db.session.execute(
        update(EvaluationTask).where(EvaluationTask.id == task.id,
                                     EvaluationTask.state == task.state)
        .values(updated_at=clock.now())
        .execution_options(synchronize_session=False))
    db.session.refresh(task)
    if result.rowcount != 1:
        raise DomainError(_("Someone else has acted on this filing meanwhile. Reload the page."),
                          code="race")
    workflow.apply(task, action, actor=actor, role=role, comment=comment, detail=detail)
    db.session.flush()


def mark_status_changed(*, actor: User, task: EvaluationTask, status: str, stream,
                        filename: str, comment: str | None = None) -> None:
    """The province records that the entity's business status changed, with the local
    department's written explanation (a scan) instead of a filing.

    Side effects: stores the scan; business_status, explanation_file; state → status changed;
    EvaluationEvent; audit `evaluation.mark_status_changed`.
    """
    try:
        business = BusinessStatus(status)
    except ValueError:
        raise DomainError(_("Choose the changed business status."), field="status") from None
    workflow.check(task, "mark_status_changed", Role.PROVINCE)
    if stream is None or not filename:
        raise DomainError(_("Upload the local department's written explanation."),
                          field="explanation")
    stored = storage.save(stream, filename, allowed=storage.SCAN_KINDS, uploaded_by=actor)
    db.session.flush()
    _move(actor, task, "mark_status_changed", Role.PROVINCE, _comment(comment, False),
          {"business_status": str(business), "file": stored.original_name})
    task.business_status = str(business)
    task.explanation_file_id = stored.id


def undo_status_change(*, actor: User, task: EvaluationTask, reason: str) -> None:
    """The province undoes a business-status mark its unit made, with a reason, before the
    ministry concludes: the filing is a draft again, with every value the demonstration had
    entered. Nothing is deleted: the explanation scan stays stored and the mark stays in the
    history, named with the file in the audit entry.

    Side effects: state → draft (workflow `undo_status_change`, EvaluationEvent with the
    reason); business_status and explanation_file cleared; audit
    `evaluation.undo_status_change` with what was undone. Raises DomainError without a
    reason, when the task is not marked, or when the mark was not made by this unit.
    """
    if not (reason or "").strip():
        raise DomainError(_("Give the reason for undoing the mark."), field="reason")
    reason = _comment(reason, True)
    workflow.check(task, "undo_status_change", Role.PROVINCE)
    mark = next((e for e in reversed(task.events) if e.action == "mark_status_changed"), None)
    if mark is None or mark.actor is None or mark.actor.unit_code != actor.unit_code:
        raise DomainError(_("Only the unit that marked the business status can undo the mark."),
                          code="not_own_mark")
    undone = {"business_status": task.business_status, "file_id": task.explanation_file_id,
              "marked_from": mark.from_state}
    _move(actor, task, "undo_status_change", Role.PROVINCE, reason, {"undone": undone})
    task.business_status = None
    task.explanation_file_id = None
    db.session.flush()


# ---------------------------------------------------------------- ministry


def conclude(*, actor: User, task: EvaluationTask, conclusion: str, reason: str | None) -> None:
    """The ministry's conclusion: qualified, rectification required, or title revoked (with a
    reason for the last two). A revoked title shows as such in the public registry.

    Side effects: conclusion, reason, concluded_at; state → concluded; the registry entry's
    status → revoked when revoked; EvaluationEvent; audit `evaluation.conclude`.
    """
    try:
        result = Conclusion(conclusion)
    except ValueError:
        raise DomainError(_("Choose a conclusion."), field="conclusion") from None
    reason = _comment(reason, result != Conclusion.QUALIFIED)
    _move(actor, task, "conclude", Role.MINISTRY, reason, {"conclusion": str(result)})
    task.conclusion = str(result)
    task.conclusion_reason = reason
    task.concluded_at = clock.now()
    if result == Conclusion.REVOKED:
        task.entry.status = EntryStatus.REVOKED
        task.entry.updated_at = clock.now()
    db.session.flush()

