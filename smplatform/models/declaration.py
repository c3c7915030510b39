"""A fifth-batch declaration (申报) and its history."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from smplatform.enums import Category, DeclarationAction, DeclarationState
from smplatform.extensions import db
from smplatform.models.accounts import Organisation, User
from smplatform.models.batch import Batch
from smplatform.models.files import StoredFile
from smplatform.models.history import WorkflowEvent
from smplatform.models.reference import Unit
from smplatform.models.types import EncryptedJSONKeys, UTCDateTime

# The form's fields that hold personal data (rules/annex1.py CONTACT), encrypted at rest.
PERSONAL_KEYS = ("contact_name", "contact_mobile", "contact_email")


class Declaration(db.Model):
    """One organisation's declaration in one category of one batch.

    The form's values are `data` (keys from rules/annex1.py), kept in the 1:1 row
    DeclarationContent so that lists, counts and sorts over declarations never read them (on
    SQLite a large value in the row would be walked through its overflow pages by every scan;
    bench/RESULTS.md). `version` increases on every save, so that two editors can never
    overwrite each other silently. The electronic number is given at the first submission and
    kept for good.

    Reading `data` of many declarations: load them with `selectinload(Declaration.content)`
    (one query for all), never one lazy load per row.
    """

    __tablename__ = "declaration"
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batch.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    unit_code: Mapped[str] = mapped_column(ForeignKey("unit.code"))
    city_code: Mapped[str | None] = mapped_column(String(6))
    category: Mapped[str] = mapped_column(String(20))
    # Platform class, city class, or None for enterprises (their service model is in data).
    klass: Mapped[str | None] = mapped_column(String(30))
    service_model: Mapped[str | None] = mapped_column(String(30))
    state: Mapped[str] = mapped_column(String(20), default=DeclarationState.DRAFT)
    version: Mapped[int] = mapped_column(Integer, default=1)
    electronic_number: Mapped[str | None] = mapped_column(String(32), unique=True)
    # Short code derived from the submitted content, printed on every PDF page.
    verification_code: Mapped[str | None] = mapped_column(String(16))
    low_service_share: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    stamped_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The organisation's name at the time, for lists that must not join per row.
    org_name: Mapped[str] = mapped_column(String(200))
    credit_code: Mapped[str] = mapped_column(String(18))

    batch: Mapped[Batch] = relationship()
    organisation: Mapped[Organisation] = relationship()
    unit: Mapped[Unit] = relationship()
    updated_by: Mapped[User | None] = relationship()
    events: Mapped[list[DeclarationEvent]] = relationship(
        back_populates="declaration", order_by="DeclarationEvent.id")
    content: Mapped[DeclarationContent] = relationship(
        back_populates="declaration", uselist=False, cascade="all, delete-orphan")

    __table_args__ = (
        UniqueConstraint("batch_id", "organisation_id", "category",
                         name="uq_declaration_one_per_category"),
        Index("ix_declaration_unit_state", "batch_id", "unit_code", "state"),
        Index("ix_declaration_org", "organisation_id"),
        # Covers the provincial queue's filters, search and sort (province/queue.py).
        Index("ix_declaration_queue", "batch_id", "unit_code", "state", "category",
              "submitted_at", "org_name", "credit_code", "electronic_number"),
        # Covers the ministry board's counts by unit, category, class and model
        # (services/national.py): no row is read.
        Index("ix_declaration_board", "batch_id", "category", "klass", "service_model",
              "state", "unit_code"),
        # The national list filtered by state and category in its default order (by number):
        # one range gives the page of ids and the count (ministry/declarations.py).
        Index("ix_declaration_state_number", "state", "category", "electronic_number", "id"),
    )

    @property
    def data(self) -> dict:
        """The form's values (read-only view: assign a new dict to change them)."""
        return self.content.data if self.content is not None else {}

    @data.setter
    def data(self, value: dict) -> None:
        if self.content is None:
            self.content = DeclarationContent(data=value)
        else:
            self.content.data = value

    @property
    def state_enum(self) -> DeclarationState:
        return DeclarationState(self.state)

    @property
    def category_enum(self) -> Category:
        return Category(self.category)


class DeclarationContent(db.Model):
    """The form's values of one declaration (Declaration.data), apart from the row that lists
    and counts read."""

    __tablename__ = "declaration_content"
    declaration_id: Mapped[int] = mapped_column(ForeignKey("declaration.id"), primary_key=True)
    # The contact person's name, mobile and e-mail are encrypted at rest (SM4, crypto.py).
    data: Mapped[dict] = mapped_column(
        EncryptedJSONKeys("declaration_content.data", PERSONAL_KEYS), default=dict)

    declaration: Mapped[Declaration] = relationship(back_populates="content")


class DeclarationEvent(WorkflowEvent, db.Model):
    """One step of a declaration's history: who did what, when, with which comments."""

    __tablename__ = "declaration_event"
    step_actions = DeclarationAction
    step_states = DeclarationState
    declaration_id: Mapped[int] = mapped_column(ForeignKey("declaration.id"), index=True)
    # Per-section comments when returned for revision: {section key: comment}.
    section_comments: Mapped[dict | None] = mapped_column(JSON)

    declaration: Mapped[Declaration] = relationship(back_populates="events")


class DeclarationAttachment(db.Model):
    """A file attached to a declaration, by kind (rules/annex1.py AttachmentKind keys)."""

    __tablename__ = "declaration_attachment"
    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(ForeignKey("declaration.id"), index=True)
    stored_file_id: Mapped[int] = mapped_column(ForeignKey("stored_file.id"))
    kind: Mapped[str] = mapped_column(String(30))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    declaration: Mapped[Declaration] = relationship(
        backref=backref("attachments", order_by="DeclarationAttachment.id"))
    stored_file: Mapped[StoredFile] = relationship()


class DeclarationCounter(db.Model):
    """The last sequence number given per (batch, unit, category), for electronic numbers.

    Incremented with one UPDATE ... RETURNING, so two submissions never get the same number.
    """

    __tablename__ = "declaration_counter"
    batch_id: Mapped[int] = mapped_column(ForeignKey("batch.id"), primary_key=True)
    unit_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    category: Mapped[str] = mapped_column(String(20), primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
