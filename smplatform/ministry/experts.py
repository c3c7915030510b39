"""The expert pool (专家库): expert accounts with their organisation, region and fields.

The system administrator creates expert accounts (admin area); the ministry gives each one
its pool profile here and edits it, and manages no account."""
from __future__ import annotations

from flask import request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select

from smplatform import permissions
from smplatform.enums import Role
from smplatform.extensions import db
from smplatform.ministry.expert_forms import WITHOUT_PROFILE, ExpertFilterForm, ExpertProfileForm
from smplatform.models import ExpertExpertise, ExpertProfile, Unit, User
from smplatform.services import DomainError
from smplatform.search import contains
from smplatform.services import experts as expert_service
from smplatform.web import PAGE_SIZE, Routes, allow, form_error, load, page, perform

routes = Routes()

PROFILE_FIELDS = {"organisation_name", "organisation_credit_code", "unit_code", "fields"}


def _unit_choices(empty_label) -> list[tuple[str, str]]:
    units = db.session.scalars(select(Unit).order_by(Unit.code)).all()
    return [("", empty_label)] + [(u.code, f"{u.code} {u.name}") for u in units]


def _expert_form_page(form, expert: User, error: DomainError | None = None):
    if error is not None:  # the service's "fields" are the form's "expertise"
        form_error(form, error, "expertise" if error.field == "fields" else None)
    return page("ministry/expert_form.html", form=form, expert=expert,
                profile=expert_service.profile_of(expert))


def _profile_values(form: ExpertProfileForm) -> dict:
    return {"organisation_name": form.organisation_name.data,
            "organisation_credit_code": form.organisation_credit_code.data,
            "unit_code": form.unit_code.data, "fields": form.expertise.data or [],
            "active": form.active.data}


def _filtered_query(form: ExpertFilterForm):
    query = (select(User)
             .outerjoin(ExpertProfile, ExpertProfile.user_id == User.id)
             .where(User.role == Role.EXPERT).order_by(User.username))
    if not form.validate():
        return query
    if form.q.data and form.q.data.strip():
        text = form.q.data.strip()
        query = query.where(or_(contains(User.username, text), contains(User.display_name, text),
                                contains(ExpertProfile.organisation_name, text)))
    if form.unit_code.data:
        query = query.where(ExpertProfile.unit_code == form.unit_code.data)
    if form.field.data:
        query = query.where(ExpertProfile.id.in_(
            select(ExpertExpertise.profile_id).where(ExpertExpertise.field == form.field.data)))
    if form.active.data == "1":
        query = query.where(ExpertProfile.active.is_(True))
    elif form.active.data == "0":
        query = query.where(or_(ExpertProfile.active.is_(False), ExpertProfile.id.is_(None)))
    elif form.active.data == WITHOUT_PROFILE:
        query = query.where(ExpertProfile.id.is_(None))
    return query


@routes.get("/experts")
def experts():
    """The expert pool, filtered by name, unit, field and status; paginated. Expert accounts
    without a profile are listed too (with the action that gives them one), and the page
    says how many there are, with a link that lists only them.

    An htmx request (the filter form) gets only the results partial.
    """
    allow(permissions.can_manage_experts)
    form = ExpertFilterForm(request.args)
    form.unit_code.choices = _unit_choices(_("Any"))
    results = db.paginate(_filtered_query(form), per_page=PAGE_SIZE, error_out=False)
    profiles = {p.user_id: p for p in db.session.scalars(select(ExpertProfile).where(
        ExpertProfile.user_id.in_([u.id for u in results.items])))}
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return page("ministry/experts.html", fragment="ministry/_expert_list.html", form=form,
                page=results, args=args, profiles=profiles,
                without_profile=_without_profile_count())


def _without_profile_count() -> int:
    return db.session.scalar(
        select(func.count()).select_from(User)
        .outerjoin(ExpertProfile, ExpertProfile.user_id == User.id)
        .where(User.role == Role.EXPERT, ExpertProfile.id.is_(None)))


@routes.route("/experts/<int:user_id>/edit", methods=["GET", "POST"])
def expert_edit(user_id: int):
    """Give an expert account (created by the system administrator) its pool profile, or
    edit it."""
    expert = load(User, user_id, permissions.can_edit_expert)
    profile = expert_service.profile_of(expert)
    form = ExpertProfileForm(obj=profile)
    form.unit_code.choices = _unit_choices(_("Choose…"))
    if request.method == "GET" and profile is not None:
        form.expertise.data = profile.fields
    if form.validate_on_submit():
        return perform(
            lambda: expert_service.save_expert_profile(actor=current_user, user=expert,
                                                       **_profile_values(form)),
            done=_("Profile of expert %(name)s saved.", name=expert.username),
            then=url_for("ministry.experts"),
            failed=lambda error: _expert_form_page(form, expert, error))
    return _expert_form_page(form, expert)
