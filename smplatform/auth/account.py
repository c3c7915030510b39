"""Sign-in, sign-out, registration of applicant organisations, password change."""
from __future__ import annotations

from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from smplatform.auth.forms import ChangePasswordForm, RegistrationForm, SignInForm
from smplatform.enums import OrgType, Role, UnitKind
from smplatform.extensions import db, limiter
from smplatform.models import City, Unit
from smplatform.services import DomainError, accounts
from smplatform.web import Routes

routes = Routes()


DASHBOARDS = {
    Role.APPLICANT: "applicant.dashboard",
    Role.PROVINCE: "province.dashboard",
    Role.MINISTRY: "ministry.dashboard",
    Role.EXPERT: "expert.dashboard",
}


@routes.app_template_global
def dashboard_url(user) -> str:
    """The landing page of the user's role (also used by templates: "Go to my dashboard")."""
    return url_for(DASHBOARDS[Role(user.role)])


def _safe_next(target: str | None) -> str | None:
    """Only same-site relative paths are followed after sign-in."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


def _sign_in_limit() -> str:
    return current_app.config["RATELIMIT_SIGN_IN"]


def _register_limit() -> str:
    return current_app.config["RATELIMIT_REGISTER"]


@routes.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(dashboard_url(current_user))
    form = SignInForm()
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(username=form.username.data.strip(),
                                         password=form.password.data)
        except DomainError as error:
            db.session.commit()  # keep the failure count and the audit entry
            form.password.errors.append(error.message)
            return render_template("auth/sign_in.html", form=form), 200
        lang = session.get("lang")
        session.clear()  # a fresh session on every sign-in (no fixation)
        if lang:
            session["lang"] = lang
        accounts.start_session(user=user)
        from smplatform.services.registry import link_on_sign_in; link_on_sign_in(user)  # noqa: E702,I001
        db.session.commit()
        login_user(user)
        return redirect(_safe_next(request.args.get("next")) or dashboard_url(user))
    return render_template("auth/sign_in.html", form=form)


@routes.post("/sign-out")
@login_required
def sign_out():
    accounts.end_session(user=current_user)
    db.session.commit()
    lang = session.get("lang")
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("You have signed out."), "success")
    return redirect(url_for("public.home"))


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
    if current_user.is_authenticated:
        return redirect(dashboard_url(current_user))
    form = RegistrationForm()
    form.password.description = _(
        "At least %(n)d characters, mixing %(k)d of: lower-case, upper-case, digits, symbols.",
        n=current_app.config["PASSWORD_MIN_LENGTH"], k=current_app.config["PASSWORD_MIN_CLASSES"])
    form.unit_code.choices = _unit_choices()
    form.city_code.choices = _city_choices(form.unit_code.data)
    if form.validate_on_submit():
        is_city = form.org_type.data == OrgType.CITY_DEPARTMENT
        if is_city and not form.city_code.data:
            form.city_code.errors.append(_("A city department must choose its city."))
        else:
            try:
                accounts.register_organisation(
                    org_type=OrgType(form.org_type.data), name=form.name.data,
                    credit_code=form.credit_code.data, unit_code=form.unit_code.data,
                    city_code=form.city_code.data or None, contact_name=form.contact_name.data,
                    contact_mobile=form.contact_mobile.data,
                    contact_email=form.contact_email.data,
                    username=form.username.data.strip(), password=form.password.data)
            except DomainError as error:
                db.session.rollback()
                getattr(form, error.field or "name").errors.append(error.message)
            else:
                db.session.commit()
                flash(_("Your organisation is registered. Sign in with your user name."),
                      "success")
                return redirect(url_for("auth.sign_in"))
    return render_template("auth/register.html", form=form)


@routes.get("/register/cities")
def cities():
    """The city options for a unit (htmx swaps them into the registration form)."""
    unit_code = request.args.get("unit_code") or None
    return render_template("auth/_city_options.html", choices=_city_choices(unit_code),
                           selected=request.args.get("city_code"))


@routes.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(user=current_user,
                                     current_password=form.current_password.data,
                                     new_password=form.new_password.data)
        except DomainError as error:
            db.session.commit()  # keeps the audit entry of the failed attempt
            getattr(form, error.field).errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Your password has been changed. Your other sessions were signed out."),
                  "success")
            return redirect(dashboard_url(current_user))
    return render_template("auth/change_password.html", form=form)
