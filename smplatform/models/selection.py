"""The ministry's selection: expert reviews, on-site inspections, public notice, objections."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from smplatform.enums import (
    InspectionConclusion,
    ObjectionOutcome,
    ObjectionSource,
    ReviewState,
)
from smplatform.extensions import db
from smplatform.models.accounts import User
from smplatform.models.batch import Batch
from smplatform.models.declaration import Declaration
from smplatform.models.types import Encrypted, UTCDateTime


class ReviewAssignment(db.Model):
    """One expert's review of one declaration (评审任务).

    `scores` maps a rubric criterion key to a score (0-100); `comments` maps a criterion key
    (and "overall") to the expert's comment. `total` is the weighted total, set on submission.
    `version` is SQLAlchemy's version counter: a concurrent second save or submit fails.
    """

    __tablename__ = "review_assignment"
    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(ForeignKey("declaration.id"), index=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    state: Mapped[str] = mapped_column(String(12), default=ReviewState.ASSIGNED)
    declined_reason: Mapped[str | None] = mapped_column(Text)
    coi_declared_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    scores: Mapped[dict] = mapped_column(JSON, default=dict)
    comments: Mapped[dict] = mapped_column(JSON, default=dict)
    total: Mapped[float | None] = mapped_column(Float)
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Asked for because the reviewers disagreed (rules/scoring.py), not in the first round.
    further: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")

    declaration: Mapped[Declaration] = relationship()
    expert: Mapped[User] = relationship()

    __table_args__ = (UniqueConstraint("declaration_id", "expert_id",
                                       name="uq_review_one_per_expert"),)
    __mapper_args__ = {"version_id_col": version}

    @property
    def state_enum(self) -> ReviewState:
        return ReviewState(self.state)


class Inspection(db.Model):
    """An on-site inspection (现场核查) of a declaration, as recorded by the ministry.

    `findings` is {"items": {checklist key: met/not_met/not_applicable}, "notes": text};
    `document_ids` lists StoredFile ids of the inspection's documents.
    """

    __tablename__ = "inspection"
    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(ForeignKey("declaration.id"), index=True)
    planned_on: Mapped[date] = mapped_column(Date)
    team: Mapped[str] = mapped_column(Text)
    findings: Mapped[dict] = mapped_column(JSON, default=dict)
    conclusion: Mapped[str] = mapped_column(String(10))
    document_ids: Mapped[list] = mapped_column(JSON, default=list)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())

    declaration: Mapped[Declaration] = relationship()
    recorded_by: Mapped[User] = relationship()

    @property
    def conclusion_enum(self) -> InspectionConclusion:
        return InspectionConclusion(self.conclusion)


class PublicNotice(db.Model):
    """The public notice (公示) of a batch's shortlist; `published_at` once the list is final."""

    __tablename__ = "public_notice"
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batch.id"), unique=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    batch: Mapped[Batch] = relationship()


class Objection(db.Model):
    """An objection (异议) to a shortlisted declaration received during the public notice.

    Either sent by the public through the notice's form (`source` public: the objector's
    contact and grounds, a reference to quote, handled later by the ministry) or recorded by
    the ministry from a letter, call or visit (`source` ministry: handled when recorded).
    `handling`, `outcome`, `recorded_by` and `recorded_at` are set once it is handled.
    """

    __tablename__ = "objection"
    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(ForeignKey("declaration.id"), index=True)
    received_on: Mapped[date] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text)  # the grounds
    handling: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(10))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    source: Mapped[str] = mapped_column(String(10), default=ObjectionSource.MINISTRY,
                                        server_default=ObjectionSource.MINISTRY.value)
    reference: Mapped[str | None] = mapped_column(String(20), unique=True)
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The objector's contact is personal data: encrypted at rest (SM4, models/types.Encrypted).
    objector_name: Mapped[str | None] = mapped_column(Encrypted("objection.objector_name"))
    objector_organisation: Mapped[str | None] = mapped_column(
        Encrypted("objection.objector_organisation"))
    objector_phone: Mapped[str | None] = mapped_column(Encrypted("objection.objector_phone"))
    objector_email: Mapped[str | None] = mapped_column(Encrypted("objection.objector_email"))
    ip: Mapped[str | None] = mapped_column(String(45))

    declaration: Mapped[Declaration] = relationship()
    recorded_by: Mapped[User | None] = relationship()

    @property
    def outcome_enum(self) -> ObjectionOutcome | None:
        return ObjectionOutcome(self.outcome) if self.outcome else None

    @property
    def handled(self) -> bool:
        return self.outcome is not None
