"""Deadlines: a provincial unit's internal deadline for its applicants in a batch (design:
the province may set one earlier than the batch's province deadline), its extension for one
organisation, and the reminders sent before due dates."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from smplatform.extensions import db
from smplatform.models.accounts import Organisation
from smplatform.models.types import UTCDateTime


class UnitDeadline(db.Model):
    __tablename__ = "unit_deadline"
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batch.id"))
    unit_code: Mapped[str] = mapped_column(ForeignKey("unit.code"))
    applicant_deadline: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (UniqueConstraint("batch_id", "unit_code", name="uq_unit_deadline"),)


class DeadlineExtension(db.Model):
    """A province's extension of the applicant deadline for one organisation in a batch
    (audited; at most until the batch's province deadline)."""

    __tablename__ = "deadline_extension"
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batch.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    unit_code: Mapped[str] = mapped_column(ForeignKey("unit.code"), index=True)
    until: Mapped[datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(Text)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation] = relationship()

    __table_args__ = (UniqueConstraint("batch_id", "organisation_id",
                                       name="uq_deadline_extension"),)


class DueReminder(db.Model):
    """A reminder sent before a due date (so that each is sent once): `kind` "review" (an
    expert's review, `object_id` its id) or "province_review" (a unit's pending reviews,
    `object_id` the batch id, `unit_code` the unit); `stage` "before"."""

    __tablename__ = "due_reminder"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    object_id: Mapped[int] = mapped_column(Integer)
    unit_code: Mapped[str] = mapped_column(String(6), default="", server_default="")
    stage: Mapped[str] = mapped_column(String(10))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (UniqueConstraint("kind", "object_id", "unit_code", "stage",
                                       name="uq_due_reminder"),)
