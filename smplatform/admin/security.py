"""The security administrator: every account's sign-in state (locked, second factor,
password age), and on each account but its own: lift a lockout; and, except on another
administrator's account (recovered on the server: `flask reset-administrator`), change its
role, issue a temporary password (shown once; to be changed at the next sign-in), reset a lost
second factor; and the sign-in policy (second factor per role, password expiry per role, concurrent
sessions)."""
from __future__ import annotations

from flask import current_app, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from smplatform import permissions
from smplatform.admin.accounts import unit_choices
from smplatform.admin.forms import PolicyForm, RoleForm
from smplatform.enums import ADMIN_ROLES, Role
from smplatform.extensions import db
from smplatform.models import User
from smplatform.services import DomainError, accounts, security_policy, two_factor
from smplatform.web import PAGE_SIZE, Routes, allow, form_error, load, page, perform

routes = Routes()


@routes.get("/security")
def security():
    """Accounts with their role and sign-in state, filtered by role."""
    allow(permissions.can_manage_security)
    return _security_page(_policy_form())


def _security_page(policy_form: PolicyForm, error: DomainError | None = None,
                   status: int = 200):
    if error is not None:
        form_error(policy_form, error, "session_limit")
    role = request.args.get("role")
    query = select(User).order_by(User.role, User.username)
    if role in {r.value for r in Role}:
        query = query.where(User.role == role)
    rows = db.paginate(query, per_page=PAGE_SIZE, error_out=False)
    form = RoleForm()
    form.unit_code.choices = unit_choices()
    return page("admin/security.html", page=rows, role=role, form=form, roles=Role,
                policy_form=policy_form, admin_roles={str(r) for r in ADMIN_ROLES},
                settings=_settings(), status=status)


def _settings() -> dict:
    """The deployment's settings the policy form does not change (shown to be checked)."""
    config = current_app.config
    return {
        "lockout": (config["LOCKOUT_THRESHOLD"],
                    int(config["LOCKOUT_DURATION"].total_seconds() // 60)),
        "idle": int(config["SESSION_IDLE_TIMEOUT"].total_seconds() // 60),
        "reauth": config["REAUTH_MINUTES"],
    }


def _policy_form() -> PolicyForm:
    """The policy form: as posted, or filled with the policy in force."""
    if request.method == "POST":
        return PolicyForm()
    policy = security_policy.current()
    data = {"two_factor_roles": sorted(policy.two_factor_roles),
            "session_limit": policy.session_limit}
    data.update({f"max_age_{role.value}": policy.password_max_age_days.get(role.value, 0)
                 for role in Role})
    return PolicyForm(data=data)


@routes.post("/policy")
def policy():
    """Change the sign-in policy: the roles that need a second factor, password expiry per
    role, the concurrent sessions of privileged accounts (a sensitive action)."""
    allow(permissions.can_manage_security, fresh=True)
    form = _policy_form()
    if form.validate_on_submit():
        return perform(
            lambda: security_policy.update(
                actor=current_user, two_factor_roles=form.two_factor_roles.data or [],
                password_max_age_days={role.value: form[f"max_age_{role.value}"].data
                                       for role in Role},
                session_limit=form.session_limit.data),
            done=lambda changes: _("The sign-in policy is saved.") if changes
            else (_("Nothing was changed."), "info"),
            then=url_for("admin.security"),
            failed=lambda error: _security_page(form, error, status=400))
    return _security_page(form, status=400)


@routes.post("/users/<int:user_id>/role")
def change_role(user_id: int):
    user = load(User, user_id, permissions.can_manage_security, fresh=True)
    form = RoleForm()
    form.unit_code.choices = unit_choices()
    role = Role(form.role.data) if form.validate_on_submit() else None
    return perform(
        lambda: accounts.change_role(actor=current_user, user=user, role=role,
                                     unit_code=form.unit_code.data or None)
        if role else _refuse(_("Choose a role.")),
        done=_("%(name)s is now: %(role)s.", name=user.username,
               role=role.label if role else ""),
        then=url_for("admin.security"))


def _refuse(message: str):
    from smplatform.services import DomainError
    raise DomainError(message)


@routes.post("/users/<int:user_id>/unlock")
def unlock(user_id: int):
    user = load(User, user_id, permissions.can_unlock_account, fresh=True)
    return perform(lambda: accounts.unlock(actor=current_user, user=user),
                   done=_("Account %(name)s unlocked.", name=user.username),
                   then=url_for("admin.security"))


@routes.post("/users/<int:user_id>/temporary-password")
def temporary_password(user_id: int):
    """A temporary password, shown once on the answer page (never flashed or kept)."""
    user = load(User, user_id, permissions.can_manage_security, fresh=True)
    return perform(
        lambda: accounts.issue_temporary_password(actor=current_user, user=user),
        then=lambda password: page("admin/temporary_password.html", user=user,
                                   password=password),
        failed=url_for("admin.security"))


@routes.post("/users/<int:user_id>/two-factor/reset")
def reset_two_factor(user_id: int):
    """A lost phone: the holder sets up two-factor sign-in again at the next sign-in."""
    user = load(User, user_id, permissions.can_manage_security, fresh=True)
    return perform(lambda: two_factor.reset(actor=current_user, user=user),
                   done=_("The second factor of %(name)s was reset.", name=user.username),
                   then=url_for("admin.security"))
