"""A selection batch (批次) with its dates and its quota table (推荐名额)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from smplatform import clock
from smplatform.enums import BatchStatus
from smplatform.extensions import db
from smplatform.models.types import UTCDateTime


class Batch(db.Model):
    __tablename__ = "batch"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)  # 5 for the fifth batch
    year: Mapped[int]
    name: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(10), default=BatchStatus.DRAFT)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime())
    contact_deadline: Mapped[datetime] = mapped_column(UTCDateTime())
    province_deadline: Mapped[datetime] = mapped_column(UTCDateTime())
    evaluation_deadline: Mapped[datetime] = mapped_column(UTCDateTime())
    # The reference date of the platform 2-year rule; None means the province deadline's date.
    reporting_date: Mapped[date | None] = mapped_column(Date)

    quotas: Mapped[list[BatchQuota]] = relationship(
        back_populates="batch", cascade="all, delete-orphan", order_by="BatchQuota.id")

    # At most one batch is open at a time, enforced by the database too.
    __table_args__ = (
        Index("uq_batch_one_open", "status", unique=True,
              sqlite_where=text("status = 'open'"), postgresql_where=text("status = 'open'")),
    )

    @property
    def status_enum(self) -> BatchStatus:
        return BatchStatus(self.status)

    @property
    def effective_reporting_date(self) -> date:
        """The reporting date, defaulting to the province deadline's date in China."""
        return self.reporting_date or clock.china(self.province_deadline).date()


class BatchQuota(db.Model):
    """One line of a batch's quota table: the limit per unit of a group on a line."""

    __tablename__ = "batch_quota"
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batch.id", ondelete="CASCADE"), index=True)
    unit_group: Mapped[str] = mapped_column(String(10))  # rules.quotas.REGULAR / PLANNED
    line: Mapped[str] = mapped_column(String(30))
    limit: Mapped[int] = mapped_column(Integer)

    batch: Mapped[Batch] = relationship(back_populates="quotas")

    __table_args__ = (UniqueConstraint("batch_id", "unit_group", "line"),)
