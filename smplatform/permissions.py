"""Who may do what. Plain functions shared by routes (guards) and templates (buttons).

Every function takes the user first and answers a bool; anonymous users answer False.
"""
from __future__ import annotations

from flask import abort
from flask_login import current_user

from smplatform.enums import Role
from smplatform.extensions import db


def _signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def has_role(user, role: Role) -> bool:
    return _signed_in(user) and user.role == role


def is_applicant(user) -> bool:
    return has_role(user, Role.APPLICANT)


def is_province(user) -> bool:
    return has_role(user, Role.PROVINCE)


def is_ministry(user) -> bool:
    return has_role(user, Role.MINISTRY)


def is_expert(user) -> bool:
    return has_role(user, Role.EXPERT)


def is_ministry_admin(user) -> bool:
    return is_ministry(user) and bool(user.is_admin)


def can_manage_users(user) -> bool:
    return is_ministry_admin(user)


def can_view_audit_log(user) -> bool:
    return is_ministry_admin(user)


def can_view_unit(user, unit_code: str) -> bool:
    """Ministry sees every unit; a provincial officer sees only its own."""
    if is_ministry(user):
        return True
    return is_province(user) and user.unit_code == unit_code


def can_view_organisation(user, org) -> bool:
    if is_applicant(user):
        return user.organisation_id == org.id
    return can_view_unit(user, org.unit_code)


def get_or_404(model, ident, check=None):
    """Load an object and check access in one place: 404 when missing, 403 when not allowed."""
    obj = db.session.get(model, ident)
    if obj is None:
        abort(404)
    if check is not None and not check(current_user, obj):
        abort(403)
    return obj


def require_role(role: Role):
    """A before_request guard for a role's blueprint: 401 to sign in, 403 for other roles."""
    def guard():
        if not _signed_in(current_user):
            from smplatform.extensions import login_manager
            return login_manager.unauthorized()
        if current_user.role != role:
            abort(403)
        return None
    return guard


# Ministry selection: batches, quotas and the expert pool.

def can_manage_batches(user) -> bool:
    """Create and edit batches, their dates and quota tables: any ministry user."""
    return is_ministry(user)


def can_open_batch(user, batch) -> bool:
    return can_manage_batches(user) and batch.status != "open"


def can_close_batch(user, batch) -> bool:
    return can_manage_batches(user) and batch.status == "open"


def can_manage_experts(user) -> bool:
    """Create experts and edit their profiles: any ministry user."""
    return is_ministry(user)


# Ministry selection: expert review, inspection, decision, publication (selection area).

def can_run_selection(user) -> bool:
    """Assign reviewers, record inspections, decide, put under notice, publish: ministry."""
    return is_ministry(user)


def can_open_review(user, review) -> bool:
    """An expert opens only its own assignments, and not one it declined."""
    return (is_expert(user) and review.expert_id == user.id
            and review.state != "declined")


def can_respond_to_review(user, review) -> bool:
    """Declare no conflict of interest, or decline: before the review is accepted."""
    return can_open_review(user, review) and review.state == "assigned"


def can_score_review(user, review) -> bool:
    return can_open_review(user, review) and review.state == "accepted"


def can_decline_review(user, review) -> bool:
    return can_open_review(user, review) and review.state in ("assigned", "accepted")


TEMPLATE_FUNCTIONS = {
    name: obj for name, obj in list(globals().items())
    if name.startswith(("can_", "is_", "has_role"))
}
