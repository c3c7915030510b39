"""Who may do what. Plain functions shared by routes (guards) and templates (buttons).

Every function is `can_<verb>(user, obj=None) -> bool` (or `is_<role>`); signed-out users
answer False, except on the public pages (`can_view_public`). A route's permission step,
`web.load(Model, id, can_x)` or `web.allow(can_x)`, asks who may (404 / 403). Whether the
object's state allows a step now is the workflow's answer, given by the service (a refusal
with its reason); a button asks both (`can_act_on_declaration`, `can_act_on_evaluation`).
"""
from __future__ import annotations

from smplatform.enums import (
    READABLE_REVIEW_STATES,
    BatchStatus,
    DeclarationState,
    ReviewState,
    Role,
)
from smplatform.extensions import db


def _signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def can_view_public(user, _obj=None) -> bool:
    """The public pages and the forms to sign in and register: everyone, signed in or not."""
    return True


def can_object_to_notice(user, _batch=None) -> bool:
    """Anyone, signed in or not, may object to a shortlisted declaration (the service takes
    objections only while the batch's notice runs)."""
    return True


def is_signed_in(user, _obj=None) -> bool:
    """Pages of one's own account (password, notifications, sign-out): any signed-in user."""
    return _signed_in(user)


def has_role(user, role: Role) -> bool:
    return _signed_in(user) and user.role == role


def is_applicant(user, _obj=None) -> bool:
    return has_role(user, Role.APPLICANT)


def is_province(user, _obj=None) -> bool:
    return has_role(user, Role.PROVINCE)


def is_ministry(user, _obj=None) -> bool:
    return has_role(user, Role.MINISTRY)


def is_expert(user, _obj=None) -> bool:
    return has_role(user, Role.EXPERT)


def is_city(user, _obj=None) -> bool:
    """A prefecture-level city's industry and IT officer (scoped to one city)."""
    return has_role(user, Role.CITY)


def _own_city(user, declaration) -> bool:
    return (is_city(user) and declaration is not None and bool(user.city_code)
            and user.city_code == declaration.city_code
            and user.unit_code == declaration.unit_code)


def can_view_city_declaration(user, declaration) -> bool:
    """A city officer sees its own city's declarations once submitted (never a draft)."""
    return _own_city(user, declaration) and declaration.state != DeclarationState.DRAFT


def can_city_review(user, declaration) -> bool:
    """The city officer of the declaration's city, while it is under the city's review."""
    return _own_city(user, declaration) and declaration.state == DeclarationState.CITY_REVIEW


def can_manage_prefecture_review(user, _obj=None) -> bool:
    """A provincial officer turns the prefecture tier on or off for its unit."""
    return is_province(user)


# ---- the three separated administrators (三员分立) -----------------------------------------


def is_system_admin(user, _obj=None) -> bool:
    return has_role(user, Role.SYSTEM_ADMIN)


def is_security_admin(user, _obj=None) -> bool:
    return has_role(user, Role.SECURITY_ADMIN)


def is_audit_admin(user, _obj=None) -> bool:
    return has_role(user, Role.AUDIT_ADMIN)


def is_administrator(user, _obj=None) -> bool:
    """Any of the three administrators (the admin area's guard)."""
    from smplatform.enums import ADMIN_ROLES
    return _signed_in(user) and user.role in ADMIN_ROLES


def can_manage_users(user, target=None) -> bool:
    """The system administrator creates business accounts (provincial officers, ministry
    staff, experts) and enables or disables them; never an administrator's account, never
    its own. Ministry business users manage no accounts."""
    if not is_system_admin(user):
        return False
    if target is None:
        return True
    from smplatform.enums import ADMIN_ROLES
    return target.id != user.id and target.role not in ADMIN_ROLES


def can_manage_security(user, target=None) -> bool:
    """The security administrator: roles, temporary passwords, second factors and the
    security policy; on any account but its own and another administrator's. (三员分立: with
    a temporary password and a reset second factor one administrator could take over
    another's account, or remove it by a role change; an administrator's account is
    recovered on the server, `flask reset-administrator`.)"""
    if not is_security_admin(user):
        return False
    if target is None:
        return True
    from smplatform.enums import ADMIN_ROLES
    return target.id != user.id and target.role not in ADMIN_ROLES


def can_unlock_account(user, target=None) -> bool:
    """The security administrator lifts a lockout on any account but its own, an
    administrator's too (it gives nobody the account)."""
    return is_security_admin(user) and (target is None or target.id != user.id)


def can_view_audit_log(user, _obj=None) -> bool:
    """The audit administrator reads and exports the audit log, and nothing else."""
    return is_audit_admin(user)


def can_view_colleagues(user, _obj=None) -> bool:
    """An applicant sees its organisation's accounts (and so who administers them)."""
    return is_applicant(user) and user.organisation_id is not None


def can_manage_colleagues(user, _obj=None) -> bool:
    """The organisation's administrator adds colleagues' accounts."""
    return can_view_colleagues(user) and bool(user.is_org_admin)


def can_manage_colleague(user, colleague) -> bool:
    """The administrator disables, enables or hands the role to an account of its own
    organisation (never another organisation's)."""
    return (can_manage_colleagues(user) and colleague is not None
            and colleague.role == Role.APPLICANT
            and colleague.organisation_id == user.organisation_id)


def can_view_unit(user, unit_code: str) -> bool:
    """Ministry sees every unit; a provincial officer sees only its own."""
    if is_ministry(user):
        return True
    return is_province(user) and user.unit_code == unit_code


def can_view_organisation(user, org) -> bool:
    if is_applicant(user):
        return user.organisation_id == org.id
    return can_view_unit(user, org.unit_code)


# Ministry selection: batches, quotas and the expert pool.

def can_manage_batches(user, _obj=None) -> bool:
    """Create and edit batches, their dates and quota tables: any ministry user."""
    return is_ministry(user)


def can_open_batch(user, batch) -> bool:
    return can_manage_batches(user) and batch.status != BatchStatus.OPEN


def can_close_batch(user, batch) -> bool:
    return can_manage_batches(user) and batch.status == BatchStatus.OPEN


def can_manage_experts(user, _obj=None) -> bool:
    """Give expert accounts their pool profiles and edit them: any ministry user (the
    system administrator creates the accounts; the ministry manages none)."""
    return is_ministry(user)


def can_edit_expert(user, expert) -> bool:
    """An expert's profile (the account must be an expert's)."""
    return can_manage_experts(user) and expert is not None and expert.role == Role.EXPERT


# ---------------------------------------------------------------- evaluation (batches 1–4)


def can_file_evaluation(user, task) -> bool:
    """The demonstration's own organisation (linked through the registry) fills in its filing."""
    return (is_applicant(user) and task.entry.organisation_id is not None
            and task.entry.organisation_id == user.organisation_id)


def can_view_evaluation(user, task) -> bool:
    if is_applicant(user):
        return can_file_evaluation(user, task)
    return can_view_unit(user, task.unit_code)


def can_review_evaluation(user, task) -> bool:
    """The province of the demonstration's unit confirms, returns, marks status, reminds."""
    return is_province(user) and user.unit_code == task.unit_code


def can_undo_status_change(user, task) -> bool:
    """The province of the demonstration's unit, while the task is marked (the service checks
    that this unit made the mark)."""
    from smplatform.rules.evaluation import TaskState
    return can_review_evaluation(user, task) and task.state == TaskState.STATUS_CHANGED


def can_correct_registry_entry(user, _entry=None) -> bool:
    """The ministry corrects a row of the registry of batches 1–4 (audited, old values kept)."""
    return is_ministry(user)


def can_conclude_evaluation(user, task) -> bool:
    """The ministry records the conclusion of a confirmed filing."""
    return is_ministry(user)


def can_act_on_evaluation(user, task, action: str) -> bool:
    """A button of the filing: the user takes part in it (its organisation, its unit's
    officer, the ministry; the routes' permission step) and the filing's state table allows
    `action` for the user's role now (else the service refuses it with the reason)."""
    from smplatform.rules import evaluation
    takes_part = (can_file_evaluation(user, task) or can_review_evaluation(user, task)
                  or can_conclude_evaluation(user, task))
    return takes_part and evaluation.WORKFLOW.can(task.state, action, user.role)


def can_import_registry(user, _obj=None) -> bool:
    return is_ministry(user)


def can_link_registry_entry(user, entry) -> bool:
    return is_province(user) and user.unit_code == entry.unit_code
# --- Declarations (applicant side; the province and ministry read them) -------------------

def _own_declaration(user, declaration) -> bool:
    return is_applicant(user) and user.organisation_id == declaration.organisation_id


def can_view_declaration(user, declaration) -> bool:
    """The applicant's own organisation always; its province once submitted (never a draft);
    the ministry every non-draft declaration."""
    from smplatform.enums import DeclarationState
    if _own_declaration(user, declaration):
        return True
    if declaration.state == DeclarationState.DRAFT:
        return False
    if declaration.state == DeclarationState.CITY_REVIEW:
        # At the city's initial review: the city's officer, not yet the province.
        return _own_city(user, declaration) or is_ministry(user)
    if is_ministry(user):
        return True
    return (is_province(user) and user.unit_code == declaration.unit_code) or \
        can_view_city_declaration(user, declaration)


def can_edit_declaration(user, declaration) -> bool:
    """The applicant's own draft (or returned) declaration, until its deadline (the
    organisation's, an extension included); after it the draft is read-only."""
    from smplatform.enums import EDITABLE_STATES
    from smplatform.services.deadlines import declaration_deadline, is_past
    return (_own_declaration(user, declaration) and declaration.state in EDITABLE_STATES
            and not is_past(declaration_deadline(declaration)))


def can_extend_deadline(user, _obj=None) -> bool:
    """A provincial officer extends the applicant deadline for an organisation of its unit."""
    return is_province(user)


def can_submit_declaration(user, declaration) -> bool:
    from smplatform.rules import workflow
    return _own_declaration(user, declaration) and bool(
        {"submit", "resubmit", "submit_to_city", "resubmit_to_city"} & set(
            workflow.DECLARATION.actions_from(declaration.state, Role.APPLICANT)))


def can_withdraw_declaration(user, declaration) -> bool:
    from smplatform.rules import workflow
    return _own_declaration(user, declaration) and workflow.DECLARATION.can(
        declaration.state, "withdraw", Role.APPLICANT)


def can_upload_attachment(user, declaration) -> bool:
    from smplatform.services.attachments import kinds_for
    return _own_declaration(user, declaration) and bool(kinds_for(declaration))


def can_delete_attachment(user, attachment) -> bool:
    """An attachment of a declaration that still takes uploads (its own organisation's)."""
    return attachment is not None and can_upload_attachment(user, attachment.declaration)


def can_download_attachment(user, attachment) -> bool:
    """The applicant its own organisation's; the province its unit's and the ministry any
    submitted declaration's (never a draft's); an expert only the declaration of one of its
    own reviews that it has accepted (no conflict of interest declared) or submitted."""
    if attachment is None:
        return False
    if is_expert(user):
        return _expert_accepted_review_of(user, attachment.declaration_id)
    return can_view_declaration(user, attachment.declaration)


def _expert_accepted_review_of(user, declaration_id: int) -> bool:
    from sqlalchemy import select

    from smplatform.models import ReviewAssignment
    return db.session.scalar(select(ReviewAssignment.id).where(
        ReviewAssignment.declaration_id == declaration_id,
        ReviewAssignment.expert_id == user.id,
        ReviewAssignment.state.in_(sorted(READABLE_REVIEW_STATES))).limit(1)) is not None
# ---- documents: the declaration PDF -------------------------------------------------------


def can_download_declaration_pdf(user, declaration) -> bool:
    """The applicant downloads its own organisation's declaration in any state (a draft PDF is
    watermarked); the province of the declaration's unit and the ministry download it once
    submitted (never a draft). Experts get theirs through their assignments, not here."""
    if declaration is None:
        return False
    if is_applicant(user):
        return user.organisation_id == declaration.organisation_id
    submitted = declaration.state != DeclarationState.DRAFT and bool(
        declaration.electronic_number)
    if is_province(user):
        return submitted and user.unit_code == declaration.unit_code and \
            declaration.state != DeclarationState.CITY_REVIEW
    if is_ministry(user):
        return submitted
    return submitted and can_view_city_declaration(user, declaration)
# --- Provincial review and recommendation (province area) -------------------------------

def can_review_declaration(user, declaration) -> bool:
    """A provincial officer reviews only its own unit's declarations (drafts never)."""
    return (is_province(user) and declaration is not None
            and user.unit_code == declaration.unit_code
            and declaration.state not in (DeclarationState.DRAFT, DeclarationState.CITY_REVIEW))


def can_confirm_stamped_copy(user, declaration) -> bool:
    """The button: a passed declaration whose stamped copy is not confirmed yet."""
    return (can_review_declaration(user, declaration)
            and declaration.state == DeclarationState.PASSED
            and declaration.stamped_confirmed_at is None)


def can_act_on_declaration(user, declaration, action: str) -> bool:
    """The officer may review this declaration and the workflow table allows the action now."""
    from smplatform.rules import workflow
    return can_review_declaration(user, declaration) and workflow.DECLARATION.can(
        declaration.state, action, user.role)


def can_manage_recommendations(user, item) -> bool:
    """A recommendation (or submission) row of the officer's own unit."""
    return is_province(user) and item is not None and user.unit_code == item.unit_code


def can_manage_liaison_contact(user, contact) -> bool:
    """A liaison contact of the officer's own unit."""
    return is_province(user) and contact is not None and user.unit_code == contact.unit_code


def can_send_back_submission(user, _obj=None) -> bool:
    return is_ministry(user)


def can_view_contact_directory(user, _obj=None) -> bool:
    return is_ministry(user)


def can_read_notifications(user, _obj=None) -> bool:
    return is_applicant(user)
# Ministry selection: expert review, inspection, decision, publication (selection area).

def can_run_selection(user, _obj=None) -> bool:
    """Assign reviewers, record inspections, decide, put under notice, publish: ministry."""
    return is_ministry(user)


def can_handle_objection(user, objection=None) -> bool:
    """Record how an objection sent by the public was handled: ministry, while unhandled."""
    return is_ministry(user) and (objection is None or not objection.handled)


def can_open_review(user, review) -> bool:
    """An expert opens only its own assignments, and not one it declined or that was taken
    from it (withdrawn)."""
    return (is_expert(user) and review.expert_id == user.id
            and review.state not in (ReviewState.DECLINED, ReviewState.WITHDRAWN))


def can_read_review_declaration(user, review) -> bool:
    """The declaration under review, its form and attachments: after accepting the review."""
    return can_open_review(user, review) and review.state in READABLE_REVIEW_STATES


def can_respond_to_review(user, review) -> bool:
    """Declare no conflict of interest, or decline: before the review is accepted."""
    return can_open_review(user, review) and review.state == ReviewState.ASSIGNED


def can_score_review(user, review) -> bool:
    return can_open_review(user, review) and review.state == ReviewState.ACCEPTED


def can_decline_review(user, review) -> bool:
    return can_open_review(user, review) and review.state in (ReviewState.ASSIGNED,
                                                              ReviewState.ACCEPTED)


# Signed documents (public verification).

def can_verify_document(user, _obj=None) -> bool:
    """Anyone, signed in or not, may check a printed number or a signed PDF."""
    return True


def can_read_metrics(_user, scrape) -> bool:
    """The node's Prometheus metrics: a scrape (observability.Scrape) from the networks in
    METRICS_NETWORKS or bearing METRICS_TOKEN; whoever is signed in does not matter."""
    from flask import current_app

    from smplatform.observability import scrape_allowed
    config = current_app.config
    return scrape is not None and scrape_allowed(scrape, networks=config["METRICS_NETWORKS"],
                                                 token=config["METRICS_TOKEN"])


# ---- the public pages, announcements and the FAQ -------------------------------------------

def can_write_announcements(user, _obj=None) -> bool:
    """Draft notices: the ministry (national ones), a provincial officer (its unit's)."""
    return is_ministry(user) or (is_province(user) and bool(user.unit_code))


def can_edit_announcement(user, announcement) -> bool:
    """A national notice: the ministry; a unit's notice: that unit's officers only."""
    if announcement is None:
        return False
    if announcement.unit_code is None:
        return is_ministry(user)
    return is_province(user) and user.unit_code == announcement.unit_code


def can_read_announcement(user, announcement) -> bool:
    """Everyone once it is public (published and its time come, or withdrawn after); its
    editors before (draft, scheduled)."""
    return announcement is not None and (announcement.is_public
                                         or can_edit_announcement(user, announcement))


def can_download_announcement_attachment(user, attachment) -> bool:
    return attachment is not None and can_read_announcement(user, attachment.announcement)


def can_edit_faq(user, _obj=None) -> bool:
    """The FAQ of the help pages: the ministry."""
    return is_ministry(user)


TEMPLATE_FUNCTIONS = {
    name: obj for name, obj in list(globals().items())
    if name.startswith(("can_", "is_", "has_role"))
}
