"""What a signed-in user must do before anything else: replace a password set by someone
else (`User.must_change_password`), or one older than the role's PASSWORD_MAX_AGE_DAYS.
Checked before every request of the app; only the password page, sign-out, public pages and
static files stay open meanwhile."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from smplatform import clock
from smplatform.web import is_htmx

OPEN_ENDPOINTS = frozenset({"auth.change_password", "auth.sign_out", "static"})


def password_expired(user) -> bool:
    """The role's password expiry (days; 0 or missing: never) has passed."""
    days = (current_app.config.get("PASSWORD_MAX_AGE_DAYS") or {}).get(user.role) or 0
    changed = user.password_changed_at or user.created_at
    return bool(days) and changed is not None and clock.now() - changed > timedelta(days=days)


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
    elif password_expired(current_user):
        days = current_app.config["PASSWORD_MAX_AGE_DAYS"][current_user.role]
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
