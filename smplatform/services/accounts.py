"""Accounts: registration, staff accounts, sign-in with lockout, sessions, password changes."""
from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload

from smplatform import clock
from smplatform.enums import ADMIN_ROLES, AuditOutcome, OrgType, Role
from smplatform.extensions import db
from smplatform.models import City, Organisation, Unit, User, UserSession
from smplatform.rules import credit_code as credit
from smplatform.rules import passwords
from smplatform.services import DomainError, notifications
from smplatform.services.audit import client_ip, record, register_labels

_HASHERS: dict[tuple[int, int], tuple[PasswordHasher, str]] = {}


def _hasher_and_dummy() -> tuple[PasswordHasher, str]:
    """argon2id with the configured cost (library defaults unless configured lower for tests).

    The dummy hash is verified against when the user name is unknown, so that the time taken
    does not reveal whether an account exists.
    """
    key = (current_app.config.get("ARGON2_TIME_COST", 3),
           current_app.config.get("ARGON2_MEMORY_COST", 65536))
    if key not in _HASHERS:
        hasher = PasswordHasher(time_cost=key[0], memory_cost=key[1])
        _HASHERS[key] = (hasher, hasher.hash("not-a-real-password-0"))
    return _HASHERS[key]


def hash_password(password: str) -> str:
    return _hasher_and_dummy()[0].hash(password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher_and_dummy()[0].verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_messages(password: str, username: str = "") -> list[str]:
    """Translated explanations of every policy rule the password breaks."""
    policy = passwords.PasswordPolicy(
        min_length=current_app.config["PASSWORD_MIN_LENGTH"],
        min_classes=current_app.config["PASSWORD_MIN_CLASSES"],
    )
    texts = {
        passwords.PasswordProblem.TOO_SHORT: _(
            "The password must be at least %(n)d characters long.", n=policy.min_length),
        passwords.PasswordProblem.TOO_FEW_CLASSES: _(
            "The password must mix at least %(n)d of: lower-case letters, upper-case letters, "
            "digits and symbols.", n=policy.min_classes),
        passwords.PasswordProblem.COMMON: _(
            "This password is too common and easy to guess. Choose another."),
        passwords.PasswordProblem.CONTAINS_USERNAME: _(
            "The password must not contain the user name."),
    }
    return [texts[p] for p in passwords.problems(password, username=username, policy=policy)]


def credit_code_message(code: str) -> str | None:
    """A translated explanation of what is wrong with a normalised credit code, or None."""
    found = credit.problem(code)
    if found is None:
        return None
    return {
        credit.CreditCodeProblem.EMPTY: _("Enter the unified social credit code."),
        credit.CreditCodeProblem.LENGTH: _(
            "A unified social credit code has 18 characters; this one has %(n)d.", n=len(code)),
        credit.CreditCodeProblem.CHARACTERS: _(
            "A unified social credit code uses only digits and capital letters other than "
            "I, O, S, V and Z."),
        credit.CreditCodeProblem.CHECK: _(
            "This unified social credit code is not valid: its last character does not match "
            "the check character. Please copy it again from the business licence."),
    }[found]


def username_taken(username: str) -> bool:
    """User names are unique ignoring case, so that "Admin" cannot pose as "admin"."""
    return db.session.scalar(
        select(User.id).where(func.lower(User.username) == username.lower())) is not None


class FieldsRefused(DomainError):
    """Every problem of a form's values at once (a registration, a colleague's account):
    `problems` maps a field to its message (web.form_error shows each on its field)."""

    def __init__(self, problems: dict[str, str]):
        field, message = next(iter(problems.items()))
        super().__init__(message, field=field, code="fields")
        self.problems = problems


def registration_problems(*, org_type: OrgType | str | None, credit_code: str | None,
                          unit_code: str | None, city_code: str | None, username: str | None,
                          password: str | None) -> dict[str, str]:
    """What the registration's rules refuse, field by field, all at once: the credit code
    (its check character, not already registered), the unit, the city (a city department's,
    or any one given, must belong to the unit), the user name (free) and the password policy."""
    problems: dict[str, str] = {}
    code = credit.normalise(credit_code or "")
    message = credit_code_message(code)
    if message:
        problems["credit_code"] = message
    elif db.session.scalar(select(Organisation.id).where(Organisation.credit_code == code)):
        problems["credit_code"] = _(
            "An organisation with this unified social credit code is already registered. Ask "
            "its administrator (who registered it) to add you: My organisation → Accounts.")
    unit = db.session.get(Unit, unit_code) if unit_code else None
    if unit is None:
        problems["unit_code"] = _("Choose your provincial-level unit.")
    # A city department must name its city; an enterprise or platform operator may (the city's
    # initial review reaches it when its province turns the prefecture tier on).
    if unit is not None and (org_type == OrgType.CITY_DEPARTMENT or city_code):
        city = db.session.get(City, city_code) if city_code else None
        if city is None or city.unit_code != unit.code:
            problems["city_code"] = _("Choose a city of the selected provincial-level unit.")
    if username and username_taken(username):
        problems["username"] = _("This user name is taken. Choose another.")
    policy = password_messages(password or "", username or "")
    if password and policy:
        problems["password"] = " ".join(str(m) for m in policy)
    return problems


def register_organisation(*, org_type: OrgType, name: str, credit_code: str, unit_code: str,
                          city_code: str | None, contact_name: str, contact_mobile: str,
                          contact_email: str, username: str, password: str,
                          password_hash: str | None = None) -> User:
    """Create an applicant organisation and its first user, the organisation's administrator.

    `password_hash`: the hash of `password` when the caller already has it (the demo seed
    registers dozens of accounts with one password; argon2 takes its time on purpose).

    Side effects: inserts Organisation and User; audit entry `organisation.register`.
    Raises FieldsRefused (a DomainError with every problem: registration_problems) on a
    bad credit code, a taken code or user name, a weak password, or a city that does not
    belong to the unit.
    """
    problems = registration_problems(org_type=org_type, credit_code=credit_code,
                                     unit_code=unit_code, city_code=city_code,
                                     username=username, password=password)
    if problems:
        raise FieldsRefused(problems)
    code = credit.normalise(credit_code)
    unit = db.session.get(Unit, unit_code)
    now = clock.now()
    org = Organisation(org_type=str(org_type), name=name.strip(), credit_code=code,
                       unit_code=unit.code, city_code=city_code, contact_name=contact_name.strip(),
                       contact_mobile=contact_mobile.strip(), contact_email=contact_email.strip(),
                       created_at=now)
    user = User(username=username, display_name=contact_name.strip(), email=contact_email.strip(),
                password_hash=password_hash or hash_password(password), role=Role.APPLICANT,
                organisation=org,
                is_org_admin=True, created_at=now, password_changed_at=now)
    db.session.add_all([org, user])
    db.session.flush()
    from smplatform.services.registry import link_on_sign_in; link_on_sign_in(user)  # noqa: E702,I001
    record("organisation.register", actor=user, obj=org, unit_code=unit.code,
           detail={"credit_code": code, "org_type": str(org_type)})
    return user


def create_staff_user(*, actor: User | None, username: str, display_name: str, email: str,
                      role: Role, password: str, unit_code: str | None = None,
                      city_code: str | None = None,
                      must_change_password: bool = True,
                      password_hash: str | None = None) -> User:
    """Create a provincial officer, ministry staff member, expert or city industry and IT
    officer (its unit is its city's); or, on the command line only (actor None), one of the
    three administrators.

    The password is set by someone else, so its holder must change it at the next sign-in
    (`must_change_password`; only demo data and test factories pass False).
    `password_hash`: the hash of `password` when the caller already has it (the demo seed).
    Side effects: inserts User; audit entry `user.create` (actor None means the CLI).
    """
    if role == Role.APPLICANT:
        raise DomainError(_("Applicant accounts are created by registering an organisation."))
    if role in ADMIN_ROLES and actor is not None:
        raise DomainError(_("Administrators' accounts are created on the command line; the "
                            "security administrator can give an account an administrator's "
                            "role."), field="role")
    if username_taken(username):
        raise DomainError(_("This user name is taken. Choose another."), field="username")
    if role == Role.PROVINCE:
        if not unit_code or db.session.get(Unit, unit_code) is None:
            raise DomainError(_("A provincial officer needs a provincial-level unit."),
                              field="unit_code")
        city_code = None
    elif role == Role.CITY:
        from smplatform.models import City
        city = db.session.get(City, city_code or "")
        if city is None:
            raise DomainError(_("A city industry and IT officer needs its prefecture-level "
                                "city."), field="city_code")
        unit_code = city.unit_code
    else:
        unit_code = city_code = None
    problems = password_messages(password, username)
    if problems:
        raise DomainError(problems[0], field="password")
    now = clock.now()
    user = User(username=username, display_name=display_name, email=email,
                password_hash=password_hash or hash_password(password), role=str(role),
                unit_code=unit_code, city_code=city_code, created_at=now,
                password_changed_at=now, must_change_password=must_change_password)
    db.session.add(user)
    db.session.flush()
    record("user.create", actor=actor, actor_name=None if actor else "cli", obj=user,
           unit_code=unit_code, detail={"username": username, "role": str(role)})
    return user


def set_user_active(*, actor: User, user: User, active: bool) -> None:
    """Enable or disable an account; nobody changes their own (DomainError).

    Side effects: revokes its sessions; audit `user.update`."""
    if user.id == actor.id:
        raise DomainError(_("You cannot disable your own account."))
    user.active = active
    if not active:
        _revoke_all_sessions(user)
    record("user.update", actor=actor, obj=user, detail={"active": active})


def set_language(*, user: User, language: str) -> None:
    """Remember the user's language on the account (nothing when it is already that one).

    Side effects: `user.language`; audit `user.language`."""
    if user.language == language:
        return
    user.language = language
    record("user.language", actor=user, obj=user, detail={"language": language})


# An organisation's accounts: its administrator (the first user, or whoever the role was handed
# to) adds colleagues, disables and enables them, and hands the role over. The route's load step
# checks that the actor administers the colleague's organisation (can_manage_colleague).

def colleague_problems(*, username: str | None, password: str | None) -> dict[str, str]:
    """What refuses a colleague's account, field by field: a taken user name, a password
    the policy refuses."""
    problems: dict[str, str] = {}
    if username and username_taken(username):
        problems["username"] = _("This user name is taken. Choose another.")
    policy = password_messages(password or "", username or "")
    if password and policy:
        problems["password"] = " ".join(str(m) for m in policy)
    return problems


def add_colleague(*, actor: User, username: str, display_name: str, email: str,
                  password: str) -> User:
    """Create an account for a colleague in the administrator's organisation, with an initial
    password the administrator passes on (set by someone else, so the colleague must change it
    at the first sign-in: `must_change_password`).

    Side effects: inserts User (an applicant of the actor's organisation, not its
    administrator); audit entry `organisation.add_user`.
    Raises FieldsRefused on a taken user name and a password the policy refuses (both at
    once).
    """
    problems = colleague_problems(username=username, password=password)
    if problems:
        raise FieldsRefused(problems)
    now = clock.now()
    user = User(username=username, display_name=display_name.strip(), email=email.strip(),
                password_hash=hash_password(password), role=str(Role.APPLICANT),
                organisation_id=actor.organisation_id, is_org_admin=False, created_at=now,
                password_changed_at=now, must_change_password=True)
    db.session.add(user)
    db.session.flush()
    org = actor.organisation
    record("organisation.add_user", actor=actor, obj=user, unit_code=org.unit_code,
           detail={"organisation_id": org.id, "username": username,
                   "name": display_name.strip()})
    return user


def set_colleague_active(*, actor: User, user: User, active: bool) -> None:
    """Disable a colleague's account (their sessions end at once) or enable it again. The
    administrator cannot disable their own account: they hand the role over first.

    Side effects: sets User.active; revokes the colleague's sessions when disabling; audit
    entry `organisation.disable_user` or `organisation.enable_user` (before → after).
    """
    if user.id == actor.id:
        raise DomainError(_("You cannot disable your own account. Hand the administrator "
                            "role to a colleague first; they can then disable yours."))
    if user.active == active:
        raise DomainError(_("This account is already enabled.") if active
                          else _("This account is already disabled."))
    user.active = active
    if not active:
        _revoke_all_sessions(user)
    record("organisation.enable_user" if active else "organisation.disable_user",
           actor=actor, obj=user, unit_code=actor.organisation.unit_code,
           detail={"username": user.username,
                   "active": {"old": not active, "new": active}})


def hand_over_administration(*, actor: User, user: User) -> None:
    """Make a colleague the organisation's administrator; the actor keeps an ordinary account.
    An organisation has one administrator at a time, and only an enabled account can be it.

    Side effects: moves User.is_org_admin from the actor to the colleague; audit entry
    `organisation.hand_over_admin` (before → after); notifies the new administrator (in the
    application and by e-mail).
    """
    if user.id == actor.id:
        raise DomainError(_("You are already this organisation's administrator."))
    if not user.active:
        raise DomainError(_("Enable this account before handing the administrator role to it."))
    actor.is_org_admin = False
    user.is_org_admin = True
    org = actor.organisation
    record("organisation.hand_over_admin", actor=actor, obj=org, unit_code=org.unit_code,
           detail={"administrator": {"old": actor.username, "new": user.username}})
    notifications.notify_user(user=user, key="organisation.hand_over_admin",
                              params={"name": actor.display_name, "organisation": org.name})


def colleagues(organisation_id: int) -> list[User]:
    """An organisation's accounts, the administrator first, then by user name."""
    return list(db.session.scalars(
        select(User).where(User.organisation_id == organisation_id)
        .order_by(User.is_org_admin.desc(), User.username)))


register_labels({
    "organisation.add_user": _l("Colleague's account added"),
    "organisation.disable_user": _l("Colleague's account disabled"),
    "organisation.enable_user": _l("Colleague's account enabled"),
    "organisation.hand_over_admin": _l("Administrator role handed over"),
})


def is_locked(user: User) -> bool:
    return user.locked_until is not None and user.locked_until > clock.now()


def count_failure(user: User, *, action: str, reason: str) -> bool:
    """One more failed proof of identity (a wrong password at sign-in or on the password
    page, a wrong second-factor code); at LOCKOUT_THRESHOLD the account is locked for
    LOCKOUT_DURATION and its sessions end. Returns whether it is now locked.

    Side effects: updates the counter and lock; audit entry `action` (failure) and, on
    locking, `auth.lockout`; revokes the user's sessions when locking.
    """
    user.failed_sign_ins = (user.failed_sign_ins or 0) + 1
    record(action, actor=user, outcome=AuditOutcome.FAILURE,
           detail={"reason": reason, "failures": user.failed_sign_ins})
    if user.failed_sign_ins < current_app.config["LOCKOUT_THRESHOLD"]:
        return False
    user.locked_until = clock.now() + current_app.config["LOCKOUT_DURATION"]
    user.failed_sign_ins = 0
    _revoke_all_sessions(user)
    record("auth.lockout", actor=user, outcome=AuditOutcome.FAILURE,
           detail={"until": user.locked_until.isoformat(), "after": action})
    from smplatform.services import security_notices
    security_notices.notify(user=user, key="security.lockout",
                            params={"minutes": int(
                                current_app.config["LOCKOUT_DURATION"].total_seconds() // 60)})
    return True


def authenticate(*, username: str, password: str) -> User:
    """Check a sign-in attempt; return the user or raise DomainError with a neutral message.

    Side effects: updates the failure counter and lock; audit entries `auth.sign_in_failed`
    and `auth.lockout`. The message never reveals whether the account exists.
    """
    generic = _("The user name or password is wrong, or the account is locked. "
                "After %(n)d failed attempts an account is locked for %(m)d minutes.",
                n=current_app.config["LOCKOUT_THRESHOLD"],
                m=int(current_app.config["LOCKOUT_DURATION"].total_seconds() // 60))
    now = clock.now()
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        _verify(_hasher_and_dummy()[1], password)
        record("auth.sign_in_failed", actor_name=username[:64], outcome=AuditOutcome.FAILURE,
               detail={"reason": "unknown_user"})
        raise DomainError(generic)
    if user.locked_until is not None and user.locked_until > now:
        _verify(_hasher_and_dummy()[1], password)
        record("auth.sign_in_failed", actor=user, outcome=AuditOutcome.FAILURE,
               detail={"reason": "locked"})
        raise DomainError(generic)
    if not _verify(user.password_hash, password) or not user.active:
        reason = "inactive" if user.active is False else "bad_password"
        count_failure(user, action="auth.sign_in_failed", reason=reason)
        raise DomainError(generic)
    from smplatform.services import two_factor
    if not two_factor.needs_second_step(user):
        # With a second step, the count goes on until the code is right too: a known
        # password must not buy fresh guesses at the code (two_factor.verify resets it).
        user.failed_sign_ins = 0
        user.locked_until = None
    if _hasher_and_dummy()[0].check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


_token_hash = token_hash


def verify_password(user: User, password: str) -> bool:
    return _verify(user.password_hash, password)


def start_session(*, user: User, device_token: str | None = None,
                  user_agent: str | None = None) -> str:
    """Open a server-side session for a signed-in user (password and, where required, the
    second factor proven) and return its secret token.

    Side effects: inserts UserSession (device, authenticated now); sessions.opened (the
    session limit, a new device's notice); audit entry `auth.sign_in`.
    """
    from smplatform.services import sessions
    token = secrets.token_urlsafe(32)
    now = clock.now()
    row = UserSession(token_hash=_token_hash(token), user_id=user.id, created_at=now,
                      last_seen_at=now, ip=client_ip(), authenticated_at=now,
                      device=sessions.device_label(user_agent)[:200] if user_agent else None,
                      device_hash=sessions.device_digest(device_token))
    db.session.add(row)
    db.session.flush()
    user.session_token = token
    sessions.opened(user=user, row=row)
    record("auth.sign_in", actor=user, detail={"device": row.device} if row.device else None)
    return token


# The session and its user in one query, built once: this runs on every signed-in request, and
# a statement built once has its SQLAlchemy cache key computed once (building it and its key
# anew cost about half of this step; bench/RESULTS.md, section 12).
_SESSION_AND_USER = (select(UserSession).options(joinedload(UserSession.user))
                     .where(UserSession.token_hash == bindparam("token_hash")))


def load_session(token: str) -> User | None:
    """The user of a live session, or None when it is unknown, revoked, idle or too old.

    Side effects: refreshes last_seen_at at most once a minute (to keep reads cheap).
    """
    row = db.session.execute(_SESSION_AND_USER,
                             {"token_hash": _token_hash(token)}).scalar_one_or_none()
    if row is None or row.revoked_at is not None:
        return None
    now = clock.now()
    config = current_app.config
    if (now - row.last_seen_at > config["SESSION_IDLE_TIMEOUT"]
            or now - row.created_at > config["SESSION_ABSOLUTE_TIMEOUT"]):
        return None
    user = row.user
    if not user.active:
        return None
    if (now - row.last_seen_at).total_seconds() > 60:
        row.last_seen_at = now
        db.session.commit()
    user.session_token = token
    return user


def end_session(*, user: User) -> None:
    """Sign out: revoke this session so that a copied cookie is useless.

    Side effects: sets UserSession.revoked_at; audit entry `auth.sign_out`.
    """
    if user.session_token:
        row = db.session.get(UserSession, _token_hash(user.session_token))
        if row is not None and row.revoked_at is None:
            row.revoked_at = clock.now()
    record("auth.sign_out", actor=user)


def end_all_sessions(user: User) -> None:
    """Revoke every session of the user (its powers or credentials changed)."""
    _revoke_all_sessions(user)


def _revoke_all_sessions(user: User, *, keep: str | None = None) -> None:
    now = clock.now()
    keep_hash = _token_hash(keep) if keep else None
    rows = db.session.scalars(select(UserSession).where(
        UserSession.user_id == user.id, UserSession.revoked_at.is_(None)))
    for row in rows:
        if row.token_hash != keep_hash:
            row.revoked_at = now


def change_password(*, user: User, current_password: str, new_password: str) -> None:
    """Change one's own password; other sessions of the user are signed out.

    Side effects: updates the hash; revokes other sessions; audit `auth.password_change`
    (also on failure).
    """
    locked = _("Too many wrong passwords: the account is locked for %(m)d minutes and its "
               "sessions were signed out.",
               m=int(current_app.config["LOCKOUT_DURATION"].total_seconds() // 60))
    if is_locked(user):
        record("auth.password_change", actor=user, outcome=AuditOutcome.FAILURE,
               detail={"reason": "locked"})
        raise DomainError(locked, field="current_password")
    if not _verify(user.password_hash, current_password):
        # A guess at the current password counts toward the lockout, as at sign-in.
        if count_failure(user, action="auth.password_change", reason="wrong_current"):
            raise DomainError(locked, field="current_password")
        raise DomainError(_("The current password is wrong."), field="current_password")
    user.failed_sign_ins = 0
    problems = password_messages(new_password, user.username)
    if problems:
        raise DomainError(problems[0], field="new_password")
    if _verify(user.password_hash, new_password):
        raise DomainError(_("The new password must differ from the current one."),
                          field="new_password")
    user.password_hash = hash_password(new_password)
    user.password_changed_at = clock.now()
    user.must_change_password = False
    _revoke_all_sessions(user, keep=user.session_token)
    record("auth.password_change", actor=user)
    from smplatform.services import security_notices
    security_notices.notify(user=user, key="security.password_changed", params={})


# ---- the security administrator --------------------------------------------------------

register_labels({"user.role": _l("Role changed"), "user.unlock": _l("Account unlocked"),
                 "user.temporary_password": _l("Temporary password issued")})


def change_role(*, actor: User, user: User, role: Role, unit_code: str | None = None) -> None:
    """Give an account another role (an account holds exactly one: no one is two of the
    three administrators). Applicants keep theirs (their organisation is their scope).

    A city officer's account is made for its city (create_staff_user, by the system
    administrator): no other account becomes one; one that stops being one loses its city.

    Side effects: sets role (and unit for a provincial officer); ends the account's
    sessions (its powers changed); audit entry `user.role`.
    """
    if user.id == actor.id:
        raise DomainError(_("You cannot change your own role."))
    if user.role == Role.APPLICANT or role == Role.APPLICANT:
        raise DomainError(_("Applicant accounts belong to their organisation; their role "
                            "does not change."))
    city_code = None
    if role == Role.CITY:
        if user.role != Role.CITY:
            raise DomainError(_("A city officer's account is made for its city: the system "
                                "administrator creates it."), field="role")
        unit_code, city_code = user.unit_code, user.city_code
    elif role == Role.PROVINCE:
        if not unit_code or db.session.get(Unit, unit_code) is None:
            raise DomainError(_("A provincial officer needs a provincial-level unit."),
                              field="unit_code")
    else:
        unit_code = None
    before = user.role
    user.role, user.unit_code, user.city_code = str(role), unit_code, city_code
    _revoke_all_sessions(user)
    record("user.role", actor=actor, obj=user, unit_code=unit_code,
           detail={"username": user.username, "from": before, "to": str(role)})


def unlock(*, actor: User, user: User) -> None:
    """Lift a lockout now. Side effects: clears the lock and failure count; audit
    `user.unlock`."""
    user.locked_until = None
    user.failed_sign_ins = 0
    record("user.unlock", actor=actor, obj=user, detail={"username": user.username})


def reset_administrator(*, username: str, password: str) -> User:
    """On the server (`flask reset-administrator`), for an administrator who lost the
    password or the second factor: the administrators cannot do this for one another
    (permissions.can_manage_security). Sets `password`, which the holder must change at the
    next sign-in, clears the second factor (enrolled again at the next sign-in), lifts a
    lockout and ends the account's sessions.

    Side effects: audit `user.administrator_reset` by the command line; security notice.
    Raises DomainError for an unknown account, one that is not an administrator's, or a
    password the policy refuses.
    """
    from smplatform.enums import ADMIN_ROLES
    from smplatform.services import security_notices, two_factor
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise DomainError(_("No account is called %(name)s.", name=username))
    if user.role not in ADMIN_ROLES:
        raise DomainError(_("%(name)s is not an administrator: the security administrator "
                            "resets other accounts on the website.", name=username))
    problems = password_messages(password, username)
    if problems:
        raise DomainError(problems[0], field="password")
    user.password_hash = hash_password(password)
    user.password_changed_at = clock.now()
    user.must_change_password = True
    user.locked_until, user.failed_sign_ins = None, 0
    two_factor._clear(user)
    _revoke_all_sessions(user)
    record("user.administrator_reset", actor_name="cli", obj=user,
           detail={"username": user.username})
    security_notices.notify(user=user, key="security.password_set", params={})
    return user


register_labels({"user.administrator_reset": _l("Administrator's account reset on the server")})


def issue_temporary_password(*, actor: User, user: User) -> str:
    """A random temporary password for the account, shown once to the security
    administrator; its holder must change it at the next sign-in.

    Side effects: sets the password hash and must_change_password; lifts a lockout; ends
    the account's sessions; security notice to the holder; audit `user.temporary_password`.
    """
    if user.id == actor.id:
        raise DomainError(_("Change your own password on your account page."))
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
    temporary = "-".join("".join(secrets.choice(alphabet) for _ in range(4))
                         for _ in range(4))
    user.password_hash = hash_password(temporary)
    user.password_changed_at = clock.now()
    user.must_change_password = True
    user.locked_until, user.failed_sign_ins = None, 0
    _revoke_all_sessions(user)
    record("user.temporary_password", actor=actor, obj=user,
           detail={"username": user.username})
    from smplatform.services import security_notices
    security_notices.notify(user=user, key="security.password_set", params={})
    return temporary
