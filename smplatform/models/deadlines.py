"""A provincial unit's internal deadline for its applicants in a batch (design: the province
may set one earlier than the batch's province deadline)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from smplatform.extensions import db
from smplatform.models.types import UTCDateTime


class UnitDeadline(db.Model):
    __tablename__ = "unit_deadline"
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batch.id"))
    unit_code: Mapped[str] = mapped_column(ForeignKey("unit.code"))
    applicant_deadline: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (UniqueConstraint("batch_id", "unit_code", name="uq_unit_deadline"),)
