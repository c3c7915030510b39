"""The province's pre-review (初审): the queue, and every review action on one declaration.

Each action goes through services.workflow.apply (the one transition table), adds the audit
entry there, and notifies the applicant (in the application and through the e-mail outbox).
Who may act (an officer of the declaration's unit) is the routes' permission step
(permissions.can_review_declaration); these functions check what keeps the data right.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, or_, select, update

from smplatform import clock
from smplatform.enums import BatchStatus, DeclarationState
from smplatform.extensions import db
from smplatform.models import Batch, Declaration, DeclarationEvent, User
from smplatform.rules import annex1
from smplatform.search import contains
from smplatform.services import DomainError, stamped_scans
from smplatform.services.audit import record
from smplatform.services.notifications import notify_organisation
from smplatform.services.workflow import apply

# The province never sees an applicant's drafts.
# What the province's queue and counts show: not drafts, and not declarations still at the
# city's initial review (the prefecture tier; the province sees those as counts per city).
VISIBLE_STATES = tuple(s.value for s in DeclarationState
                       if s not in (DeclarationState.DRAFT, DeclarationState.CITY_REVIEW))
SORTS = {
    "submitted": (Declaration.submitted_at.asc(), Declaration.id.asc()),
    "-submitted": (Declaration.submitted_at.desc(), Declaration.id.desc()),
    "name": (Declaration.org_name.asc(), Declaration.id.asc()),
    "number": (Declaration.electronic_number.asc(), Declaration.id.asc()),
}
STAMPED_KINDS = (annex1.STAMPED_SCAN.key, "stamped_copy")


# The open batch first, else the latest: one statement, built once (the lists and
# dashboards ask on every request; building it anew cost more than running it).
_CURRENT_BATCH = (select(Batch).order_by((Batch.status == BatchStatus.OPEN.value).desc(),
                                         Batch.number.desc()).limit(1))


def current_batch() -> Batch | None:
    """The open batch, else the latest one."""
    return db.session.scalar(_CURRENT_BATCH)


@dataclass(frozen=True)
class QueueFilters:
    q: str = ""
    category: str = ""
    klass: str = ""
    service_model: str = ""
    state: str = ""
    low_share: bool = False
    sort: str = "-submitted"


def queue_query(*, batch_id: int, unit_code: str, filters: QueueFilters):
    """The unit's declarations matching the filters, in the chosen order (one query)."""
    query = select(Declaration).where(Declaration.batch_id == batch_id,
                                      Declaration.unit_code == unit_code,
                                      Declaration.state.in_(VISIBLE_STATES))
    text = (filters.q or "").strip()
    if text:
        query = query.where(or_(contains(Declaration.org_name, text),
                                Declaration.credit_code == text.upper(),
                                Declaration.electronic_number == text.upper()))
    if filters.category:
        query = query.where(Declaration.category == filters.category)
    if filters.klass:
        query = query.where(Declaration.klass == filters.klass)
    if filters.service_model:
        query = query.where(Declaration.service_model == filters.service_model)
    if filters.state in VISIBLE_STATES:
        query = query.where(Declaration.state == filters.state)
    if filters.low_share:
        query = query.where(Declaration.low_service_share.is_(True))
    return query.order_by(*SORTS.get(filters.sort, SORTS["-submitted"]))


def counts(*, batch_id: int, unit_code: str) -> dict[tuple[str, str], int]:
    """{(category, state): count} of the unit's visible declarations."""
    rows = db.session.execute(
        select(Declaration.category, Declaration.state, func.count())
        .where(Declaration.batch_id == batch_id, Declaration.unit_code == unit_code,
               Declaration.state.in_(VISIBLE_STATES))
        .group_by(Declaration.category, Declaration.state)).all()
    return {(c, s): n for c, s, n in rows}


def attachments_of(declaration: Declaration) -> list:
    """The declaration's attachments, if the attachments model exists in this build."""
    import smplatform.models as models
    model = getattr(models, "DeclarationAttachment", None)
    if model is None:
        return []
    return list(db.session.scalars(select(model).where(model.declaration_id == declaration.id)))


def stamped_scan(declaration: Declaration):
    """The applicant's uploaded stamped scan: (attachment or None, whether uploads exist)."""
    import smplatform.models as models
    if getattr(models, "DeclarationAttachment", None) is None:
        return None, False
    for attachment in attachments_of(declaration):
        if getattr(attachment, "kind", None) in STAMPED_KINDS:
            return attachment, True
    return None, True


def lock_declaration(declaration: Declaration) -> Declaration:
    """Lock the declaration's row for this transaction and reload it (two officers clicking
    at once act one after the other, the second on the state the first left)."""
    if db.engine.dialect.name == "postgresql":
        db.session.refresh(declaration, with_for_update=True)
    else:
        db.session.execute(update(Declaration).where(Declaration.id == declaration.id)
                           .values(version=Declaration.version)
                           .execution_options(synchronize_session=False))
        db.session.refresh(declaration)
    return declaration


def _check_not_locked(declaration: Declaration) -> None:
    from smplatform.services.recommendation import get_submission
    submission = get_submission(declaration.batch_id, declaration.unit_code)
    if submission is not None and submission.locked:
        raise DomainError(_("The list has been submitted to the ministry and is locked."),
                          code="locked")


def _act(declaration: Declaration, action: str, actor: User, *, comment: str | None = None,
         section_comments: dict | None = None) -> DeclarationEvent:
    lock_declaration(declaration)
    _check_not_locked(declaration)
    event = apply(declaration, action, actor=actor, comment=comment,
                  section_comments=section_comments)
    params = {"number": declaration.electronic_number or "", "comment": comment or ""}
    notify_organisation(organisation=declaration.organisation, key=f"declaration.{action}",
                        params=params)
    db.session.flush()
    return event


def start_review(*, actor: User, declaration: Declaration) -> DeclarationEvent:
    """Submitted → under review. Side effects: workflow event and audit; the applicant is
    notified (after this it can no longer withdraw)."""
    return _act(declaration, "start_review", actor)


def pass_declaration(*, actor: User, declaration: Declaration,
                     comment: str | None = None) -> DeclarationEvent:
    """Under review → passed. Side effects: workflow event and audit; notification."""
    return _act(declaration, "pass", actor, comment=(comment or "").strip() or None)


def return_declaration(*, actor: User, declaration: Declaration, comment: str | None,
                       section_comments: dict[str, str] | None) -> DeclarationEvent:
    """Under review → returned for revision, with an overall comment and/or comments per
    Annex 1 section (at least one). Side effects: workflow event with the comments; audit;
    notification."""
    definition = annex1_definition(declaration)
    keys = {s.key for s in definition.sections} if definition else set()
    cleaned = {k: v.strip() for k, v in (section_comments or {}).items()
               if k in keys and v and v.strip()}
    comment = (comment or "").strip()
    if not comment and not cleaned:
        raise DomainError(_("Say what must be revised: an overall comment or a comment on at "
                            "least one section."), field="comment", code="no_comment")
    summary = comment or "; ".join(cleaned.values())
    return _act(declaration, "return", actor, comment=summary if not comment else comment,
                section_comments=cleaned or None)


def reject_declaration(*, actor: User, declaration: Declaration,
                       reason: str | None) -> DeclarationEvent:
    """Under review → rejected, with the reason (required). Side effects: workflow event;
    audit; notification."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for the rejection."), field="reason",
                          code="no_reason")
    return _act(declaration, "reject", actor, comment=reason)


def confirm_stamped_copy(*, actor: User, declaration: Declaration, number_matches: bool) -> None:
    """Record that the stamped paper copy is in and its electronic number matches.

    Requires a passed declaration, the officer's tick that the number on the scan matches
    and, where uploads exist in this build, the uploaded stamped scan; refused when the QR
    code read from the scan names another declaration (services/stamped_scans.py).
    Side effects: sets stamped_confirmed_at; audit `declaration.stamped_confirm`; notification.
    """
    lock_declaration(declaration)
    if declaration.state != DeclarationState.PASSED:
        raise DomainError(_("Only a declaration that passed the review has a stamped copy to "
                            "confirm."), code="not_passed")
    if declaration.stamped_confirmed_at is not None:
        raise DomainError(_("The stamped copy is already confirmed."), code="already")
    scan, uploads_exist = stamped_scan(declaration)
    if uploads_exist and scan is None:
        raise DomainError(_("The applicant has not uploaded the stamped copy yet."),
                          code="no_scan")
    link = scan.qr_link if scan is not None else None
    if stamped_scans.outcome(link, declaration) == stamped_scans.OTHER_NUMBER:
        raise DomainError(_("The QR code on the stamped scan names declaration %(read)s, not "
                            "%(number)s: the applicant must upload the scan of this "
                            "declaration's form.", read=link.number_read,
                            number=declaration.electronic_number or ""), code="other_number")
    if not number_matches:
        raise DomainError(_("Tick to confirm that the electronic number on the stamped copy is "
                            "%(number)s.", number=declaration.electronic_number or ""),
                          field="number_matches", code="no_match")
    declaration.stamped_confirmed_at = clock.now()
    db.session.flush()
    record("declaration.stamped_confirm", actor=actor, obj=declaration,
           unit_code=declaration.unit_code, detail={"number": declaration.electronic_number})
    notify_organisation(organisation=declaration.organisation,
                        key="declaration.stamped_confirmed",
                        params={"number": declaration.electronic_number or ""})


def annex1_definition(declaration: Declaration):
    return annex1.FORMS.get(declaration.category)
