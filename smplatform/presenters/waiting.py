"""What waits for the signed-in user, for their dashboard: each item a sentence and the link
where it is done. Counts for the ministry and a provincial officer (a few grouped queries),
the items themselves for an applicant (its own few declarations and filings) and an expert
(its assignments)."""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import case, func, select

from smplatform import clock
from smplatform.enums import (
    Category,
    DeclarationState,
    ReviewState,
    Role,
)
from smplatform.extensions import db
from smplatform.models import (
    Batch,
    Declaration,
    EvaluationTask,
    Inspection,
    Objection,
    PublicNotice,
    RegistryEntry,
    ReviewAssignment,
)
from smplatform.presenters import progress
from smplatform.rules import public_notice as notice_rules
from smplatform.rules.evaluation import EDITABLE_TASK_STATES, TaskState

S = DeclarationState
Item = tuple[str, str]


def for_user(user) -> list[Item]:
    role = Role(user.role)
    if role == Role.APPLICANT:
        return for_applicant(user)
    if role == Role.MINISTRY:
        return for_ministry()
    if role == Role.EXPERT:
        return for_expert(user)
    if role == Role.PROVINCE:
        return for_province(user)
    if role == Role.CITY:
        return for_city(user)
    return []


def for_city(user) -> list[Item]:
    """A city officer: its city's declarations of the open batch awaiting its initial review
    (one query)."""
    from smplatform.services.review import current_batch
    batch = current_batch()
    if batch is None or not user.city_code:
        return []
    n = db.session.scalar(select(func.count()).select_from(Declaration).where(
        Declaration.batch_id == batch.id, Declaration.unit_code == user.unit_code,
        Declaration.city_code == user.city_code, Declaration.state == S.CITY_REVIEW.value))
    if not n:
        return []
    return [(_("%(n)d declaration(s) await your initial review: pass each on to the "
               "provincial department or return it for revision.", n=n),
             url_for("city.dashboard") + "#city-queue")]


def for_province(user) -> list[Item]:
    """The unit's steps in the open batch, most urgent first, and its evaluation filings."""
    from smplatform.models import (
        DeclarationAttachment,
        LiaisonContact,
        Recommendation,
        UnitDeadline,
        UnitSubmission,
    )
    from smplatform.rules import annex1
    from smplatform.services.review import current_batch
    unit, items = user.unit_code, []
    batch = current_batch()
    if batch is not None:
        mine = (Declaration.batch_id == batch.id, Declaration.unit_code == unit)
        states = dict(db.session.execute(
            select(Declaration.state, func.count()).where(*mine)
            .group_by(Declaration.state)).all())
        if db.session.scalar(select(LiaisonContact.id).where(
                LiaisonContact.batch_id == batch.id, LiaisonContact.unit_code == unit)
                .limit(1)) is None:
            late = clock.now() > batch.contact_deadline
            items.append((_("Give the ministry your liaison contacts: overdue since %(at)s, "
                            "and required before you submit your list.",
                            at=clock.china(batch.contact_deadline).strftime("%Y-%m-%d"))
                          if late else
                          _("Give the ministry your liaison contacts by %(at)s (required "
                            "before you submit your list).",
                            at=clock.china(batch.contact_deadline).strftime("%Y-%m-%d")),
                          url_for("province.contacts")))
        if db.session.scalar(select(UnitDeadline.id).where(
                UnitDeadline.batch_id == batch.id, UnitDeadline.unit_code == unit)) is None:
            items.append((_("Set the deadline for your applicants."),
                          url_for("province.contacts") + "#deadline-heading"))
        if states.get(S.SUBMITTED.value):
            items.append((_("%(n)d declarations wait for review to start.",
                            n=states[S.SUBMITTED.value]), url_for("province.queue",
                                                                 state="submitted")))
        if states.get(S.UNDER_REVIEW.value):
            items.append((_("%(n)d declarations are under review.",
                            n=states[S.UNDER_REVIEW.value]), url_for("province.queue",
                                                                    state="under_review")))
        passed = (*mine, Declaration.state == S.PASSED.value)
        scans = select(DeclarationAttachment.declaration_id).where(
            DeclarationAttachment.kind == annex1.STAMPED_SCAN.key)
        to_check = db.session.scalar(select(func.count()).select_from(Declaration).where(
            *passed, Declaration.stamped_confirmed_at.is_(None), Declaration.id.in_(scans)))
        if to_check:
            items.append((_("%(n)d stamped copies wait for your check against their electronic "
                            "numbers.", n=to_check), url_for("province.queue", state="passed")))
        listed = select(Recommendation.declaration_id)
        to_list = db.session.scalar(select(func.count()).select_from(Declaration).where(
            *passed, Declaration.stamped_confirmed_at.is_not(None),
            Declaration.id.not_in(listed)))
        if to_list:
            items.append((_("%(n)d declarations passed, stamped and confirmed: recommend them "
                            "within your quota or leave them off the list.", n=to_list),
                          url_for("province.recommendations")))
        on_list = db.session.scalars(select(Declaration.stamped_confirmed_at).join(
            Recommendation, Recommendation.declaration_id == Declaration.id).where(*mine)).all()
        submission = db.session.scalar(select(UnitSubmission).where(
            UnitSubmission.batch_id == batch.id, UnitSubmission.unit_code == unit))
        if any(at is None for at in on_list):
            items.append((_("Confirm the stamped copies of recommended declarations."),
                          url_for("province.recommendations")))
        if on_list and (submission is None or submission.summary_file_id is None):
            items.append((_("Upload the stamped summary (Annex 2)."),
                          url_for("province.summary")))
        if on_list and (submission is None or submission.state != "submitted"):
            items.append((_("Submit the list to the ministry."), url_for("province.summary")))
    filings = db.session.scalar(select(func.count(EvaluationTask.id)).where(
        EvaluationTask.unit_code == unit, EvaluationTask.state == TaskState.SUBMITTED.value))
    if filings:
        items.append((_("%(n)d evaluation filing(s) wait for your confirmation.", n=filings),
                      url_for("province.evaluations_list", progress="submitted")))
    return items


def for_applicant(user) -> list[Item]:
    """The organisation's declarations and filings whose next step is its own."""
    items: list[Item] = []
    declarations = db.session.scalars(select(Declaration).where(
        Declaration.organisation_id == user.organisation_id,
        Declaration.state.in_([S.DRAFT.value, S.RETURNED.value, S.PASSED.value]))
        .order_by(Declaration.id)).all()
    for d in declarations:
        facts = progress.facts_of(d)
        if facts.deadline is not None and clock.now() > facts.deadline \
                and d.state != S.PASSED:
            continue  # past the deadline: nothing the applicant can still do
        shown = progress.declaration_progress(facts, Role.APPLICANT)
        if shown.mine:
            name = _("%(category)s, batch %(n)d", category=d.category_enum.label,
                     n=d.batch.number)
            items.append((f"{name}: {shown.next_text}",
                          url_for("applicant.declaration", declaration_id=d.id)))
    tasks = db.session.scalars(select(EvaluationTask).join(RegistryEntry).where(
        RegistryEntry.organisation_id == user.organisation_id,
        EvaluationTask.state.in_([s.value for s in EDITABLE_TASK_STATES]))).all()
    for task in tasks:
        if clock.now() > task.campaign.deadline:
            continue
        shown = progress.filing_progress(progress.filing_facts_of(task), Role.APPLICANT)
        items.append((_("Evaluation of %(name)s: %(next)s", name=task.entry.name,
                        next=shown.next_text),
                      url_for("applicant.evaluation", task_id=task.id)))
    return items


def for_expert(user) -> list[Item]:
    counts = dict(db.session.execute(
        select(ReviewAssignment.state, func.count()).where(
            ReviewAssignment.expert_id == user.id,
            ReviewAssignment.state.in_([ReviewState.ASSIGNED.value,
                                        ReviewState.ACCEPTED.value]))
        .group_by(ReviewAssignment.state)).all())
    items = []
    page = url_for("expert.dashboard") + "#my-reviews"
    if counts.get(ReviewState.ASSIGNED):
        items.append((_("%(n)d review(s) await your conflict-of-interest declaration.",
                        n=counts[ReviewState.ASSIGNED]), page))
    if counts.get(ReviewState.ACCEPTED):
        items.append((_("%(n)d review(s) to score and submit.",
                        n=counts[ReviewState.ACCEPTED]), page))
    return items


def for_ministry() -> list[Item]:
    """What the ministry's selection and evaluation wait for, batch by batch (three queries:
    the dashboard's statement budget is kept, tests/national/test_dashboard.py)."""
    active = [ReviewState.ASSIGNED.value, ReviewState.ACCEPTED.value,
              ReviewState.SUBMITTED.value]
    pending = [ReviewState.ASSIGNED.value, ReviewState.ACCEPTED.value]
    staffed = select(ReviewAssignment.declaration_id).where(ReviewAssignment.state.in_(active))
    waiting_review = select(ReviewAssignment.declaration_id).where(
        ReviewAssignment.state.in_(pending))
    unhandled = (select(func.count(Objection.id))
                 .where(Objection.declaration_id == Declaration.id, Objection.outcome.is_(None))
                 .correlate(Declaration).scalar_subquery())

    def count(condition):
        return func.sum(case((condition, 1), else_=0))

    state = Declaration.state
    rows = db.session.execute(
        select(Declaration.batch_id,
               count(state.in_([S.FORWARDED.value, S.EXPERT_REVIEW.value])
                     & Declaration.id.not_in(staffed)).label("unstaffed"),
               count((state == S.EXPERT_REVIEW.value) & Declaration.id.in_(staffed)
                     & Declaration.id.not_in(waiting_review)).label("scored"),
               count((state == S.EXPERT_PASSED.value) & (Declaration.category
                                                          == Category.CITY.value)
                     & Declaration.id.not_in(select(Inspection.declaration_id)))
               .label("uninspected"),
               count(state == S.EXPERT_PASSED.value).label("passed"),
               count(state == S.SHORTLISTED.value).label("shortlisted"),
               func.sum(unhandled).label("objections"))
        .where(state.in_([S.FORWARDED.value, S.EXPERT_REVIEW.value, S.EXPERT_PASSED.value,
                          S.SHORTLISTED.value, S.NOT_SELECTED.value]))
        .group_by(Declaration.batch_id)).all()
    batches = {b.id: (b.number, n) for b, n in db.session.execute(
        select(Batch, PublicNotice).outerjoin(PublicNotice, PublicNotice.batch_id == Batch.id))}
    today = clock.china(clock.now()).date()
    items: list[Item] = []
    for row in sorted(rows, key=lambda r: batches[r.batch_id][0], reverse=True):
        number, notice = batches[row.batch_id]
        review = url_for("ministry.review", batch_id=row.batch_id)
        decisions = url_for("ministry.decisions", batch_id=row.batch_id)
        if row.unstaffed:
            items.append((_("Batch %(b)d: %(n)d declaration(s) recommended by the provinces "
                            "await expert reviewers.", b=number, n=row.unstaffed), review))
        if row.scored:
            items.append((_("Batch %(b)d: %(n)d declaration(s) have every review in: record "
                            "the outcome.", b=number, n=row.scored), review))
        if row.uninspected:
            items.append((_("Batch %(b)d: %(n)d city(ies) passed the expert review and await "
                            "their on-site inspection.", b=number, n=row.uninspected),
                          decisions))
        if row.passed:
            items.append((_("Batch %(b)d: %(n)d declaration(s) passed the expert review and "
                            "await the decision.", b=number, n=row.passed), decisions))
        if row.shortlisted and notice is None:
            items.append((_("Batch %(b)d: put the shortlist (%(n)d) under public notice.",
                            b=number, n=row.shortlisted), decisions))
        elif row.shortlisted and notice.published_at is None and notice_rules.may_publish(
                ends_on=notice.ends_on, today=today):
            items.append((_("Batch %(b)d: the public notice has ended: publish the final "
                            "list.", b=number), decisions))
        if row.objections:
            items.append((_("Batch %(b)d: %(n)d objection(s) from the public await handling.",
                            b=number, n=row.objections), decisions + "#shortlist-title"))
    conclude = db.session.scalar(select(func.count(EvaluationTask.id)).where(
        EvaluationTask.state.in_([TaskState.CONFIRMED.value, TaskState.STATUS_CHANGED.value])))
    if conclude:
        items.append((_("%(n)d evaluation filing(s) confirmed by the provinces await your "
                        "conclusion.", n=conclude),
                      url_for("ministry.evaluations_overview", progress="submitted")))
    return items
