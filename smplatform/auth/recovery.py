"""Password recovery: ask for a reset link (the same answer whether or not the account
exists), and choose a new password through it."""
from __future__ import annotations

from flask import current_app, url_for
from flask_babel import gettext as _

from smplatform.auth.forms import ForgotPasswordForm, ResetPasswordForm
from smplatform.extensions import limiter
from smplatform.permissions import can_view_public
from smplatform.services import DomainError, password_reset
from smplatform.web import Routes, allow, form_error, page, perform

routes = Routes()


def _limit() -> str:
    return current_app.config["RATELIMIT_SIGN_IN"]


@routes.route("/forgot", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
def forgot_password():
    allow(can_view_public)
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        return perform(
            lambda: password_reset.request_reset(
                identifier=form.identifier.data,
                link_for=lambda token: url_for("auth.reset_password", token=token,
                                               _external=True)),
            done=_("If an account has this user name or e-mail address, a link to reset its "
                   "password is on its way to the account's e-mail address. It works once, "
                   "for %(m)d minutes.", m=current_app.config["PASSWORD_RESET_MINUTES"]),
            then=url_for("auth.sign_in"))
    return page("auth/forgot_password.html", form=form)


@routes.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
def reset_password(token: str):
    allow(can_view_public)
    form = ResetPasswordForm()
    if password_reset.valid_reset(token) is None:
        return page("auth/reset_password.html", form=None, status=404)
    if form.validate_on_submit():
        return perform(
            lambda: password_reset.reset_password(token=token,
                                                  new_password=form.new_password.data),
            done=_("Your password has been changed. Sign in with it."),
            then=url_for("auth.sign_in"),
            failed=lambda error: _reset_page(form, error))
    return _reset_page(form)


def _reset_page(form, error: DomainError | None = None):
    if error is not None:
        form_error(form, error, "new_password")
    return page("auth/reset_password.html", form=form)
