"""The account page (sessions on every device, two-factor status) and re-authentication
before sensitive actions (web.require_fresh_sign_in sends the user here)."""
from __future__ import annotations

from flask import redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from smplatform.auth.forms import ConfirmForm
from smplatform.extensions import limiter
from smplatform.permissions import is_signed_in
from smplatform.services import DomainError, sessions, two_factor
from smplatform.web import Routes, allow, form_error, page, perform, safe_next

routes = Routes()


def _limit() -> str:
    from flask import current_app
    return current_app.config["RATELIMIT_SIGN_IN"]


@routes.get("/")
def account():
    """The user's own account: active sessions (device, address, last seen), which can be
    ended, and the second factor."""
    allow(is_signed_in)
    current = sessions.current_row(current_user)
    return page("auth/account.html", sessions=sessions.active_sessions(current_user),
                current=current.token_hash if current else None,
                required=two_factor.required_for(current_user),
                recovery_left=two_factor.unused_recovery_codes(current_user)
                if current_user.has_two_factor else 0)


@routes.post("/sessions/end")
def end_session():
    """End one of one's own sessions on another device."""
    allow(is_signed_in)
    token_hash = request.form.get("session", "")
    return perform(lambda: sessions.end(user=current_user, token_hash=token_hash),
                   done=_("That session has ended."), then=url_for("auth.account"))


@routes.route("/confirm", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
def confirm():
    """Prove identity again (password, and the code when the account has a second factor),
    then go back to the page of the sensitive action."""
    allow(is_signed_in)
    form = ConfirmForm()
    back = safe_next(request.args.get("next"))
    if form.validate_on_submit():
        return perform(
            lambda: sessions.reauthenticate(user=current_user, password=form.password.data,
                                            code=form.code.data),
            commit_refusal=True, done=_("Confirmed. You can go on."),
            then=back or url_for("auth.account"),
            failed=lambda error: _confirm_page(form, error))
    if sessions.recently_authenticated(current_user) and back:
        return redirect(back)
    return _confirm_page(form)


def _confirm_page(form: ConfirmForm, error: DomainError | None = None):
    if error is not None:
        form_error(form, error, "password")
    return page("auth/confirm.html", form=form, needs_code=current_user.has_two_factor)
