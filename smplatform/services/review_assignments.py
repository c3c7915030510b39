"""Expert review (专家评审): assigning reviewers, the expert's review, and the aggregates.

Reviewers are chosen by the pure rules in rules/assignment.py (never from the declaration's
own unit or organisation, balanced load); scores follow the category's rubric
(rules/rubric.py). An expert sees only its own assignments: other reviews of the same
declaration stay hidden from it, also after it has submitted (the simpler, safer choice).
"""
from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from smplatform import clock
from smplatform.enums import (
    ACTIVE_REVIEW_STATES,
    EXPERT_REVIEW_STATES,
    DeclarationState,
    ReviewState,
    Role,
)
from smplatform.extensions import db
from smplatform.models import Batch, Declaration, ExpertProfile, ReviewAssignment, User
from smplatform.rules import assignment as rules
from smplatform.rules import rubric, scoring
from smplatform.services import DomainError, experts, workflow
from smplatform.services.audit import record, register_labels
from smplatform.services.notifications import notify_organisation, notify_user

MAX_REVIEWERS = 9
COMMENT_MAX = 2000

# What a declaration is about, in the expert pool's fields of expertise (to prefer matches).
_TOPICS = {
    "customised": "customised_services", "supply_chain": "supply_chain_management",
    "inspection": "inspection_testing_certification", "lifecycle": "whole_life_cycle_management",
    "general_contracting": "integrated_general_contracting",
    "energy_environment": "energy_saving_environmental",
    "productive_finance": "productive_financial_services",
    "shared_manufacturing": "shared_manufacturing", "industrial_design": "industrial_design",
}


def _item(declaration: Declaration) -> rules.Item:
    topics = {_TOPICS[v] for v in (declaration.service_model, declaration.klass) if v in _TOPICS}
    if declaration.category == "city":
        topics.add("city_policy")
    return rules.Item(id=declaration.id, unit_code=declaration.unit_code,
                      org_credit_code=declaration.credit_code, org_name=declaration.org_name,
                      category=declaration.category, topics=frozenset(topics))


def _active(rows: Iterable[ReviewAssignment]) -> list[ReviewAssignment]:
    return [r for r in rows if r.state in ACTIVE_REVIEW_STATES]


def assignments_of(declaration: Declaration) -> list[ReviewAssignment]:
    return db.session.scalars(select(ReviewAssignment)
                              .where(ReviewAssignment.declaration_id == declaration.id)
                              .order_by(ReviewAssignment.id)).all()


def _loads(batch_id: int) -> Counter:
    """Active assignments per expert in this batch: the load the balance starts from."""
    rows = db.session.execute(
        select(ReviewAssignment.expert_id, func.count())
        .join(Declaration, Declaration.id == ReviewAssignment.declaration_id)
        .where(Declaration.batch_id == batch_id,
               ReviewAssignment.state.in_([str(s) for s in ACTIVE_REVIEW_STATES]))
        .group_by(ReviewAssignment.expert_id))
    return Counter(dict(rows.all()))


def _pool(batch_id: int, taken: Mapping[int, set[int]]) -> list[rules.Expert]:
    """The active pool with loads; `taken[expert]` are declarations it already has or declined
    (passed to the rules as `declined`, so they are never chosen twice)."""
    loads = _loads(batch_id)
    return [dataclasses.replace(e, load=loads.get(e.id, 0),
                                declined=frozenset(taken.get(e.id, ())))
            for e in experts.assignment_pool()]


def _taken(declarations: Iterable[Declaration]) -> dict[int, set[int]]:
    ids = [d.id for d in declarations]
    taken: dict[int, set[int]] = {}
    if ids:
        for expert_id, declaration_id in db.session.execute(
                select(ReviewAssignment.expert_id, ReviewAssignment.declaration_id)
                .where(ReviewAssignment.declaration_id.in_(ids))):
            taken.setdefault(expert_id, set()).add(declaration_id)
    return taken


def _create(declaration: Declaration, expert_id: int, *, actor: User | None,
            due_at: datetime | None, how: str) -> ReviewAssignment:
    row = ReviewAssignment(declaration=declaration, expert_id=expert_id,
                           state=ReviewState.ASSIGNED, scores={}, comments={},
                           assigned_at=clock.now(), due_at=due_at,
                           further=how == "disagreement")
    db.session.add(row)
    if declaration.state == DeclarationState.FORWARDED:
        workflow.apply(declaration, "start_expert_review", actor=actor, role=Role.MINISTRY)
    db.session.flush()
    record("review.assign", actor=actor, actor_name=None if actor else "system", obj=row,
           unit_code=declaration.unit_code,
           detail={"declaration_id": declaration.id, "expert_id": expert_id, "how": how,
                   "due_at": due_at.isoformat() if due_at else None})
    notify_user(user=db.session.get(User, expert_id), key="review.assigned",
                params={"number": declaration.electronic_number or ""})
    return row


@dataclass
class AssignmentReport:
    """What an automatic assignment did: new reviewers, unstaffable declarations."""

    assigned: dict[int, list[int]]  # declaration id -> expert ids added
    unstaffed: dict[int, int]  # declaration id -> eligible experts it had
    loads: dict[int, int]


def _fill(declarations: list[Declaration], n: int, *, actor: User | None,
          due_at: datetime | None,
          batch_id: int, how: str) -> AssignmentReport:
    """Top every declaration up to `n` active reviewers, grouped by how many each lacks."""
    pool = _pool(batch_id, _taken(declarations))
    by_missing: dict[int, list[Declaration]] = {}
    for d in declarations:
        missing = n - len(_active(assignments_of(d)))
        if missing > 0:
            by_missing.setdefault(missing, []).append(d)
    report = AssignmentReport(assigned={}, unstaffed={},
                              loads={e.id: e.load for e in pool})
    for missing, group in sorted(by_missing.items(), reverse=True):
        pool = [dataclasses.replace(e, load=report.loads[e.id]) for e in pool]
        outcome = rules.assign([_item(d) for d in group], pool, n=missing)
        report.loads = dict(outcome.loads)
        report.unstaffed.update(outcome.unassignable)
        by_id = {d.id: d for d in group}
        for declaration_id, expert_ids in outcome.reviewers.items():
            for expert_id in expert_ids:
                _create(by_id[declaration_id], expert_id, actor=actor, due_at=due_at, how=how)
            report.assigned[declaration_id] = expert_ids
    return report


def _under_review(batch: Batch) -> list[Declaration]:
    return list(db.session.scalars(
        select(Declaration).where(Declaration.batch_id == batch.id,
                                  Declaration.state.in_([str(s) for s in EXPERT_REVIEW_STATES]))
        .order_by(Declaration.id)))


def _reachable(declarations: list[Declaration]) -> dict[int, int]:
    """Per declaration, the most active reviewers the pool can give it now."""
    if not declarations:
        return {}
    have = Counter()
    for declaration_id, state in db.session.execute(
            select(ReviewAssignment.declaration_id, ReviewAssignment.state)
            .where(ReviewAssignment.declaration_id.in_([d.id for d in declarations]))):
        if state in ACTIVE_REVIEW_STATES:
            have[declaration_id] += 1
    pool = _pool(declarations[0].batch_id, _taken(declarations))
    return rules.reachable([_item(d) for d in declarations], pool, dict(have))


def staffing_limit(batch: Batch) -> int | None:
    """The largest number of reviewers per declaration that the active pool can give every
    declaration awaiting or under expert review (None when there is none to staff)."""
    reachable = _reachable(_under_review(batch))
    return min(reachable.values()) if reachable else None


def _refuse_unstaffable(declarations: list[Declaration], n: int) -> None:
    reachable = _reachable(declarations)
    short = [d for d in declarations if reachable[d.id] < n]
    if not short:
        return
    named = "; ".join(_("%(name)s (%(unit)s): %(n)d", name=d.org_name, unit=d.unit.name,
                        n=reachable[d.id]) for d in short[:5])
    raise DomainError(_(
        "The expert pool cannot give every declaration %(n)d reviewers: %(count)d "
        "declaration(s) have too few eligible experts (experts never review their own "
        "provincial-level unit or organisation). Most reviewers possible: %(named)s. Choose "
        "at most %(max)d reviewers per declaration, or add active experts from other "
        "provincial-level units to the pool. Nobody was assigned.",
        n=n, count=len(short), named=named + ("; …" if len(short) > 5 else ""),
        max=min(reachable.values())), field="per_declaration", code="unstaffable")


def assign_batch(*, actor: User, batch: Batch, per_declaration: int = rules.DEFAULT_REVIEWERS,
                 due_at: datetime | None = None) -> AssignmentReport:
    """Give every forwarded or under-review declaration of the batch `per_declaration`
    reviewers, keeping those it already has (top-up).

    Refused before anything is assigned when the active pool cannot give every declaration
    that many reviewers (the message names the declarations and the most possible).

    Side effects: inserts ReviewAssignment rows (audit `review.assign` each); moves forwarded
    declarations to expert review (workflow `start_expert_review`); audit
    `review.assign_batch` with the counts.
    """
    if not 1 <= per_declaration <= MAX_REVIEWERS:
        raise DomainError(_("Choose between 1 and %(n)d reviewers per declaration.",
                            n=MAX_REVIEWERS), field="per_declaration")
    declarations = _under_review(batch)
    _refuse_unstaffable(declarations, per_declaration)
    report = _fill(declarations, per_declaration, actor=actor, due_at=due_at,
                   batch_id=batch.id, how="automatic")
    record("review.assign_batch", actor=actor, obj=batch,
           detail={"per_declaration": per_declaration,
                   "assigned": {str(k): v for k, v in report.assigned.items()}})
    return report


def _conflict_message(declaration: Declaration, profile: ExpertProfile | None) -> str | None:
    if profile is None or not profile.active or not profile.user.active:
        return _("This expert is not active in the expert pool.")
    expert = rules.Expert(id=profile.user_id, unit_code=profile.unit_code,
                          org_credit_code=profile.organisation_credit_code,
                          org_name=profile.organisation_name)
    item = _item(declaration)
    if item.unit_code == expert.unit_code:
        return _("Conflict of interest: the expert belongs to the declaration's own "
                 "provincial-level unit.")
    if rules.in_conflict(item, expert):
        return _("Conflict of interest: the expert works for the declaring organisation.")
    return None


def add_reviewer(*, actor: User, declaration: Declaration, expert: User,
                 due_at: datetime | None = None) -> ReviewAssignment:
    """Add one expert to a declaration by hand.

    Side effects: inserts a ReviewAssignment (audit `review.assign`, how=manual); moves a
    forwarded declaration to expert review. Raises DomainError when the declaration is not
    in expert review, the expert is in conflict, inactive, already assigned or declined it.
    """
    if declaration.state not in EXPERT_REVIEW_STATES:
        raise DomainError(_("Reviewers can be changed only while the declaration awaits or is "
                            "under expert review."), code="bad_state")
    if expert.role != Role.EXPERT:
        raise DomainError(_("Choose an expert from the pool."), field="expert_id")
    message = _conflict_message(declaration, experts.profile_of(expert))
    if message:
        raise DomainError(message, field="expert_id", code="conflict")
    existing = db.session.scalar(select(ReviewAssignment).where(
        ReviewAssignment.declaration_id == declaration.id,
        ReviewAssignment.expert_id == expert.id))
    if existing is not None:
        raise DomainError(_("This expert declined this declaration.")
                          if existing.state == ReviewState.DECLINED
                          else _("This expert already reviews this declaration."),
                          field="expert_id", code="duplicate")
    return _create(declaration, expert.id, actor=actor, due_at=due_at, how="manual")


def remove_reviewer(*, actor: User, review: ReviewAssignment) -> None:
    """Take an expert off a declaration (not once its review is submitted).

    Side effects: deletes the ReviewAssignment; audit `review.remove`.
    """
    if review.state == ReviewState.SUBMITTED:
        raise DomainError(_("A submitted review cannot be removed."), code="submitted")
    if review.declaration.state not in EXPERT_REVIEW_STATES:
        raise DomainError(_("Reviewers can be changed only while the declaration awaits or is "
                            "under expert review."), code="bad_state")
    record("review.remove", actor=actor, obj=review, unit_code=review.declaration.unit_code,
           detail={"declaration_id": review.declaration_id, "expert_id": review.expert_id,
                   "state": review.state})
    db.session.delete(review)
    db.session.flush()


# The expert's side.

def _check_version(review: ReviewAssignment, version: int | None) -> None:
    if version is not None and int(version) != review.version:
        raise DomainError(_("This review was changed in another window. Reload the page: "
                            "nothing was saved."), code="stale")


def _flush() -> None:
    try:
        db.session.flush()
    except StaleDataError:
        raise DomainError(_("This review was changed in another window. Reload the page: "
                            "nothing was saved."), code="stale") from None


def declare_no_conflict(*, actor: User, review: ReviewAssignment) -> None:
    """The expert declares it has no conflict of interest and accepts the review.

    Side effects: state assigned → accepted, sets coi_declared_at; audit `review.accept`.
    """
    if review.state != ReviewState.ASSIGNED:
        raise DomainError(_("This review has already been accepted or declined."),
                          code="bad_state")
    review.state = ReviewState.ACCEPTED
    review.coi_declared_at = clock.now()
    _flush()
    record("review.accept", actor=actor, obj=review, detail={
        "declaration_id": review.declaration_id, "coi_declared_at":
        review.coi_declared_at.isoformat()})


def decline(*, actor: User, review: ReviewAssignment, reason: str) -> ReviewAssignment | None:
    """The expert declines (e.g. a conflict of interest), with a reason; another eligible
    expert is assigned automatically in its place when there is one.

    Side effects: state → declined with the reason (audit `review.decline`); inserts the
    replacement's ReviewAssignment (audit `review.assign`, how=replacement); returns it, or
    None when nobody eligible is left (the audit entry says so).
    """
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason why you decline."), field="reason")
    if len(reason) > COMMENT_MAX:
        raise DomainError(_("At most %(n)d characters.", n=COMMENT_MAX), field="reason")
    if review.state not in (ReviewState.ASSIGNED, ReviewState.ACCEPTED):
        raise DomainError(_("A submitted or declined review cannot be declined."),
                          code="bad_state")
    review.state = ReviewState.DECLINED
    review.declined_reason = reason
    _flush()
    declaration = review.declaration
    report = _fill([declaration], 1 + len(_active(assignments_of(declaration))),
                   actor=actor, due_at=review.due_at, batch_id=declaration.batch_id,
                   how="replacement") if declaration.state in EXPERT_REVIEW_STATES else None
    new_ids = report.assigned.get(declaration.id, []) if report else []
    record("review.decline", actor=actor, obj=review, unit_code=declaration.unit_code,
           detail={"declaration_id": declaration.id, "reason": reason,
                   "replacement_expert_id": new_ids[0] if new_ids else None})
    if not new_ids:
        return None
    return db.session.scalar(select(ReviewAssignment).where(
        ReviewAssignment.declaration_id == declaration.id,
        ReviewAssignment.expert_id == new_ids[0]))


def _clean_scores(criteria, scores: Mapping[str, object], *, complete: bool) -> dict[str, int]:
    keys = {c.key for c in criteria}
    clean: dict[str, int] = {}
    for key, raw in scores.items():
        if key not in keys:
            raise DomainError(_("Score only the criteria of the rubric."), code="unknown")
        if raw is None or str(raw).strip() == "":
            continue
        try:
            value = int(str(raw).strip())
        except ValueError:
            raise DomainError(_("A score is a whole number from 0 to %(max)d.",
                                max=rubric.MAX_SCORE), field=key, code="range") from None
        if not 0 <= value <= rubric.MAX_SCORE:
            raise DomainError(_("A score is a whole number from 0 to %(max)d.",
                                max=rubric.MAX_SCORE), field=key, code="range")
        clean[key] = value
    if complete:
        missing = [c for c in criteria if c.key not in clean]
        if missing:
            raise DomainError(_("Score every criterion before submitting."),
                              field=missing[0].key, code="incomplete")
    return clean


def _clean_comments(comments: Mapping[str, str]) -> dict[str, str]:
    clean = {}
    for key, text in comments.items():
        text = (text or "").strip()
        if len(text) > COMMENT_MAX:
            raise DomainError(_("At most %(n)d characters.", n=COMMENT_MAX),
                              field=f"comment_{key}", code="too_long")
        if text:
            clean[key] = text
    return clean


def save_review(*, actor: User, review: ReviewAssignment, scores: Mapping[str, object],
                comments: Mapping[str, str], version: int | None = None,
                submit: bool = False) -> None:
    """Save the expert's scores and comments as a draft, or submit them (once).

    Scores are whole numbers 0-100 per criterion of the category's rubric; submitting needs
    every criterion and computes the weighted total.
    Side effects: updates the ReviewAssignment; audit `review.save` or `review.submit` (with
    the scores and total); on submission, further reviewers where the reviewers disagree
    (ask_further_reviewers_if_disagreeing). Raises DomainError out of range, incomplete, not
    accepted, already submitted, or changed meanwhile (version).
    """
    if review.state == ReviewState.SUBMITTED:
        raise DomainError(_("This review has already been submitted."), code="submitted")
    if review.state != ReviewState.ACCEPTED:
        raise DomainError(_("Declare that you have no conflict of interest before scoring."),
                          code="bad_state")
    if is_overdue(review):
        raise DomainError(_("This review was due on %(due)s: it can no longer be scored. The "
                            "ministry may give it to another expert.",
                            due=clock.china(review.due_at).strftime("%Y-%m-%d %H:%M:%S")),
                          code="overdue")
    _check_version(review, version)
    criteria = rubric.rubric_for(review.declaration.category)
    clean = _clean_scores(criteria, scores, complete=submit)
    review.scores = clean
    review.comments = _clean_comments(comments)
    if submit:
        review.total = rubric.weighted_total(criteria, clean)
        review.state = ReviewState.SUBMITTED
        review.submitted_at = clock.now()
    _flush()
    record("review.submit" if submit else "review.save", actor=actor, obj=review,
           detail={"declaration_id": review.declaration_id, "scores": clean,
                   "total": review.total})
    if submit:
        ask_further_reviewers_if_disagreeing(review=review)


# Due dates: overdue reviews and their reassignment.

OPEN_REVIEW_STATES = (ReviewState.ASSIGNED, ReviewState.ACCEPTED)


def is_overdue(review: ReviewAssignment) -> bool:
    """Assigned or accepted, with a due date that has passed (one second after it counts)."""
    return (review.state in OPEN_REVIEW_STATES and review.due_at is not None
            and clock.now() > review.due_at)


def overdue_reviews(batch_id: int) -> list[ReviewAssignment]:
    return db.session.scalars(
        select(ReviewAssignment).join(Declaration,
                                      Declaration.id == ReviewAssignment.declaration_id)
        .where(Declaration.batch_id == batch_id,
               ReviewAssignment.state.in_([str(s) for s in OPEN_REVIEW_STATES]),
               ReviewAssignment.due_at.is_not(None), ReviewAssignment.due_at < clock.now())
        .order_by(ReviewAssignment.id)).all()


def reassign_overdue(*, actor: User, batch: Batch, due_at: datetime | None) -> AssignmentReport:
    """Withdraw every overdue review of the batch and give each declaration a replacement,
    chosen by the usual conflict-free, load-balanced rules (never the withdrawn expert).

    Side effects: each overdue ReviewAssignment → withdrawn (audit `review.withdraw_overdue`,
    the expert notified); new ReviewAssignments due `due_at` (audit `review.assign`,
    how=overdue); audit `review.reassign_overdue` with who could not be replaced.
    Raises DomainError when `due_at` is missing or not in the future.
    """
    if due_at is None or due_at <= clock.now():
        raise DomainError(_("Give the replacements a due date in the future."), field="due_on")
    overdue = overdue_reviews(batch.id)
    for review in overdue:
        review.state = ReviewState.WITHDRAWN
        record("review.withdraw_overdue", actor=actor, obj=review,
               unit_code=review.declaration.unit_code,
               detail={"declaration_id": review.declaration_id, "expert_id": review.expert_id,
                       "due_at": review.due_at.isoformat()})
        notify_user(user=review.expert, key="review.withdrawn",
                    params={"number": review.declaration.electronic_number or ""})
    _flush()
    declarations = list({r.declaration_id: r.declaration for r in overdue}.values())
    report = AssignmentReport(assigned={}, unstaffed={}, loads={})
    for declaration in declarations:
        wanted = len(_active(assignments_of(declaration))) + sum(
            1 for r in overdue if r.declaration_id == declaration.id)
        part = _fill([declaration], wanted, actor=actor, due_at=due_at, batch_id=batch.id,
                     how="overdue")
        report.assigned.update(part.assigned)
        report.unstaffed.update(part.unstaffed)
    record("review.reassign_overdue", actor=actor, obj=batch,
           detail={"withdrawn": [r.id for r in overdue],
                   "assigned": {str(k): v for k, v in report.assigned.items()},
                   "unstaffed": {str(k): v for k, v in report.unstaffed.items()}})
    return report


# Fair scoring: normalised per expert over the batch (rules/scoring.py).

def batch_normalisation(batch_id: int) -> scoring.Normalisation:
    """Every submitted review of the batch, normalised per expert (one query)."""
    rows = db.session.execute(
        select(ReviewAssignment.expert_id, ReviewAssignment.declaration_id,
               ReviewAssignment.total)
        .join(Declaration, Declaration.id == ReviewAssignment.declaration_id)
        .where(Declaration.batch_id == batch_id,
               ReviewAssignment.state == ReviewState.SUBMITTED,
               ReviewAssignment.total.is_not(None)))
    return scoring.normalise(scoring.Review(e, d, t) for e, d, t in rows)


def _further_due(declaration: Declaration) -> datetime:
    """A further reviewer's due date: the declaration's latest one, or FURTHER_REVIEW_DAYS
    from now if that has passed."""
    dues = [r.due_at for r in assignments_of(declaration) if r.due_at]
    floor = clock.now() + timedelta(days=scoring.FURTHER_REVIEW_DAYS)
    return max([*dues, floor]) if dues and max(dues) > clock.now() else floor


def ask_further_reviewers_if_disagreeing(*, review: ReviewAssignment
                                         ) -> list[ReviewAssignment]:
    """After `review` was submitted: every declaration under expert review that its expert
    has scored (its figures just changed) is checked by rules/scoring.needs_further_reviewer,
    and one that needs it gets a further reviewer. Returns the new assignments."""
    batch_id = review.declaration.batch_id
    normalisation = batch_normalisation(batch_id)
    declarations = db.session.scalars(
        select(Declaration).join(ReviewAssignment,
                                 ReviewAssignment.declaration_id == Declaration.id)
        .where(ReviewAssignment.expert_id == review.expert_id,
               ReviewAssignment.state == ReviewState.SUBMITTED,
               Declaration.batch_id == batch_id,
               Declaration.state == DeclarationState.EXPERT_REVIEW)
        .order_by(Declaration.id)).all()
    added = []
    for declaration in declarations:
        row = ask_further_reviewer_if_disagreeing(declaration, normalisation=normalisation,
                                                  trigger=review)
        if row is not None:
            added.append(row)
    return added


def ask_further_reviewer_if_disagreeing(declaration: Declaration, *,
                                        normalisation: scoring.Normalisation,
                                        trigger: ReviewAssignment | None = None
                                        ) -> ReviewAssignment | None:
    """When every active review of the declaration is in, by experts whose scores could be
    normalised, and the normalised scores disagree beyond the threshold
    (rules/scoring.needs_further_reviewer), assign one more reviewer, chosen by the same
    conflict-free, load-balanced rules, if the pool allows.

    Side effects: a ReviewAssignment marked `further` (audit `review.assign`,
    how=disagreement; the expert notified); audit `review.further_requested` with the scores
    and who was assigned, or `review.further_unstaffed` when nobody eligible is left (the
    asking counts: it is not repeated).
    """
    if declaration.state != DeclarationState.EXPERT_REVIEW:
        return None
    rows = assignments_of(declaration)
    active = _active(rows)
    submitted = [r for r in active if r.state == ReviewState.SUBMITTED]
    normalised = [normalisation.scores[(r.expert_id, declaration.id)] for r in submitted
                  if (r.expert_id, declaration.id) in normalisation.scores]
    calibrated = all(normalisation.experts[r.expert_id].calibrated for r in submitted
                     if r.expert_id in normalisation.experts)
    asked = sum(1 for r in rows if r.further) + _unstaffed_asks(declaration)
    if not scoring.needs_further_reviewer(
            normalised=normalised, active=len(active), submitted=len(submitted),
            further_so_far=asked, calibrated=calibrated):
        return None
    report = _fill([declaration], len(active) + 1, actor=None, due_at=_further_due(declaration),
                   batch_id=declaration.batch_id, how="disagreement")
    new_ids = report.assigned.get(declaration.id, [])
    detail = {"declaration_id": declaration.id, "normalised": [round(v, 2) for v in normalised],
              "threshold": scoring.DISAGREEMENT_THRESHOLD,
              "trigger_review_id": trigger.id if trigger else None,
              "expert_id": new_ids[0] if new_ids else None}
    record("review.further_requested" if new_ids else "review.further_unstaffed",
           actor_name="system", obj=declaration, unit_code=declaration.unit_code, detail=detail)
    if not new_ids:
        return None
    return db.session.scalar(select(ReviewAssignment).where(
        ReviewAssignment.declaration_id == declaration.id,
        ReviewAssignment.expert_id == new_ids[0]))


def _unstaffed_asks(declaration: Declaration) -> int:
    from smplatform.models import AuditEntry
    return db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "review.further_unstaffed",
        AuditEntry.object_type == Declaration.__tablename__,
        AuditEntry.object_id == str(declaration.id))) or 0


# The ministry's view and decision.

@dataclass
class Aggregate:
    """A declaration's scores: raw totals with their mean and spread, beside the normalised
    ones (per expert id) and their mean; `disagreement` is judged on the normalised scores."""

    declaration: Declaration
    totals: list[float]
    assigned: int
    spread: rubric.Spread | None
    disagreement: bool
    normalised: dict[int, float] = dataclasses.field(default_factory=dict)
    normalised_mean: float | None = None
    further: int = 0  # further reviewers asked for because of a disagreement

    @property
    def normalised_range(self) -> float | None:
        values = list(self.normalised.values())
        return round(max(values) - min(values), 2) if len(values) >= 2 else None


def aggregates(declarations: Iterable[Declaration],
               normalisation: scoring.Normalisation | None = None) -> dict[int, Aggregate]:
    """Per declaration: submitted totals, mean and spread, normalised scores and their mean,
    and the disagreement flag. The declarations are of one batch; its normalisation is
    computed here unless given."""
    declarations = list(declarations)
    ids = [d.id for d in declarations]
    totals: dict[int, list[float]] = {i: [] for i in ids}
    assigned: Counter = Counter()
    further: Counter = Counter()
    if ids:
        for declaration_id, state, total, is_further in db.session.execute(
                select(ReviewAssignment.declaration_id, ReviewAssignment.state,
                       ReviewAssignment.total, ReviewAssignment.further)
                .where(ReviewAssignment.declaration_id.in_(ids))):
            if state in ACTIVE_REVIEW_STATES:
                assigned[declaration_id] += 1
            if is_further:
                further[declaration_id] += 1
            if state == ReviewState.SUBMITTED and total is not None:
                totals[declaration_id].append(total)
    if normalisation is None and declarations:
        normalisation = batch_normalisation(declarations[0].batch_id)
    per_item: dict[int, dict[int, float]] = {}
    for (expert_id, item_id), value in (normalisation.scores.items() if normalisation else ()):
        per_item.setdefault(item_id, {})[expert_id] = round(value, 2)
    out = {}
    for d in declarations:
        normalised = per_item.get(d.id, {})
        mean = normalisation.items.get(d.id) if normalisation else None
        out[d.id] = Aggregate(
            declaration=d, totals=totals[d.id], assigned=assigned[d.id],
            spread=rubric.spread(totals[d.id]) if totals[d.id] else None,
            disagreement=scoring.disagreement(list(normalised.values())),
            normalised=normalised, normalised_mean=round(mean, 2) if mean is not None
            else None, further=further[d.id])
    return out


def record_expert_outcome(*, actor: User, declaration: Declaration, passed: bool,
                          comment: str | None = None) -> None:
    """Record the expert review's outcome for a declaration: pass or fail.

    Side effects: workflow `expert_pass` / `expert_fail` (DeclarationEvent, audit entry with
    the mean score); the applicant is notified. Raises DomainError when no review has been
    submitted yet, or the declaration is not under expert review.
    """
    aggregate = aggregates([declaration])[declaration.id]
    if declaration.state == DeclarationState.EXPERT_REVIEW and not aggregate.totals:
        raise DomainError(_("No expert has submitted a review of this declaration yet."),
                          code="no_reviews")
    action = "expert_pass" if passed else "expert_fail"
    workflow.apply(declaration, action, actor=actor,
                   role=Role.MINISTRY, comment=(comment or "").strip() or None,
                   detail={"mean": aggregate.spread.mean if aggregate.spread else None,
                           "reviews": len(aggregate.totals)})
    notify_organisation(organisation=declaration.organisation, key=f"declaration.{action}",
                        params={"number": declaration.electronic_number or ""})


register_labels({
    "review.withdraw_overdue": _l("Overdue review withdrawn"),
    "review.reassign_overdue": _l("Overdue reviews given to other experts"),
    "review.further_requested": _l("Further reviewer assigned: the reviewers disagreed"),
    "review.further_unstaffed": _l("Reviewers disagreed: no further reviewer available"),
})
