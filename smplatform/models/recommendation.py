"""A unit's recommendation list and its submission to the ministry (one per batch and unit)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from smplatform.enums import SubmissionState
from smplatform.extensions import db
from smplatform.models.declaration import Declaration
from smplatform.models.files import StoredFile
from smplatform.models.types import UTCDateTime

class UnitSubmission(db.Model):
    """The unit's submission to the ministry, and the row every change of its list locks first.

    Locking this row (SELECT ... FOR UPDATE on PostgreSQL, an UPDATE of it on SQLite)
    serialises all officers of one unit, so that a quota can never be exceeded.
    """

    __tablename__ = "unit_submission"
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batch.id"))
    unit_code: Mapped[str] = mapped_column(ForeignKey("unit.code"))
    state: Mapped[str] = mapped_column(String(12), default=SubmissionState.OPEN)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    summary_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_file.id"))
    sent_back_reason: Mapped[str | None] = mapped_column(Text)
    # Bumped by every locked change (SQLite takes its write lock with this UPDATE).
    lock_version: Mapped[int] = mapped_column(Integer, default=0)

    summary_file: Mapped[StoredFile | None] = relationship()

    __table_args__ = (UniqueConstraint("batch_id", "unit_code", name="uq_unit_submission"),)

    @property
    def locked(self) -> bool:
        return self.state == SubmissionState.SUBMITTED


class Recommendation(db.Model):
    """One declaration on the unit's recommendation list, on a quota line, in ranked order."""

    __tablename__ = "recommendation"
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batch.id"))
    unit_code: Mapped[str] = mapped_column(ForeignKey("unit.code"))
    declaration_id: Mapped[int] = mapped_column(ForeignKey("declaration.id"), unique=True)
    line: Mapped[str] = mapped_column(String(30))
    rank: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    declaration: Mapped[Declaration] = relationship()

    __table_args__ = (Index("ix_recommendation_unit_line", "batch_id", "unit_code", "line"),)
