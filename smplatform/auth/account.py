"""Sign-in, sign-out, registration of applicant organisations, password change."""
from __future__ import annotations

from flask import current_app, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from sqlalchemy import select

from smplatform.auth import signing_in
from smplatform.auth.forms import ChangePasswordForm, RegistrationForm, SignInForm
from smplatform.enums import OrgType, UnitKind
from smplatform.extensions import db, limiter
from smplatform.models import City, Unit
from smplatform.permissions import can_view_public, is_signed_in
from smplatform.services import DomainError, accounts, two_factor
from smplatform.web import Routes, allow, form_error, page, perform, safe_next

routes = Routes()


@routes.app_template_global
def dashboard_url(user) -> str:
    """The landing page of the user's role (also used by templates: "Go to my dashboard")."""
    return signing_in.dashboard_url(user)


def _sign_in_limit() -> str:
    return current_app.config["RATELIMIT_SIGN_IN"]


def _register_limit() -> str:
    return current_app.config["RATELIMIT_REGISTER"]


def _sign_in(form: SignInForm, token: str):
    """Authenticate; then either the session (no second factor) or the pending sign-in that
    the second step (or the enrolment) completes. Returns where to go."""
    user = accounts.authenticate(username=form.username.data.strip(),
                                 password=form.password.data)
    next_url = safe_next(request.args.get("next"))
    if two_factor.needs_second_step(user):
        signing_in.begin(user, next_url)
        return signing_in.second_step_url(user)
    signing_in.finish(user, token)
    return signing_in.landing(user, next_url)


@routes.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
def sign_in():
    allow(can_view_public)
    if current_user.is_authenticated:
        return redirect(dashboard_url(current_user))
    form = SignInForm()
    if form.validate_on_submit():
        token = signing_in.device_token()
        # A refusal is committed: it keeps the failure count and the audit entry.
        return signing_in.remember_device(perform(
            lambda: _sign_in(form, token), commit_refusal=True, then=lambda target: target,
            failed=lambda error: _sign_in_page(form, error)), token)
    return _sign_in_page(form)


def _sign_in_page(form: SignInForm, error: DomainError | None = None):
    if error is not None:
        form_error(form, error, "password")
    return page("auth/sign_in.html", form=form)


def _sign_out() -> None:
    accounts.end_session(user=current_user)
    signing_in.keep_language_over(lambda: (logout_user(), session.clear()))


@routes.post("/sign-out")
def sign_out():
    allow(is_signed_in)
    return perform(_sign_out, done=_("You have signed out."), then=url_for("public.home"))


def _unit_choices():
    units = db.session.scalars(select(Unit).order_by(Unit.code)).all()
    planned = UnitKind.PLANNED_CITY.label
    return [("", _("Choose…"))] + [
        (u.code, f"{u.name} ({planned})" if u.is_planned_city else u.name) for u in units]


def _city_choices(unit_code: str | None):
    if not unit_code:
        return [("", _("Choose the provincial-level unit first"))]
    cities = db.session.scalars(select(City).where(City.unit_code == unit_code)
                                .order_by(City.code)).all()
    return [("", _("Choose…"))] + [(c.code, c.name) for c in cities]


@routes.route("/register", methods=["GET", "POST"])
@limiter.limit(_register_limit, methods=["POST"])
def register():
    allow(can_view_public)
    if current_user.is_authenticated:
        return redirect(dashboard_url(current_user))
    form = RegistrationForm()
    form.password.description = _(
        "At least %(n)d characters, mixing %(k)d of: lower-case, upper-case, digits, symbols.",
        n=current_app.config["PASSWORD_MIN_LENGTH"], k=current_app.config["PASSWORD_MIN_CLASSES"])
    form.unit_code.choices = _unit_choices()
    form.city_code.choices = _city_choices(form.unit_code.data)
    if request.method != "POST":
        return _register_page(form)
    # Every problem in one round: the form's own checks and the registration's rules
    # (credit code, unit and city, user name, password policy) on whatever was typed.
    valid = form.validate()
    problems = accounts.registration_problems(
        org_type=form.org_type.data, credit_code=form.credit_code.data,
        unit_code=form.unit_code.data, city_code=form.city_code.data or None,
        username=(form.username.data or "").strip(), password=form.password.data)
    if problems:
        form_error(form, accounts.FieldsRefused(problems))
    if not valid or form.errors:
        return _register_page(form, status=400)
    token = signing_in.device_token()
    return signing_in.remember_device(perform(
        lambda: _register_and_sign_in(form, token),
        done=lambda target: (_("Your organisation is registered and you are signed in. Start a "
                               "declaration, or add your colleagues under Accounts.")
                             if current_user.is_authenticated else
                             _("Your organisation is registered. Set up your second factor "
                               "to finish signing in.")),
        then=lambda target: target,
        failed=lambda error: _register_page(form, error, status=400)), token)


def _register_and_sign_in(form: RegistrationForm, token: str) -> str:
    """Register the organisation and sign its first user in the way the sign-in form does (a
    fresh session, the chosen language kept; the second step first when the sign-in policy
    asks applicants for one). Returns where to go."""
    user = accounts.register_organisation(
        org_type=OrgType(form.org_type.data), name=form.name.data,
        credit_code=form.credit_code.data, unit_code=form.unit_code.data,
        city_code=form.city_code.data or None, contact_name=form.contact_name.data,
        contact_mobile=form.contact_mobile.data, contact_email=form.contact_email.data,
        username=form.username.data.strip(), password=form.password.data)
    if two_factor.needs_second_step(user):
        signing_in.begin(user, None)
        return signing_in.second_step_url(user)
    signing_in.finish(user, token)
    return url_for("applicant.dashboard")


def _register_page(form: RegistrationForm, error: DomainError | None = None,
                   status: int = 200):
    if error is not None:
        form_error(form, error, "name")
    return page("auth/register.html", form=form, status=status)


@routes.get("/register/cities")
def cities():
    """The city options for a unit (htmx swaps them into the registration form)."""
    allow(can_view_public)
    unit_code = request.args.get("unit_code") or None
    return page("auth/_city_options.html", choices=_city_choices(unit_code),
                selected=request.args.get("city_code"))


@routes.route("/password", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])  # a current-password guess is a sign-in
def change_password():
    allow(is_signed_in)
    form = ChangePasswordForm()
    if form.validate_on_submit():
        # A refusal is committed: it keeps the audit entry of the failed attempt.
        return perform(
            lambda: accounts.change_password(user=current_user,
                                             current_password=form.current_password.data,
                                             new_password=form.new_password.data),
            commit_refusal=True,
            done=_("Your password has been changed. Your other sessions were signed out."),
            then=lambda _result: dashboard_url(current_user),
            failed=lambda error: _change_password_page(form, error))
    return _change_password_page(form)


def _change_password_page(form: ChangePasswordForm, error: DomainError | None = None):
    if error is not None:
        form_error(form, error, "current_password")
    return page("auth/change_password.html", form=form)
