"""What a signed-in user must do before anything else: replace a password set by someone
else (`User.must_change_password`). Checked before every request of the app; only the
password page, sign-out, public pages and static files stay open meanwhile."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from smplatform.web import is_htmx

OPEN_ENDPOINTS = frozenset({"auth.change_password", "auth.sign_out", "static"})


def password_obligation():
    """Send a user whose password must be changed to the password page (303)."""
    if not getattr(current_user, "is_authenticated", False):
        return None
    if not current_user.must_change_password:
        return None
    endpoint = request.endpoint or ""
    if endpoint in OPEN_ENDPOINTS or endpoint.startswith("public."):
        return None
    target = url_for("auth.change_password")
    if is_htmx():
        response = redirect(target, 303)
        response.headers["HX-Redirect"] = target
        return response
    flash(_("Your password was set by someone else. Choose your own password to continue."),
          "info")
    return redirect(target, 303)
