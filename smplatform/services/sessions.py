"""Signed-in sessions beyond opening and loading them (services/accounts.py): the device a
session runs on, the account page's list of active sessions and ending one, the limit of
concurrent sessions for privileged roles, notices of a sign-in from a new device, and the
recent proof of identity that sensitive actions need (re-authentication).

A device is recognised by a random, long-lived cookie (`smp_device`) whose SM3 digest each
session keeps; the browser is named from its User-Agent for the list.
"""
from __future__ import annotations

import re
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from smplatform import clock
from smplatform.crypto import sm3
from smplatform.enums import PRIVILEGED_ROLES
from smplatform.extensions import db
from smplatform.models import User, UserSession
from smplatform.services import DomainError
from smplatform.services.audit import record, register_labels

DEVICE_COOKIE = "smp_device"

register_labels({"auth.session_end": _l("Session ended"),
                 "auth.session_limit": _l("Oldest session ended (session limit)"),
                 "auth.reauthenticate": _l("Identity confirmed again")})


def new_device_token() -> str:
    return secrets.token_urlsafe(24)


def device_digest(token: str | None) -> str | None:
    return sm3(token.encode()) if token else None


_BROWSERS = (("Edg/", "Edge"), ("MicroMessenger", "WeChat"), ("Firefox/", "Firefox"),
             ("OPR/", "Opera"), ("Chrome/", "Chrome"), ("Safari/", "Safari"))
_SYSTEMS = (("Windows", "Windows"), ("iPhone", "iPhone"), ("iPad", "iPad"),
            ("Android", "Android"), ("Mac OS X", "macOS"), ("Linux", "Linux"))


def device_label(user_agent: str | None) -> str:
    """A short name of the browser and system ("Chrome on Windows"), or the raw start."""
    text = user_agent or ""
    browser = next((name for mark, name in _BROWSERS if mark in text), None)
    system = next((name for mark, name in _SYSTEMS if mark in text), None)
    if browser and system:
        return f"{browser} · {system}"
    return re.sub(r"\s+", " ", text)[:80] or "?"


def _live(query, now):
    config = current_app.config
    return query.where(UserSession.revoked_at.is_(None),
                       UserSession.last_seen_at > now - config["SESSION_IDLE_TIMEOUT"],
                       UserSession.created_at > now - config["SESSION_ABSOLUTE_TIMEOUT"])


def active_sessions(user: User) -> list[UserSession]:
    """The user's live sessions, the most recently used first."""
    now = clock.now()
    return list(db.session.scalars(_live(select(UserSession).where(
        UserSession.user_id == user.id), now).order_by(UserSession.last_seen_at.desc())))


def opened(*, user: User, row: UserSession) -> None:
    """After a session `row` is opened: keep privileged roles within the sign-in policy's
    session limit (security_policy; by default SESSION_LIMIT_PRIVILEGED: the oldest sessions
    end), and notice a sign-in from a device not seen before (not on the account's first
    sign-in).

    Side effects: revokes sessions beyond the limit (audit `auth.session_limit`); security
    notice `security.new_device`.
    """
    from smplatform.services import security_policy
    limit = security_policy.current().session_limit
    if limit and user.role in PRIVILEGED_ROLES:
        others = [s for s in active_sessions(user) if s.token_hash != row.token_hash]
        for extra in others[max(limit - 1, 0):]:
            extra.revoked_at = clock.now()
            record("auth.session_limit", actor=user,
                   detail={"device": extra.device, "ip": extra.ip, "limit": limit})
    earlier = select(UserSession.token_hash).where(UserSession.user_id == user.id,
                                                   UserSession.token_hash != row.token_hash)
    if db.session.scalar(earlier.limit(1)) is None:
        return  # the first sign-in: nothing to compare with
    if row.device_hash and db.session.scalar(
            earlier.where(UserSession.device_hash == row.device_hash).limit(1)) is not None:
        return
    from smplatform.services import security_notices
    security_notices.notify(user=user, key="security.new_device",
                            params={"device": row.device or "?", "ip": row.ip or "?"})


def current_row(user: User) -> UserSession | None:
    if not getattr(user, "session_token", None):
        return None
    from smplatform.services.accounts import token_hash
    return db.session.get(UserSession, token_hash(user.session_token))


def end(*, user: User, token_hash: str) -> None:
    """End one of one's own sessions (another device). Side effects: revokes it; audit
    `auth.session_end`. DomainError when it is not the user's, or already over."""
    row = db.session.get(UserSession, token_hash)
    if row is None or row.user_id != user.id or row.revoked_at is not None:
        from flask_babel import gettext as _
        raise DomainError(_("That session has already ended."))
    row.revoked_at = clock.now()
    record("auth.session_end", actor=user, detail={"device": row.device, "ip": row.ip})


def recently_authenticated(user: User) -> bool:
    """Password (and second factor) proven in this session within REAUTH_MINUTES."""
    row = current_row(user)
    if row is None or row.authenticated_at is None:
        return False
    window = timedelta(minutes=current_app.config["REAUTH_MINUTES"])
    return clock.now() - row.authenticated_at <= window


def reauthenticate(*, user: User, password: str, code: str | None) -> None:
    """Prove identity again before a sensitive action: the password, and the second factor
    when the account has one. Wrong answers count toward the lockout.

    Side effects: sets this session's authenticated_at; audit `auth.reauthenticate` (also on
    failure). Raises DomainError.
    """
    from flask_babel import gettext as _

    from smplatform.services import accounts, two_factor
    if accounts.is_locked(user) or not accounts.verify_password(user, password):
        if not accounts.is_locked(user):
            accounts.count_failure(user, action="auth.reauthenticate", reason="bad_password")
        raise DomainError(_("The password is wrong."), field="password")
    if user.has_two_factor:
        two_factor.verify(user=user, code=code or "")
    user.failed_sign_ins = 0
    row = current_row(user)
    if row is not None:
        row.authenticated_at = clock.now()
    record("auth.reauthenticate", actor=user)
