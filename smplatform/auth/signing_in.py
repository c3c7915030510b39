"""The steps of signing in, shared by the sign-in, second-step and enrolment pages.

After the password, an account that uses (or must use) a second factor is only *pending*:
the session cookie holds its id, when the password was proven and where to go next, for
PENDING_MINUTES; nothing else is open to it. The second step (or, at the first sign-in of a
role that requires it, the enrolment) then opens the real server-side session.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import request, session, url_for
from flask_login import login_user

from smplatform import clock
from smplatform.enums import Role
from smplatform.extensions import db
from smplatform.models import User
from smplatform.services import accounts, sessions
from smplatform.services.registry import link_on_sign_in

PENDING = "pending_sign_in"
PENDING_MINUTES = 5


def keep_language_over(clearing) -> None:
    """Run `clearing` (which empties the session) and keep the chosen language."""
    lang = session.get("lang")
    clearing()
    if lang:
        session["lang"] = lang


def begin(user: User, next_url: str | None) -> None:
    """The password is right: a fresh session (no fixation) holding the pending sign-in."""
    keep_language_over(session.clear)
    session[PENDING] = {"user": user.id, "at": clock.now().isoformat(), "next": next_url}


def pending_user() -> User | None:
    """The account whose password was proven in the last PENDING_MINUTES, if any."""
    pending = session.get(PENDING)
    if not pending:
        return None
    try:
        at = datetime.fromisoformat(pending["at"])
    except (KeyError, TypeError, ValueError):
        return None
    if clock.now() - at > timedelta(minutes=PENDING_MINUTES):
        session.pop(PENDING, None)
        return None
    user = db.session.get(User, pending.get("user"))
    return user if user is not None and user.active else None


def pending_next() -> str | None:
    return (session.get(PENDING) or {}).get("next")


def device_token() -> str:
    """This browser's device token (its cookie), or a new one to set with the answer."""
    return request.cookies.get(sessions.DEVICE_COOKIE) or sessions.new_device_token()


def remember_device(response, token: str):
    """Set the device cookie (a year; HttpOnly, SameSite=Lax, Secure as the session's)."""
    from flask import current_app
    if request.cookies.get(sessions.DEVICE_COOKIE) != token:
        response.set_cookie(sessions.DEVICE_COOKIE, token, max_age=365 * 24 * 3600,
                            httponly=True, samesite="Lax",
                            secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


def finish(user: User, token: str) -> User:
    """Open the real session for `user` (the pending sign-in, if any, ends)."""
    keep_language_over(session.clear)
    accounts.start_session(user=user, device_token=token,
                           user_agent=request.headers.get("User-Agent"))
    link_on_sign_in(user)
    login_user(user)
    return user


DASHBOARDS = {
    Role.APPLICANT: "applicant.dashboard",
    Role.PROVINCE: "province.dashboard",
    Role.MINISTRY: "ministry.dashboard",
    Role.EXPERT: "expert.dashboard",
    Role.CITY: "city.dashboard",
    Role.SYSTEM_ADMIN: "admin.home",
    Role.SECURITY_ADMIN: "admin.home",
    Role.AUDIT_ADMIN: "admin.home",
}


def dashboard_url(user) -> str:
    """The landing page of the user's role."""
    return url_for(DASHBOARDS[Role(user.role)])


def landing(user: User, next_url: str | None) -> str:
    return next_url or dashboard_url(user)


def second_step_url(user: User) -> str:
    return url_for("auth.second_step" if user.has_two_factor else "auth.enrol_at_sign_in")
