"""The expert pool (专家库): the profile of a user with the expert role."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from smplatform.enums import ExpertiseField
from smplatform.extensions import db
from smplatform.models.accounts import User
from smplatform.models.reference import Unit
from smplatform.models.types import UTCDateTime


class ExpertProfile(db.Model):
    __tablename__ = "expert_profile"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         unique=True)
    organisation_name: Mapped[str] = mapped_column(String(200))
    organisation_credit_code: Mapped[str | None] = mapped_column(String(18))
    # The expert's own region: it never reviews declarations from there.
    unit_code: Mapped[str] = mapped_column(ForeignKey("unit.code"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()
    unit: Mapped[Unit] = relationship()
    expertise: Mapped[list[ExpertExpertise]] = relationship(
        cascade="all, delete-orphan", order_by="ExpertExpertise.field")

    @property
    def fields(self) -> list[str]:
        return [e.field for e in self.expertise]

    @property
    def field_labels(self) -> list:
        return [ExpertiseField(f).label for f in self.fields]


class ExpertExpertise(db.Model):
    """A field of expertise of an expert (one row per field, so that the pool can be filtered)."""

    __tablename__ = "expert_expertise"
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("expert_profile.id", ondelete="CASCADE"), primary_key=True)
    field: Mapped[str] = mapped_column(String(40), primary_key=True)
