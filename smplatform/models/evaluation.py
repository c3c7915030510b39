"""The demonstration registry of batches 1–4 and their evaluation (评估): campaigns, tasks,
their history, attachments and reminders."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from smplatform.extensions import db
from smplatform.models.accounts import Organisation, User
from smplatform.models.batch import Batch
from smplatform.models.files import StoredFile
from smplatform.models.history import WorkflowEvent
from smplatform.models.reference import City, Unit
from smplatform.models.types import UTCDateTime
from smplatform.rules.evaluation import (
    BusinessStatus,
    Conclusion,
    DemoCategory,
    EntryStatus,
    TaskAction,
    TaskState,
)


class RegistryEntry(db.Model):
    """One demonstration of batches 1–4 (示范名单): enterprise, platform, project or city."""

    __tablename__ = "registry_entry"
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_number: Mapped[int] = mapped_column(Integer)
    year: Mapped[int] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    credit_code: Mapped[str | None] = mapped_column(String(18), index=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("unit.code"))
    city_code: Mapped[str | None] = mapped_column(ForeignKey("city.code"))
    # Service model, platform class or city class, as in the published list.
    klass: Mapped[str | None] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(10), default=EntryStatus.ACTIVE)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"),
                                                        index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    unit: Mapped[Unit] = relationship()
    city: Mapped[City | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()

    __table_args__ = (
        Index("ix_registry_entry_list", "batch_number", "category", "unit_code"),
    )

    @property
    def category_enum(self) -> DemoCategory:
        return DemoCategory(self.category)

    @property
    def status_enum(self) -> EntryStatus:
        return EntryStatus(self.status)


class EvaluationCampaign(db.Model):
    """The evaluation run alongside a selection batch; its deadline is the batch's."""

    __tablename__ = "evaluation_campaign"
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batch.id"), unique=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    batch: Mapped[Batch] = relationship()

    @property
    def deadline(self) -> datetime:
        return self.batch.evaluation_deadline


class EvaluationTask(db.Model):
    """One demonstration's evaluation filing in a campaign.

    `version` increases on every save: a save names the version it started from, and a stale
    one is refused (never a silent overwrite).
    """

    __tablename__ = "evaluation_task"
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("evaluation_campaign.id"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("registry_entry.id"))
    unit_code: Mapped[str] = mapped_column(ForeignKey("unit.code"))
    state: Mapped[str] = mapped_column(String(20), default=TaskState.NOT_STARTED)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    version: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    business_status: Mapped[str | None] = mapped_column(String(20))
    explanation_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_file.id"))
    conclusion: Mapped[str | None] = mapped_column(String(20))
    conclusion_reason: Mapped[str | None] = mapped_column(Text)
    concluded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    campaign: Mapped[EvaluationCampaign] = relationship()
    entry: Mapped[RegistryEntry] = relationship()
    unit: Mapped[Unit] = relationship()
    updated_by: Mapped[User | None] = relationship()
    explanation_file: Mapped[StoredFile | None] = relationship()
    events: Mapped[list[EvaluationEvent]] = relationship(
        back_populates="task", order_by="EvaluationEvent.id")
    attachments: Mapped[list[EvaluationAttachment]] = relationship(
        order_by="EvaluationAttachment.id")
    reminders: Mapped[list[EvaluationReminder]] = relationship(
        back_populates="task", order_by="EvaluationReminder.id")

    __table_args__ = (
        UniqueConstraint("campaign_id", "entry_id", name="uq_evaluation_task_entry"),
        Index("ix_evaluation_task_unit_state", "campaign_id", "unit_code", "state"),
    )

    @property
    def state_enum(self) -> TaskState:
        return TaskState(self.state)

    @property
    def conclusion_enum(self) -> Conclusion | None:
        return Conclusion(self.conclusion) if self.conclusion else None

    @property
    def business_status_enum(self) -> BusinessStatus | None:
        return BusinessStatus(self.business_status) if self.business_status else None


class EvaluationEvent(WorkflowEvent, db.Model):
    """One step of a task's history: who did what, when, with which comment."""

    __tablename__ = "evaluation_event"
    step_actions = TaskAction
    step_states = TaskState
    task_id: Mapped[int] = mapped_column(ForeignKey("evaluation_task.id"), index=True)

    task: Mapped[EvaluationTask] = relationship(back_populates="events")


class EvaluationAttachment(db.Model):
    __tablename__ = "evaluation_attachment"
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("evaluation_task.id"), index=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_file.id"))
    file: Mapped[StoredFile] = relationship()


class EvaluationReminder(db.Model):
    """A province's reminder to a demonstration that has not started: shown on its dashboard."""

    __tablename__ = "evaluation_reminder"
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("evaluation_task.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    sent_by: Mapped[User | None] = relationship()
    task: Mapped[EvaluationTask] = relationship(back_populates="reminders")
