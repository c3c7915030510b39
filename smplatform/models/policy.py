"""The sign-in policy set by the security administrator: one row over the deployment's
settings (config.py: TWO_FACTOR_ROLES, PASSWORD_MAX_AGE_DAYS, SESSION_LIMIT_PRIVILEGED). A
column left empty means the setting applies (services/security_policy.py)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from smplatform.extensions import db
from smplatform.models.types import UTCDateTime


class SecurityPolicy(db.Model):
    __tablename__ = "security_policy"
    id: Mapped[int] = mapped_column(primary_key=True)
    # Roles that must sign in with a second factor (role values); None: TWO_FACTOR_ROLES.
    two_factor_roles: Mapped[list | None] = mapped_column(JSON)
    # Password expiry in days per role value (0: never); None: PASSWORD_MAX_AGE_DAYS.
    password_max_age_days: Mapped[dict | None] = mapped_column(JSON)
    # Concurrent sessions of a privileged account (0: no limit); None: the setting.
    session_limit: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
