"""Two-factor sign-in: TOTP (RFC 6238, any authenticator app) and one-time recovery codes.

Which roles must use it is the sign-in policy (services/security_policy.py: the security
administrator's, by default the setting TWO_FACTOR_ROLES: every role but applicants, who may
enrol if they wish). The secret is SM4-encrypted at rest; a code is accepted for the
time step before, at and after the server's (clock drift), and a step once accepted is never
accepted again (RFC 6238 §5.2). Recovery codes are kept as SM3 digests and work once each.
"""
from __future__ import annotations

import base64
import secrets

import pyotp
import segno
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from smplatform import clock
from smplatform.crypto import sm3
from smplatform.enums import AuditOutcome
from smplatform.extensions import db
from smplatform.models import RecoveryCode, User
from smplatform.services import DomainError
from smplatform.services.audit import record, register_labels

ISSUER = "smplatform"
STEP_SECONDS = 30
DRIFT_STEPS = 1
RECOVERY_CODES = 10
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread

register_labels({
    "auth.two_factor_enrol": _l("Two-factor sign-in set up"),
    "auth.two_factor_disable": _l("Two-factor sign-in turned off"),
    "auth.recovery_codes": _l("New recovery codes"),
    "auth.recovery_code_used": _l("Recovery code used"),
    "auth.second_factor_failed": _l("Wrong second-factor code"),
    "user.two_factor_reset": _l("Second factor reset"),
})


def required_for(user: User) -> bool:
    """The user's role must sign in with a second factor (the sign-in policy:
    security_policy, by default TWO_FACTOR_ROLES)."""
    from smplatform.services import security_policy
    return user.role in security_policy.current().two_factor_roles


def needs_second_step(user: User) -> bool:
    return user.has_two_factor or required_for(user)


# ------------------------------------------------------------------------------ enrolment


def start_enrolment(*, user: User) -> str:
    """Make the secret to enrol (a new one each time the set-up starts).

    Side effects: sets totp_secret while totp_confirmed_at stays None."""
    if user.has_two_factor:
        raise DomainError(_("Two-factor sign-in is already set up."))
    user.totp_secret = pyotp.random_base32()
    user.totp_last_step = None
    return user.totp_secret


def enrolling_secret(user: User) -> str | None:
    """The secret started but not yet confirmed, if any."""
    return user.totp_secret if user.totp_secret and user.totp_confirmed_at is None else None


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)


def qr_data_uri(uri: str) -> str:
    """The otpauth URI as an SVG QR code in a data URI (the CSP allows img-src data:)."""
    svg = segno.make(uri, error="m").svg_inline(scale=5, border=2, dark="#000", light="#fff")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _step(at) -> int:
    return int(at.timestamp()) // STEP_SECONDS


def _accept_totp(user: User, code: str) -> bool:
    """Accept a 6-digit code for a step within the drift window not used before."""
    if not (user.totp_secret and len(code) == 6 and code.isdigit()):
        return False
    totp = pyotp.TOTP(user.totp_secret)
    now = _step(clock.now())
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if user.totp_last_step is not None and step <= user.totp_last_step:
            continue
        if secrets.compare_digest(totp.generate_otp(step), code):
            user.totp_last_step = step
            return True
    return False


def confirm_enrolment(*, user: User, code: str) -> list[str]:
    """Finish enrolling with a first code from the app; return fresh recovery codes.

    Side effects: sets totp_confirmed_at and totp_last_step; replaces recovery codes; audit
    `auth.two_factor_enrol`; security notice. Raises DomainError on a wrong code.
    """
    if user.totp_confirmed_at is not None or not user.totp_secret:
        raise DomainError(_("Start the set-up again."))
    if not _accept_totp(user, _clean(code)):
        record("auth.two_factor_enrol", actor=user, outcome=AuditOutcome.FAILURE)
        raise DomainError(_("That code is not right. Enter the 6-digit code your "
                            "authenticator app shows now."), field="code")
    user.totp_confirmed_at = clock.now()
    record("auth.two_factor_enrol", actor=user)
    codes = _replace_recovery_codes(user)
    _notice(user, "enrolled")
    return codes


def _clean(code: str) -> str:
    return "".join((code or "").split()).replace("-", "").upper()


# ------------------------------------------------------------------------- recovery codes


def _recovery_digest(user: User, code: str) -> str:
    return sm3(f"{user.id}:{_clean(code)}".encode())


def _replace_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    now = clock.now()
    codes = []
    for _n in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_ALPHABET) for _ in range(16))
        codes.append("-".join(raw[i:i + 4] for i in range(0, 16, 4)))
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_recovery_digest(user, raw),
                                    created_at=now))
    db.session.flush()
    return codes


def new_recovery_codes(*, user: User) -> list[str]:
    """Replace the recovery codes (the old ones stop working).

    Side effects: replaces RecoveryCode rows; audit `auth.recovery_codes`; security notice."""
    if not user.has_two_factor:
        raise DomainError(_("Set up two-factor sign-in first."))
    codes = _replace_recovery_codes(user)
    record("auth.recovery_codes", actor=user)
    _notice(user, "recovery_codes")
    return codes


def unused_recovery_codes(user: User) -> int:
    return len(db.session.scalars(select(RecoveryCode.id).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))).all())


def _accept_recovery_code(user: User, code: str) -> bool:
    cleaned = _clean(code)
    if len(cleaned) != 16:
        return False
    row = db.session.scalar(select(RecoveryCode).where(
        RecoveryCode.code_hash == _recovery_digest(user, cleaned),
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)))
    if row is None:
        return False
    row.used_at = clock.now()
    return True


# ---------------------------------------------------------------------- the second step


def verify(*, user: User, code: str) -> None:
    """Check the second step: a TOTP code, or a recovery code (used up).

    Side effects: totp_last_step or the recovery code's used_at; a wrong code counts toward
    the lockout (accounts.count_failure: audit `auth.second_factor_failed`); audit
    `auth.recovery_code_used`. Raises DomainError when the code is wrong or the account is
    locked.
    """
    from smplatform.services import accounts
    if accounts.is_locked(user):
        raise DomainError(_("The account is locked. Try again later."), field="code")
    cleaned = _clean(code)
    if _accept_totp(user, cleaned):
        user.failed_sign_ins = 0
        return
    if _accept_recovery_code(user, cleaned):
        user.failed_sign_ins = 0
        record("auth.recovery_code_used", actor=user,
               detail={"left": unused_recovery_codes(user)})
        _notice(user, "recovery_code_used")
        return
    locked = accounts.count_failure(user, action="auth.second_factor_failed",
                                    reason="wrong_code")
    if locked:
        raise DomainError(_("The account is locked. Try again later."), field="code")
    raise DomainError(_("That code is not right. Enter the 6-digit code your authenticator "
                        "app shows now, or one of your recovery codes."), field="code")


# -------------------------------------------------------------- turning it off, resetting


def disable(*, user: User) -> None:
    """Turn off one's own second factor, where the role does not require it.

    Side effects: clears the secret and recovery codes; audit `auth.two_factor_disable`;
    security notice."""
    if required_for(user):
        raise DomainError(_("Your role must sign in with a second factor."))
    _clear(user)
    record("auth.two_factor_disable", actor=user)
    _notice(user, "disabled")


def reset(*, actor: User, user: User) -> None:
    """The security administrator resets a lost second factor: the holder enrols again at
    the next sign-in. Side effects: clears it; ends the holder's sessions; audit
    `user.two_factor_reset`; security notice."""
    from smplatform.services import accounts
    if user.id == actor.id:
        raise DomainError(_("You cannot reset your own second factor."))
    _clear(user)
    accounts.end_all_sessions(user)
    record("user.two_factor_reset", actor=actor, obj=user, detail={"username": user.username})
    _notice(user, "reset")


def _clear(user: User) -> None:
    user.totp_secret = None
    user.totp_confirmed_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def _notice(user: User, change: str) -> None:
    from smplatform.services import security_notices
    security_notices.notify(user=user, key="security.second_factor_changed",
                            params={"change": change})
