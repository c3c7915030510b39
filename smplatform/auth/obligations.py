"""What a signed-in user must do before anything else: replace a password set by someone
else (`User.must_change_password`), or one older than the sign-in policy allows for the
role (services/security_policy.py; by default PASSWORD_MAX_AGE_DAYS).
Checked before every request of the app; only the password page, sign-out, public pages and
static files stay open meanwhile."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from smplatform.services import security_policy
from smplatform.web import is_htmx

OPEN_ENDPOINTS = frozenset({"auth.change_password", "auth.sign_out", "static"})


def password_obligation():
    """Send a user whose password must be changed to the password page (303)."""
    if not getattr(current_user, "is_authenticated", False):
        return None
    endpoint = request.endpoint or ""
    if endpoint in OPEN_ENDPOINTS or endpoint.startswith("public."):
        return None
    if current_user.must_change_password:
        message = _("Your password was set by someone else. Choose your own password to "
                    "continue.")
    elif days := security_policy.password_expired(current_user):
        message = _("Your password is older than %(n)d days. Choose a new one to continue.",
                    n=days)
    else:
        return None
    target = url_for("auth.change_password")
    if is_htmx():
        response = redirect(target, 303)
        response.headers["HX-Redirect"] = target
        return response
    flash(message, "info")
    return redirect(target, 303)
