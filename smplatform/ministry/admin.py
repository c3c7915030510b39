"""The ministry's administration: accounts (staff users, enabling and disabling) and the
audit log. Only ministry administrators."""
from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from flask import request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from smplatform import clock, permissions
from smplatform.enums import Role
from smplatform.extensions import db
from smplatform.ministry.forms import AuditFilterForm, StaffUserForm
from smplatform.models import AuditEntry, Unit, User
from smplatform.services import DomainError, accounts
from smplatform.web import PAGE_SIZE, Routes, allow, form_error, load, page, perform

routes = Routes()


@routes.route("/users", methods=["GET", "POST"])
def users():
    """List staff and applicant accounts; create provincial, ministry and expert accounts."""
    allow(permissions.can_manage_users)
    form = StaffUserForm()
    units = db.session.scalars(select(Unit).order_by(Unit.code)).all()
    form.unit_code.choices = [("", _("None"))] + [(u.code, f"{u.code} {u.name}") for u in units]
    if form.validate_on_submit():
        return perform(
            lambda: accounts.create_staff_user(
                actor=current_user, username=form.username.data.strip(),
                display_name=form.display_name.data.strip(), email=form.email.data.strip(),
                role=Role(form.role.data), password=form.password.data,
                unit_code=form.unit_code.data or None, is_admin=form.is_admin.data),
            done=lambda user: _("Account %(name)s created.", name=user.username),
            then=url_for("ministry.users"),
            failed=lambda error: _users_page(form, error))
    return _users_page(form)


def _users_page(form: StaffUserForm, error: DomainError | None = None):
    if error is not None:
        form_error(form, error, "username")
    role = request.args.get("role")
    query = select(User).order_by(User.role, User.username)
    if role in {r.value for r in Role}:
        query = query.where(User.role == role)
    rows = db.paginate(query, per_page=PAGE_SIZE, error_out=False)
    return page("ministry/users.html", form=form, page=rows, role=role)


@routes.post("/users/<int:user_id>/active")
def set_active(user_id: int):
    """Enable or disable an account (never one's own)."""
    user = load(User, user_id, permissions.can_manage_users)
    active = request.form.get("active") == "1"
    return perform(
        lambda: accounts.set_user_active(actor=current_user, user=user, active=active),
        done=_("Account %(name)s enabled.", name=user.username) if active
        else _("Account %(name)s disabled.", name=user.username),
        then=url_for("ministry.users"))


@routes.get("/audit")
def audit_log():
    """Browse and filter the audit log, newest first."""
    allow(permissions.can_view_audit_log)
    form = AuditFilterForm(request.args)
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    if form.validate():
        if form.actor.data:
            query = query.where(AuditEntry.actor_name == form.actor.data.strip())
        if form.action.data:
            query = query.where(AuditEntry.action.startswith(form.action.data.strip()))
        if form.outcome.data:
            query = query.where(AuditEntry.outcome == form.outcome.data)
        if form.ip.data:
            query = query.where(AuditEntry.ip == form.ip.data.strip())
        # Dates are China Standard Time days, as the table shows them.
        if form.date_from.data:
            start = datetime.combine(form.date_from.data, time.min, tzinfo=clock.CHINA)
            query = query.where(AuditEntry.at >= start.astimezone(UTC))
        if form.date_to.data:
            end = datetime.combine(form.date_to.data + timedelta(days=1), time.min,
                                   tzinfo=clock.CHINA)
            query = query.where(AuditEntry.at < end.astimezone(UTC))
    rows = db.paginate(query, per_page=PAGE_SIZE, error_out=False)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return page("ministry/audit_log.html", form=form, page=rows, args=args)
