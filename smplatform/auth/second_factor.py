"""Two-factor sign-in pages: the second step of signing in (one input for the code), the
enrolment at the first sign-in of a role that requires it, and the account's own set-up
(optional for applicants), recovery codes and turning it off."""
from __future__ import annotations

from flask import redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from smplatform.auth import signing_in
from smplatform.auth.forms import CodeForm, EnrolForm
from smplatform.extensions import limiter
from smplatform.permissions import can_view_public, is_signed_in
from smplatform.services import DomainError, two_factor
from smplatform.web import Routes, allow, form_error, page, perform

routes = Routes()


def _limit() -> str:
    from flask import current_app
    return current_app.config["RATELIMIT_SIGN_IN"]


def _again():
    from flask import flash
    flash(_("Sign in again: the first step was too long ago."), "info")
    return redirect(url_for("auth.sign_in"))


# ------------------------------------------------------------ while signing in (pending)


@routes.route("/sign-in/code", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
def second_step():
    """The second step: the code from the authenticator app (or a recovery code)."""
    allow(can_view_public)
    user = signing_in.pending_user()
    if user is None:
        return _again()
    if not user.has_two_factor:
        return redirect(url_for("auth.enrol_at_sign_in"))
    form = CodeForm()
    if form.validate_on_submit():
        token = signing_in.device_token()
        next_url = signing_in.pending_next()

        def finish():
            two_factor.verify(user=user, code=form.code.data)
            return signing_in.finish(user, token)
        # A refusal is committed: the failure counts toward the lockout.
        return signing_in.remember_device(perform(
            finish, commit_refusal=True, then=lambda u: signing_in.landing(u, next_url),
            failed=lambda error: _code_page(form, error)), token)
    return _code_page(form)


def _code_page(form, error: DomainError | None = None):
    if error is not None:
        form_error(form, error, "code")
    return page("auth/second_step.html", form=form)


def _enrol_page(user, form, *, start_url: str, confirm_url: str, error=None, status=200):
    if error is not None:
        form_error(form, error, "code")
    secret = two_factor.enrolling_secret(user)
    uri = two_factor.provisioning_uri(user, secret) if secret else None
    return page("auth/enrol.html", form=form, secret=secret, status=status,
                qr=two_factor.qr_data_uri(uri) if uri else None, start_url=start_url,
                confirm_url=confirm_url, required=two_factor.required_for(user))


@routes.get("/sign-in/enrol")
def enrol_at_sign_in():
    """First sign-in of a role that requires two-factor sign-in: set it up now."""
    allow(can_view_public)
    user = signing_in.pending_user()
    if user is None:
        return _again()
    if user.has_two_factor:
        return redirect(url_for("auth.second_step"))
    return _enrol_page(user, EnrolForm(), start_url=url_for("auth.enrol_start_at_sign_in"),
                       confirm_url=url_for("auth.enrol_confirm_at_sign_in"))


@routes.post("/sign-in/enrol/start")
def enrol_start_at_sign_in():
    allow(can_view_public)
    user = signing_in.pending_user()
    if user is None:
        return _again()
    return perform(lambda: two_factor.start_enrolment(user=user),
                   then=url_for("auth.enrol_at_sign_in"))


@routes.post("/sign-in/enrol")
@limiter.limit(_limit)
def enrol_confirm_at_sign_in():
    """Confirm the app with its first code; the session opens and the recovery codes are
    shown, once."""
    allow(can_view_public)
    user = signing_in.pending_user()
    if user is None:
        return _again()
    form = EnrolForm()
    urls = {"start_url": url_for("auth.enrol_start_at_sign_in"),
            "confirm_url": url_for("auth.enrol_confirm_at_sign_in")}
    if not form.validate_on_submit():
        return _enrol_page(user, form, **urls, status=400)
    token = signing_in.device_token()
    next_url = signing_in.pending_next()

    def finish():
        codes = two_factor.confirm_enrolment(user=user, code=form.code.data)
        signing_in.finish(user, token)
        return codes
    return signing_in.remember_device(perform(
        finish, commit_refusal=True,
        then=lambda codes: page("auth/recovery_codes.html", codes=codes,
                                then=signing_in.landing(user, next_url)),
        failed=lambda error: _enrol_page(user, form, **urls, error=error, status=400)), token)


# ---------------------------------------------------------------- the signed-in account


@routes.route("/two-factor", methods=["GET", "POST"])
def two_factor_page():
    """The account's second factor: set it up (optional for applicants), confirm it."""
    allow(is_signed_in)
    form = EnrolForm()
    urls = {"start_url": url_for("auth.two_factor_start"),
            "confirm_url": url_for("auth.two_factor_page")}
    if form.validate_on_submit():
        return perform(
            lambda: two_factor.confirm_enrolment(user=current_user, code=form.code.data),
            commit_refusal=True,
            then=lambda codes: page("auth/recovery_codes.html", codes=codes,
                                    then=url_for("auth.account")),
            failed=lambda error: _enrol_page(current_user, form, **urls, error=error,
                                             status=400))
    if current_user.has_two_factor:
        return redirect(url_for("auth.account"))
    return _enrol_page(current_user, form, **urls)


@routes.post("/two-factor/start")
def two_factor_start():
    allow(is_signed_in, fresh=True)
    return perform(lambda: two_factor.start_enrolment(user=current_user),
                   then=url_for("auth.two_factor_page"))


@routes.post("/two-factor/recovery-codes")
def recovery_codes():
    """New recovery codes (the old ones stop working), shown once."""
    allow(is_signed_in, fresh=True)
    return perform(lambda: two_factor.new_recovery_codes(user=current_user),
                   then=lambda codes: page("auth/recovery_codes.html", codes=codes,
                                           then=url_for("auth.account")),
                   failed=url_for("auth.account"))


@routes.post("/two-factor/disable")
def two_factor_disable():
    """Turn two-factor sign-in off, where the role does not require it."""
    allow(is_signed_in, fresh=True)
    return perform(lambda: two_factor.disable(user=current_user),
                   done=_("Two-factor sign-in is off."), then=url_for("auth.account"))
