"""Expert review (专家评审), the ministry's side: assigning reviewers, following the scores,
recording each declaration's outcome."""
from __future__ import annotations

from datetime import UTC, datetime, time

from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from smplatform import clock, permissions
from smplatform.enums import (
    EXPERT_REVIEW_STATES,
    Category,
    DeclarationState,
    QuotaLine,
    QuotaUnitGroup,
    Role,
)
from smplatform.extensions import db
from smplatform.ministry.selection_forms import AddReviewerForm, AssignForm, OutcomeForm
from smplatform.models import Batch, Declaration, ExpertProfile, ReviewAssignment, User
from smplatform.rules import quotas as quota_rules
from smplatform.rules import rubric
from smplatform.rules.assignment import DEFAULT_REVIEWERS
from smplatform.services import DomainError
from smplatform.services import batches as batch_service
from smplatform.services import review_assignments as service
from smplatform.web import Routes, form_error, found, load, page, perform

routes = Routes()

S = DeclarationState
REVIEWED_STATES = (S.EXPERT_REVIEW, S.EXPERT_PASSED, S.EXPERT_FAILED, S.SHORTLISTED,
                   S.NOT_SELECTED, S.PUBLISHED)
CATEGORY_LINES = {
    "enterprise": (quota_rules.ENTERPRISE,),
    "platform": (quota_rules.PLATFORM_SHARED, quota_rules.PLATFORM_OTHER),
    "city": (quota_rules.CITY_COMPREHENSIVE, quota_rules.CITY_DESIGN, quota_rules.CITY_ANY),
}






def end_of_day(day) -> datetime | None:
    if day is None:
        return None
    return datetime.combine(day, time(23, 59, 59), tzinfo=clock.CHINA).astimezone(UTC)


def _ranked(batch: Batch) -> dict[str, list]:
    """Per category, the reviewed declarations ranked by mean score (unscored last)."""
    declarations = db.session.scalars(select(Declaration).where(
        Declaration.batch_id == batch.id,
        Declaration.state.in_([str(s) for s in REVIEWED_STATES]))).all()
    aggregates = service.aggregates(declarations)
    ranked: dict[str, list] = {c.value: [] for c in Category}
    for aggregate in aggregates.values():
        ranked[aggregate.declaration.category].append(aggregate)
    for rows in ranked.values():
        rows.sort(key=lambda a: (a.spread is None, -(a.spread.mean if a.spread else 0),
                                 a.declaration.id))
    return ranked


def _staffing(batch: Batch) -> list:
    """Declarations awaiting or under expert review, with their active reviewer counts."""
    declarations = db.session.scalars(select(Declaration).where(
        Declaration.batch_id == batch.id,
        Declaration.state.in_([S.FORWARDED.value, S.EXPERT_REVIEW.value]))
        .order_by(Declaration.unit_code, Declaration.id)).all()
    aggregates = service.aggregates(declarations)
    return [aggregates[d.id] for d in declarations]


def _assign_form(batch: Batch, limit: int | None) -> AssignForm:
    """The assignment form, proposing the default count or, when the pool cannot staff it,
    the most it can."""
    default = DEFAULT_REVIEWERS
    return AssignForm(per_declaration=min(default, limit) if limit else default)


def _review_page(batch: Batch, form: AssignForm | None, report=None, status: int = 200,
                 error: DomainError | None = None):
    if error is not None:
        form_error(form, error, "per_declaration")
    table = batch_service.quota_table(batch)
    limit = service.staffing_limit(batch)
    form = form or _assign_form(batch, limit)
    return page("ministry/review.html", status=status, batch=batch, form=form, report=report,
                staffing_limit=limit, default_reviewers=DEFAULT_REVIEWERS,
                category_labels=Category.label_map(),
                staffing=_staffing(batch), ranked=_ranked(batch), quota_table=table,
                category_lines=CATEGORY_LINES,
                line_labels={q.value: q.label for q in QuotaLine},
                group_labels={g.value: g.label for g in QuotaUnitGroup},
                threshold=rubric.DISAGREEMENT_THRESHOLD,
                declarations={d.id: d for d in db.session.scalars(
                    select(Declaration).where(Declaration.batch_id == batch.id))}
                if report else {})


@routes.get("/batches/<int:batch_id>/review")
def review(batch_id: int):
    """The batch's expert review: staffing, automatic assignment, ranked lists with quotas."""
    batch = load(Batch, batch_id, permissions.can_run_selection)
    return _review_page(batch, None)


@routes.post("/batches/<int:batch_id>/review/assign")
def review_assign(batch_id: int):
    """Assign reviewers automatically to every declaration awaiting or under expert review.

    The page is shown again with the report: who got reviewers, who could not be staffed.
    """
    batch = load(Batch, batch_id, permissions.can_run_selection)
    form = AssignForm()
    if not form.validate_on_submit():
        return _review_page(batch, form, status=400)
    return perform(
        lambda: service.assign_batch(actor=current_user, batch=batch,
                                     per_declaration=form.per_declaration.data,
                                     due_at=end_of_day(form.due_on.data)),
        done=lambda report: _("%(n)d declaration(s) received reviewers.",
                              n=len(report.assigned)),
        then=lambda report: _review_page(batch, form, report=report),
        failed=lambda error: _review_page(batch, form, status=400, error=error))


def _expert_choices() -> list[tuple[int, str]]:
    rows = db.session.execute(
        select(User.id, User.display_name, ExpertProfile.organisation_name)
        .join(ExpertProfile, ExpertProfile.user_id == User.id)
        .where(User.role == Role.EXPERT, User.active.is_(True), ExpertProfile.active.is_(True))
        .order_by(User.display_name)).all()
    return [(row.id, f"{row.display_name} · {row.organisation_name}") for row in rows]


def _declaration_review_page(declaration: Declaration, add_form=None, outcome_form=None,
                             status: int = 200):
    add_form = add_form or AddReviewerForm()
    add_form.expert_id.choices = _expert_choices()
    reviews = service.assignments_of(declaration)
    return page(
        "ministry/declaration_review.html", status=status, declaration=declaration,
        reviews=reviews,
        aggregate=service.aggregates([declaration])[declaration.id],
        criteria=rubric.rubric_for(declaration.category), add_form=add_form,
        outcome_form=outcome_form or OutcomeForm(),
        can_change=declaration.state in EXPERT_REVIEW_STATES)


@routes.get("/declarations/<int:declaration_id>/review")
def declaration_review(declaration_id: int):
    """One declaration's reviewers and their scores, with manual adjustment and outcome."""
    return _declaration_review_page(
        load(Declaration, declaration_id, permissions.can_run_selection))


@routes.post("/declarations/<int:declaration_id>/reviewers")
def reviewer_add(declaration_id: int):
    """Add an expert to a declaration by hand; conflicts are refused with the reason."""
    declaration = load(Declaration, declaration_id, permissions.can_run_selection)
    form = AddReviewerForm()
    form.expert_id.choices = _expert_choices()
    if not form.validate_on_submit():
        return _declaration_review_page(declaration, add_form=form, status=400)
    expert = found(db.session.get(User, form.expert_id.data))

    def refused_page(error: DomainError):
        form_error(form, error, "expert_id")
        return _declaration_review_page(declaration, add_form=form, status=400)
    return perform(lambda: service.add_reviewer(actor=current_user, declaration=declaration,
                                                expert=expert,
                                                due_at=_latest_due(declaration)),
                   done=_("Reviewer %(name)s added.", name=expert.display_name),
                   then=_declaration_review_url(declaration_id), failed=refused_page)


def _declaration_review_url(declaration_id: int) -> str:
    return url_for("ministry.declaration_review", declaration_id=declaration_id)


def _latest_due(declaration: Declaration):
    dues = [r.due_at for r in service.assignments_of(declaration) if r.due_at]
    return max(dues) if dues else None


@routes.post("/reviews/<int:review_id>/remove")
def reviewer_remove(review_id: int):
    """Take an expert off a declaration (refused once its review is submitted)."""
    review = load(ReviewAssignment, review_id, permissions.can_run_selection)
    return perform(lambda: service.remove_reviewer(actor=current_user, review=review),
                   done=_("Reviewer removed."),
                   then=_declaration_review_url(review.declaration_id))


@routes.post("/declarations/<int:declaration_id>/expert-outcome")
def expert_outcome(declaration_id: int):
    """Record the expert review's outcome of a declaration: passed or not."""
    declaration = load(Declaration, declaration_id, permissions.can_run_selection)
    form = OutcomeForm()
    if not form.validate_on_submit():
        return _declaration_review_page(declaration, outcome_form=form, status=400)

    def refused_page(error: DomainError):
        form_error(form, error, "outcome")
        return _declaration_review_page(declaration, outcome_form=form, status=400)
    return perform(lambda: service.record_expert_outcome(actor=current_user,
                                                         declaration=declaration,
                                                         passed=form.outcome.data == "pass",
                                                         comment=form.comment.data),
                   done=lambda _result: _("Outcome recorded: %(state)s.",
                                          state=declaration.state_enum.label),
                   then=_declaration_review_url(declaration_id), failed=refused_page)
