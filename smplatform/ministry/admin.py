"""The ministry's area. Every route here requires the ministry role (checked before each
request)."""
from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from smplatform import clock, permissions
from smplatform.enums import Role
from smplatform.extensions import db
from smplatform.ministry.forms import AuditFilterForm, StaffUserForm
from smplatform.models import AuditEntry, Unit, User
from smplatform.services import DomainError, accounts
from smplatform.web import Routes, PAGE_SIZE, allow

routes = Routes()






@routes.route("/users", methods=["GET", "POST"])
def users():
    """List staff and applicant accounts; create provincial, ministry and expert accounts."""
    allow(permissions.can_manage_users)
    form = StaffUserForm()
    units = db.session.scalars(select(Unit).order_by(Unit.code)).all()
    form.unit_code.choices = [("", _("None"))] + [(u.code, f"{u.code} {u.name}") for u in units]
    if form.validate_on_submit():
        try:
            user = accounts.create_staff_user(
                actor=current_user, username=form.username.data.strip(),
                display_name=form.display_name.data.strip(), email=form.email.data.strip(),
                role=Role(form.role.data), password=form.password.data,
                unit_code=form.unit_code.data or None, is_admin=form.is_admin.data)
        except DomainError as error:
            db.session.rollback()
            getattr(form, error.field or "username").errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Account %(name)s created.", name=user.username), "success")
            return redirect(url_for("ministry.users"))
    role = request.args.get("role")
    query = select(User).order_by(User.role, User.username)
    if role in {r.value for r in Role}:
        query = query.where(User.role == role)
    page = db.paginate(query, per_page=PAGE_SIZE, error_out=False)
    return render_template("ministry/users.html", form=form, page=page, role=role)


@routes.post("/users/<int:user_id>/active")
def set_active(user_id: int):
    allow(permissions.can_manage_users)
    user = permissions.get_or_404(User, user_id)
    if user.id == current_user.id:
        flash(_("You cannot disable your own account."), "error")
        return redirect(url_for("ministry.users"))
    active = request.form.get("active") == "1"
    accounts.set_user_active(actor=current_user, user=user, active=active)
    db.session.commit()
    flash(_("Account %(name)s enabled.", name=user.username) if active
          else _("Account %(name)s disabled.", name=user.username), "success")
    return redirect(url_for("ministry.users"))


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
    page = db.paginate(query, per_page=PAGE_SIZE, error_out=False)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("ministry/audit_log.html", form=form, page=page, args=args)
