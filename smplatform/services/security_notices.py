"""Security notices: the account holder is told, in the application and by e-mail, when the
account is locked, its password or second factor changes, or someone signs in from a device
not seen before. The e-mail goes to the account's own address (bilingual), through the outbox.
"""
from __future__ import annotations

from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l

from smplatform import clock
from smplatform.extensions import db
from smplatform.models import Notification, OutboxEmail, User
from smplatform.services import notifications

# What changed about a second factor (security.second_factor_changed), in the reader's words.
CHANGES = {
    "enrolled": _l("two-factor sign-in was set up"),
    "recovery_codes": _l("new recovery codes were made (the old ones no longer work)"),
    "recovery_code_used": _l("a recovery code was used to sign in"),
    "disabled": _l("two-factor sign-in was turned off"),
    "reset": _l("the security administrator reset it; set it up again at the next sign-in"),
}

MESSAGES = {
    "security.lockout": lambda p: gettext(
        "Your account was locked for %(minutes)s minutes after too many wrong passwords or "
        "codes, and its sessions were signed out. If this was not you, change your password "
        "once the lock ends and tell the platform's security administrator.", **p),
    "security.password_changed": lambda p: gettext(
        "The password of your account was changed. If this was not you, ask the platform's "
        "security administrator for a new password at once.", **p),
    "security.password_set": lambda p: gettext(
        "A security administrator set a temporary password for your account. You will be "
        "asked to choose your own when you next sign in.", **p),
    "security.second_factor_changed": lambda p: gettext(
        "The second factor of your account (authenticator app or recovery codes) was "
        "changed: %(change)s. If this was not you, tell the platform's security "
        "administrator at once.", change=str(CHANGES.get(p.get("change"), p.get("change")))),
    "security.new_device": lambda p: gettext(
        "Your account was signed in from a device not seen before: %(device)s, address "
        "%(ip)s. If this was not you, change your password and end that session on your "
        "account page.", **p),
}
notifications.MESSAGES.update(MESSAGES)
SUBJECT = _l("Service-oriented manufacturing platform: security notice")


def notify(*, user: User, key: str, params: dict) -> Notification:
    """Tell the user: an in-application notice and an e-mail to the account's address.

    Side effects: adds a Notification for the user and an OutboxEmail (bilingual body).
    """
    if key not in MESSAGES:
        raise ValueError(f"unknown security notice {key!r}")
    now = clock.now()
    note = Notification(user_id=user.id, key=key, params=dict(params), created_at=now)
    db.session.add(note)
    if user.email:
        bodies = []
        for locale in ("zh_CN", "en"):
            with force_locale(locale):
                bodies.append(notifications.render(key, params))
        with force_locale("zh_CN"):
            subject = str(SUBJECT)
        db.session.add(OutboxEmail(to=user.email, subject=subject,
                                   body=f"{bodies[0]}\n\n{bodies[1]}\n", created_at=now))
    db.session.flush()
    return note
