"""The prefecture tier (市级初审): whether a province routes its declarations through the
prefecture-level cities' industry and IT officers in a batch, and the cities' deadline."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from smplatform.extensions import db
from smplatform.models.types import UTCDateTime


class PrefectureReview(db.Model):
    """A unit's setting for a batch. Without a row the tier is off (today's flow)."""

    __tablename__ = "prefecture_review"
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batch.id"))
    unit_code: Mapped[str] = mapped_column(ForeignKey("unit.code"))
    enabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # The last instant a city officer may pass or return a declaration.
    city_deadline: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    __table_args__ = (UniqueConstraint("batch_id", "unit_code", name="uq_prefecture_review"),)
