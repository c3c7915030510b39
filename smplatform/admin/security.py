"""The security administrator: every account's sign-in state (locked, second factor,
password age), and on each account but its own: change its role, lift a lockout, issue a
temporary password (shown once; to be changed at the next sign-in)."""
from __future__ import annotations

from flask import current_app, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from smplatform import permissions
from smplatform.admin.accounts import unit_choices
from smplatform.admin.forms import RoleForm
from smplatform.enums import Role
from smplatform.extensions import db
from smplatform.models import User
from smplatform.services import accounts, two_factor
from smplatform.web import PAGE_SIZE, Routes, allow, load, page, perform

routes = Routes()


@routes.get("/security")
def security():
    """Accounts with their role and sign-in state, filtered by role."""
    allow(permissions.can_manage_security)
    role = request.args.get("role")
    query = select(User).order_by(User.role, User.username)
    if role in {r.value for r in Role}:
        query = query.where(User.role == role)
    rows = db.paginate(query, per_page=PAGE_SIZE, error_out=False)
    form = RoleForm()
    form.unit_code.choices = unit_choices()
    return page("admin/security.html", page=rows, role=role, form=form, roles=Role,
                policy=_policy())


def _policy() -> dict:
    """The sign-in policy in force (deployment settings, shown so that it can be checked)."""
    config = current_app.config
    return {
        "two_factor": [Role(r).label for r in config["TWO_FACTOR_ROLES"] if r in set(Role)],
        "max_age": {Role(r).label: d for r, d in config["PASSWORD_MAX_AGE_DAYS"].items()
                    if r in set(Role)},
        "lockout": (config["LOCKOUT_THRESHOLD"],
                    int(config["LOCKOUT_DURATION"].total_seconds() // 60)),
        "session_limit": config["SESSION_LIMIT_PRIVILEGED"],
        "idle": int(config["SESSION_IDLE_TIMEOUT"].total_seconds() // 60),
        "reauth": config["REAUTH_MINUTES"],
    }


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
    user = load(User, user_id, permissions.can_manage_security, fresh=True)
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
