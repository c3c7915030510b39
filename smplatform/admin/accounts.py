"""The system administrator's accounts: create business accounts (provincial and city
officers, ministry staff, experts), enable and disable them."""
from __future__ import annotations

from flask import request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from smplatform import permissions
from smplatform.admin.forms import StaffUserForm
from smplatform.enums import Role
from smplatform.extensions import db
from smplatform.models import City, Unit, User
from smplatform.services import DomainError, accounts
from smplatform.web import PAGE_SIZE, Routes, allow, form_error, load, page, perform

routes = Routes()


def unit_choices():
    units = db.session.scalars(select(Unit).order_by(Unit.code)).all()
    return [("", _("None"))] + [(u.code, f"{u.code} {u.name}") for u in units]


def city_choices():
    """Every prefecture-level city, named with its provincial-level unit."""
    units = {u.code: u.name for u in db.session.scalars(select(Unit))}
    cities = db.session.scalars(select(City).order_by(City.unit_code, City.code)).all()
    return [("", _("None"))] + [(c.code, f"{units.get(c.unit_code, c.unit_code)} · {c.name}")
                                for c in cities]


@routes.route("/users", methods=["GET", "POST"])
def users():
    """List accounts; create accounts of every staff role (provincial and city officers,
    ministry staff, experts)."""
    allow(permissions.can_manage_users, fresh=request.method == "POST")
    form = StaffUserForm()
    form.unit_code.choices = unit_choices()
    form.city_code.choices = city_choices()
    if form.validate_on_submit():
        return perform(
            lambda: accounts.create_staff_user(
                actor=current_user, username=form.username.data.strip(),
                display_name=form.display_name.data.strip(), email=form.email.data.strip(),
                role=Role(form.role.data), password=form.password.data,
                unit_code=form.unit_code.data or None, city_code=form.city_code.data or None),
            done=_created,
            then=url_for("admin.users"),
            failed=lambda error: _users_page(form, error))
    return _users_page(form)


def _created(user: User) -> str:
    """The flash after creating an account; for an expert, the next step (the ministry
    gives the account its profile in the expert pool before it can be assigned reviews)."""
    if user.role == Role.EXPERT:
        return _("Account %(name)s created. Next step: the ministry gives this expert a profile "
                 "in the expert pool (organisation, unit, fields of expertise); only then can "
                 "reviews be assigned to the expert.", name=user.username)
    return _("Account %(name)s created.", name=user.username)


def _users_page(form: StaffUserForm, error: DomainError | None = None):
    if error is not None:
        form_error(form, error, "username")
    role = request.args.get("role")
    query = select(User).options(selectinload(User.unit), selectinload(User.city),
                                 selectinload(User.organisation)).order_by(User.role,
                                                                           User.username)
    if role in {r.value for r in Role}:
        query = query.where(User.role == role)
    rows = db.paginate(query, per_page=PAGE_SIZE, error_out=False)
    return page("admin/users.html", form=form, page=rows, role=role)


@routes.post("/users/<int:user_id>/active")
def set_active(user_id: int):
    """Enable or disable a business account (never one's own, never an administrator's)."""
    user = load(User, user_id, permissions.can_manage_users, fresh=True)
    active = request.form.get("active") == "1"
    return perform(
        lambda: accounts.set_user_active(actor=current_user, user=user, active=active),
        done=_("Account %(name)s enabled.", name=user.username) if active
        else _("Account %(name)s disabled.", name=user.username),
        then=url_for("admin.users"))
