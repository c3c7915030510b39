"""Password recovery by e-mail: a single-use link that expires after PASSWORD_RESET_MINUTES
(30), whose token is kept only as its SM3 digest. Asking for one gives the same answer
whether or not an account matches (no enumeration); the link goes to the account's own
address through the outbox."""
from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import timedelta

from flask import current_app
from flask_babel import force_locale, gettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select, update

from smplatform import clock
from smplatform.crypto import ring, sm3
from smplatform.enums import AuditOutcome
from smplatform.extensions import db
from smplatform.models import OutboxEmail, PasswordReset, User
from smplatform.services import DomainError
from smplatform.services.audit import client_ip, record, register_labels

register_labels({"auth.password_reset_request": _l("Password reset asked for"),
                 "auth.password_reset": _l("Password reset by e-mail link")})
SUBJECT = _l("Service-oriented manufacturing platform: reset your password")


def _digest(token: str) -> str:
    return sm3(token.encode())


def _accounts(identifier: str) -> list[User]:
    text = identifier.strip()
    if not text:
        return []
    return list(db.session.scalars(select(User).where(
        User.active.is_(True),
        or_(func.lower(User.username) == text.lower(),
            User.email_index.in_(ring().blind_indexes(text)))).order_by(User.id)))


def request_reset(*, identifier: str, link_for: Callable[[str], str]) -> None:
    """E-mail a reset link to every active account whose user name or e-mail address is
    `identifier` (an address may serve several accounts of one organisation).

    Side effects: adds PasswordReset rows and OutboxEmail messages; audit
    `auth.password_reset_request` (failure, with the name typed, when nothing matches).
    """
    users = [u for u in _accounts(identifier) if u.email]
    if not users:
        record("auth.password_reset_request", actor_name=identifier.strip()[:64],
               outcome=AuditOutcome.FAILURE, detail={"reason": "no_account"})
        return
    now = clock.now()
    minutes = current_app.config["PASSWORD_RESET_MINUTES"]
    for user in users:
        token = secrets.token_urlsafe(32)
        db.session.add(PasswordReset(user_id=user.id, token_hash=_digest(token), created_at=now,
                                     expires_at=now + timedelta(minutes=minutes),
                                     ip=client_ip()))
        link = link_for(token)
        bodies = []
        for locale in ("zh_CN", "en"):
            with force_locale(locale):
                bodies.append(gettext(
                    "Someone asked to reset the password of the account %(username)s. To "
                    "choose a new password, open this link within %(minutes)d minutes; it "
                    "works once:\n%(link)s\nIf it was not you, ignore this e-mail: your "
                    "password stays as it is.", username=user.username, minutes=minutes,
                    link=link))
        with force_locale("zh_CN"):
            subject = str(SUBJECT)
        db.session.add(OutboxEmail(to=user.email, subject=subject,
                                   body="\n\n".join(bodies) + "\n", created_at=now))
        record("auth.password_reset_request", actor=user)
    db.session.flush()


def valid_reset(token: str) -> PasswordReset | None:
    """The unused, unexpired reset of this token, if any."""
    row = db.session.scalar(select(PasswordReset).where(
        PasswordReset.token_hash == _digest(token or "")))
    if row is None or row.used_at is not None or row.expires_at <= clock.now():
        return None
    if not row.user.active:
        return None
    return row


def reset_password(*, token: str, new_password: str) -> User:
    """Set a new password through a reset link (which is then used up, with every other link
    of the account).

    Side effects: sets the password hash, clears must_change_password and a lockout; ends
    every session; marks the resets used; security notice; audit `auth.password_reset`.
    The second factor is not touched: it is still asked at the next sign-in.
    """
    from smplatform.services import accounts, security_notices
    row = valid_reset(token)
    if row is None:
        raise DomainError(_("This link does not work any more: it was used, or it is older "
                            "than %(m)d minutes. Ask for a new one.",
                            m=current_app.config["PASSWORD_RESET_MINUTES"]))
    user = row.user
    problems = accounts.password_messages(new_password, user.username)
    if problems:
        raise DomainError(problems[0], field="new_password")
    now = clock.now()
    user.password_hash = accounts.hash_password(new_password)
    user.password_changed_at = now
    user.must_change_password = False
    user.locked_until, user.failed_sign_ins = None, 0
    db.session.execute(update(PasswordReset).where(
        PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None)).values(used_at=now))
    accounts.end_all_sessions(user)
    record("auth.password_reset", actor=user)
    security_notices.notify(user=user, key="security.password_changed", params={})
    return user
