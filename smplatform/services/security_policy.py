"""The sign-in policy in force: which roles must sign in with a second factor, how old a
password may grow per role, how many sessions a privileged account keeps at once.

The deployment's settings (TWO_FACTOR_ROLES, PASSWORD_MAX_AGE_DAYS, SESSION_LIMIT_PRIVILEGED)
are the defaults; the security administrator changes the policy in the platform (`update`),
which then holds over them. The three administrators always sign in with a second factor.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from smplatform import clock
from smplatform.enums import ADMIN_ROLES, Role
from smplatform.extensions import db
from smplatform.models import SecurityPolicy, User
from smplatform.services import DomainError
from smplatform.services.audit import record, register_labels

POLICY_ID = 1
MAX_AGE_LIMIT = 365
SESSION_LIMIT_MAX = 20

register_labels({"security.policy": _l("Sign-in policy changed")})


@dataclass(frozen=True)
class Policy:
    two_factor_roles: frozenset[str]
    password_max_age_days: dict[str, int]
    session_limit: int


def _row() -> SecurityPolicy | None:
    return db.session.get(SecurityPolicy, POLICY_ID)


def current() -> Policy:
    """The policy in force: the security administrator's, else the deployment's settings."""
    config = current_app.config
    row = _row()
    roles = row.two_factor_roles if row and row.two_factor_roles is not None \
        else config["TWO_FACTOR_ROLES"]
    ages = dict(config["PASSWORD_MAX_AGE_DAYS"])
    if row and row.password_max_age_days is not None:
        ages.update(row.password_max_age_days)
    limit = row.session_limit if row and row.session_limit is not None \
        else config["SESSION_LIMIT_PRIVILEGED"]
    return Policy(two_factor_roles=frozenset(roles) | {str(r) for r in ADMIN_ROLES},
                  password_max_age_days={r: int(d or 0) for r, d in ages.items()},
                  session_limit=int(limit or 0))


def password_expired(user: User) -> int:
    """The role's password expiry in days when the user's password is older than that (0
    when it is not, or the role's passwords do not expire)."""
    days = current().password_max_age_days.get(user.role, 0)
    changed = user.password_changed_at or user.created_at
    if days and changed is not None and clock.now() - changed > timedelta(days=days):
        return days
    return 0


def update(*, actor: User, two_factor_roles: list[str], password_max_age_days: dict[str, int],
           session_limit: int) -> dict:
    """Set the sign-in policy. The administrators' roles always keep the second factor.

    Side effects: creates or changes the SecurityPolicy row; audit `security.policy` with
    what changed (before → after). Returns the changes ({} when nothing changed). Raises
    DomainError for an unknown role or a number out of range.
    """
    roles = {r.value for r in Role}
    chosen = set(two_factor_roles) | {str(r) for r in ADMIN_ROLES}
    if not chosen <= roles or not set(password_max_age_days) <= roles:
        raise DomainError(_("Choose roles from the list."))
    for role, days in password_max_age_days.items():
        if days is None or not 0 <= days <= MAX_AGE_LIMIT:
            raise DomainError(_("Password expiry is a number of days from 0 (never) to "
                                "%(n)d.", n=MAX_AGE_LIMIT), field=f"max_age_{role}")
    if session_limit is None or not 0 <= session_limit <= SESSION_LIMIT_MAX:
        raise DomainError(_("The session limit is a number from 0 (no limit) to %(n)d.",
                            n=SESSION_LIMIT_MAX), field="session_limit")
    before = current()
    after = {"two_factor_roles": sorted(chosen),
             "password_max_age_days": {r: int(password_max_age_days.get(
                 r, before.password_max_age_days.get(r, 0))) for r in sorted(roles)},
             "session_limit": int(session_limit)}
    was = {"two_factor_roles": sorted(before.two_factor_roles),
           "password_max_age_days": {r: before.password_max_age_days.get(r, 0)
                                     for r in sorted(roles)},
           "session_limit": before.session_limit}
    changes = {key: {"from": _shown(key, was[key]), "to": _shown(key, after[key])}
               for key in after if after[key] != was[key]}
    if not changes:
        return {}
    row = _row()
    if row is None:
        row = SecurityPolicy(id=POLICY_ID)
        db.session.add(row)
    row.two_factor_roles = after["two_factor_roles"]
    row.password_max_age_days = after["password_max_age_days"]
    row.session_limit = after["session_limit"]
    row.updated_at, row.updated_by_id = clock.now(), actor.id
    db.session.flush()
    record("security.policy", actor=actor,
           detail={key: f"{c['from']} → {c['to']}" for key, c in changes.items()})
    return changes


def _shown(key: str, value) -> str:
    """A value of the policy as the audit log keeps it (role values, role: days)."""
    if key == "two_factor_roles":
        return ", ".join(value) or "-"
    if key == "password_max_age_days":
        return ", ".join(f"{r}: {d}" for r, d in value.items())
    return str(value)
