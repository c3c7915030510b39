"""Organisations, user accounts and their server-side sign-in sessions."""
from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from smplatform.enums import OrgType, Role
from smplatform.extensions import db
from smplatform.models.reference import City, Unit
from smplatform.models.types import Encrypted, UTCDateTime


class Organisation(db.Model):
    """An applicant organisation (申报主体): enterprise, platform operator or city department."""

    __tablename__ = "organisation"
    id: Mapped[int] = mapped_column(primary_key=True)
    org_type: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(200))
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("unit.code"), index=True)
    city_code: Mapped[str | None] = mapped_column(ForeignKey("city.code"))
    # Personal data: encrypted at rest (SM4, crypto.py).
    contact_name: Mapped[str] = mapped_column(Encrypted("organisation.contact_name"))
    contact_mobile: Mapped[str] = mapped_column(Encrypted("organisation.contact_mobile"))
    contact_email: Mapped[str] = mapped_column(Encrypted("organisation.contact_email"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    unit: Mapped[Unit] = relationship()
    city: Mapped[City | None] = relationship()
    users: Mapped[list[User]] = relationship(back_populates="organisation")

    @property
    def type(self) -> OrgType:
        return OrgType(self.org_type)


class User(UserMixin, db.Model):
    """A person's account. Its role decides the area it works in and the scope it sees."""

    __tablename__ = "user_account"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    # Encrypted at rest (SM4); `email_index` (HMAC-SM3 of the lower-cased address) finds an
    # account by its address without decrypting (set whenever `email` is).
    email: Mapped[str] = mapped_column(Encrypted("user_account.email"))
    email_index: Mapped[str | None] = mapped_column(String(80), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), index=True)
    # Applicants belong to an organisation; provincial officers to a unit.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    unit_code: Mapped[str | None] = mapped_column(ForeignKey("unit.code"), index=True)
    # A city industry and IT officer's prefecture-level city (within its unit).
    city_code: Mapped[str | None] = mapped_column(ForeignKey("city.code"))
    is_org_admin: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A password set by someone else (an administrator, the command line) must be replaced
    # by its holder at the next sign-in before anything else (auth/obligations.py).
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False,
                                                       server_default=false())
    # Two-factor sign-in (TOTP, RFC 6238): the secret is SM4-encrypted at rest; enrolled once
    # confirmed with a first code; a time step once accepted is never accepted again.
    totp_secret: Mapped[str | None] = mapped_column(Encrypted("user_account.totp_secret"))
    totp_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    language: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation | None] = relationship(back_populates="users")
    unit: Mapped[Unit | None] = relationship()
    city: Mapped[City | None] = relationship()

    # Set by the user loader: the server-side session this request runs in.
    session_token = None

    @validates("email")
    def _index_email(self, _key, value):
        from smplatform.crypto import ring
        self.email_index = ring().blind_index(value) if value else None
        return value

    @property
    def has_two_factor(self) -> bool:
        return self.totp_confirmed_at is not None and bool(self.totp_secret)

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def get_id(self) -> str | None:  # Flask-Login stores the session token, not the user id
        return self.session_token

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"


class UserSession(db.Model):
    """A signed-in session. The cookie holds only its random token; sign-out revokes the row."""

    __tablename__ = "user_session"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ip: Mapped[str | None] = mapped_column(String(45))
    # The browser, as its User-Agent names it (shown on the account page), and the digest of
    # the device cookie (a sign-in from a device not seen before is noticed to the user).
    device: Mapped[str | None] = mapped_column(String(200))
    device_hash: Mapped[str | None] = mapped_column(String(64))
    # When the password (and second factor) were last proven in this session: sign-in or
    # re-authentication before a sensitive action (web.recently_authenticated).
    authenticated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()

    __table_args__ = (Index("ix_user_session_device", "user_id", "device_hash"),)


class RecoveryCode(db.Model):
    """A one-time recovery code of an account's second factor, kept as its SM3 digest."""

    __tablename__ = "recovery_code"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PasswordReset(db.Model):
    """A password-reset link sent by e-mail: its token kept as an SM3 digest, single use,
    valid for PASSWORD_RESET_MINUTES."""

    __tablename__ = "password_reset"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ip: Mapped[str | None] = mapped_column(String(45))

    user: Mapped[User] = relationship()
