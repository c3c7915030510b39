"""A selection batch (批次) with its dates. Later capabilities add its quota table."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from smplatform.enums import BatchStatus
from smplatform.extensions import db
from smplatform.models.types import UTCDateTime


class Batch(db.Model):
    __tablename__ = "batch"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)  # 5 for the fifth batch
    year: Mapped[int]
    status: Mapped[str] = mapped_column(String(10), default=BatchStatus.DRAFT)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime())
    contact_deadline: Mapped[datetime] = mapped_column(UTCDateTime())
    province_deadline: Mapped[datetime] = mapped_column(UTCDateTime())
    evaluation_deadline: Mapped[datetime] = mapped_column(UTCDateTime())

    @property
    def status_enum(self) -> BatchStatus:
        return BatchStatus(self.status)
