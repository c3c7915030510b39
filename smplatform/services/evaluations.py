"""Evaluation of batches 1–4: campaigns, tasks, filing (save with version check, submit
exactly once), attachments, and the province's and ministry's actions."""
from __future__ import annotations

from collections import Counter

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from smplatform import clock
from smplatform.enums import Role
from smplatform.extensions import db
from smplatform.models import (
    Batch,
    EvaluationAttachment,
    EvaluationCampaign,
    EvaluationEvent,
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
from smplatform.services import DomainError, storage
from smplatform.services.audit import record, register_labels

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


# ---------------------------------------------------------------- history


def _event(task: EvaluationTask, action: str, actor: User | None, from_state: str,
           comment: str | None = None, detail: dict | None = None) -> None:
    db.session.add(EvaluationEvent(task=task, at=clock.now(), actor_id=actor.id if actor else None,
                                   action=action, from_state=from_state, to_state=task.state,
                                   comment=comment))
    record(f"evaluation.{action}", actor=actor, obj=task, unit_code=task.unit_code,
           detail={"from": from_state, "to": task.state, **(detail or {})})


def _require(task: EvaluationTask, action: str, role: Role) -> rules.Transition:
    transition = rules.find(task.state, action)
    if transition is None or role not in transition.roles:
        raise DomainError(_("This step is not possible now: the filing is \"%(state)s\".",
                            state=task.state_enum.label), code="bad_transition")
    return transition


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
    _require(task, "save", Role.APPLICANT)
    _before_deadline(task)
    values, problems = rules.clean(raw, task.entry.category)
    if problems:
        raise FieldErrors(problems, values)
    from_state = task.state
    transition = rules.find(task.state, "save")
    now = clock.now()
    result = db.session.execute(
        update(EvaluationTask)
        .where(EvaluationTask.id == task.id, EvaluationTask.version == version,
               EvaluationTask.state == from_state)
        .values(data=values, version=EvaluationTask.version + 1,
                state=str(transition.next_state), updated_at=now, updated_by_id=actor.id)
        .execution_options(synchronize_session=False))
    db.session.refresh(task)
    if result.rowcount != 1:
        raise ConflictError(task, values)
    if from_state == TaskState.NOT_STARTED:
        _event(task, "save", actor, from_state)
    return task


def submit_filing(*, actor: User, task: EvaluationTask) -> EvaluationTask:
    """Submit a complete filing before the deadline, exactly once.

    A conditional UPDATE (state still draft/returned) makes a double submission count once;
    the second gets a DomainError. Side effects: state → submitted, submitted_at;
    EvaluationEvent; audit `evaluation.submit`.
    """
    _require(task, "submit", Role.APPLICANT)
    _before_deadline(task)
    missing = rules.missing_fields(task.data or {}, task.entry.category)
    if missing:
        raise DomainError(_("The filing is not complete: %(n)d fields are still empty.",
                            n=len(missing)), code="incomplete")
    from_state = task.state
    now = clock.now()
    result = db.session.execute(
        update(EvaluationTask)
        .where(EvaluationTask.id == task.id,
               EvaluationTask.state.in_([str(s) for s in rules.states_allowing("submit")]))
        .values(state=str(TaskState.SUBMITTED), submitted_at=now, updated_at=now,
                updated_by_id=actor.id)
        .execution_options(synchronize_session=False))
    db.session.refresh(task)
    if result.rowcount != 1:
        raise DomainError(_("This filing has already been submitted."), code="already")
    _event(task, "submit", actor, from_state)
    return task


def add_attachment(*, actor: User, task: EvaluationTask, stream, filename: str
                   ) -> EvaluationAttachment:
    """Attach a document to a filing that can still be edited.

    Side effects: stores the file (storage.save); inserts EvaluationAttachment; audit
    `evaluation.attach`.
    """
    _require(task, "save", Role.APPLICANT)
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
    _require(task, "save", Role.APPLICANT)
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
    transition = _require(task, action, role)
    from_state = task.state
    # Conditional update: two officers acting at once cannot both move the task.
    result = db.session.execute(
        update(EvaluationTask).where(EvaluationTask.id == task.id,
                                     EvaluationTask.state == from_state)
        .values(state=str(transition.next_state), updated_at=clock.now())
        .execution_options(synchronize_session=False))
    db.session.refresh(task)
    if result.rowcount != 1:
        raise DomainError(_("Someone else has acted on this filing meanwhile. Reload the page."),
                          code="race")
    _event(task, action, actor, from_state, comment, detail)


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
    _require(task, "mark_status_changed", Role.PROVINCE)
    if stream is None or not filename:
        raise DomainError(_("Upload the local department's written explanation."),
                          field="explanation")
    stored = storage.save(stream, filename, allowed=storage.SCAN_KINDS, uploaded_by=actor)
    db.session.flush()
    _move(actor, task, "mark_status_changed", Role.PROVINCE, _comment(comment, False),
          {"business_status": str(business), "file": stored.original_name})
    task.business_status = str(business)
    task.explanation_file_id = stored.id


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


# The audit log names each step's entry `evaluation.<action>`.
register_labels({f"evaluation.{a.value}": _l("Evaluation filing: %(step)s", step=a.label)
                 for a in rules.TaskAction})
