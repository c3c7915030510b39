"""Announcements (通知公告) with their edit history and attachments, and the FAQ."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from smplatform import clock
from smplatform.extensions import db
from smplatform.models.accounts import User
from smplatform.models.files import StoredFile
from smplatform.models.reference import Unit
from smplatform.models.types import UTCDateTime
from smplatform.rules import announcements as rules
from smplatform.enums import AnnouncementState, AnnouncementStatus


class Announcement(db.Model):
    """A notice of the ministry (unit_code None) or of a provincial-level unit for its region.

    `title_*`/`body_*` are the current text (Markdown; English optional); every save adds an
    AnnouncementRevision. `publish_at`: when it becomes public (set on publishing; ahead =
    scheduled). `slug`: a stable name for notices that other pages link to (the 2023 notice).
    """

    __tablename__ = "announcement"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str | None] = mapped_column(String(60), unique=True)
    unit_code: Mapped[str | None] = mapped_column(ForeignKey("unit.code"))
    status: Mapped[str] = mapped_column(String(10), default=AnnouncementStatus.DRAFT)
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200), default="")
    body_zh: Mapped[str] = mapped_column(Text)
    body_en: Mapped[str] = mapped_column(Text, default="")
    publish_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)

    unit: Mapped[Unit | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    attachments: Mapped[list[AnnouncementAttachment]] = relationship(
        back_populates="announcement", cascade="all, delete-orphan",
        order_by="AnnouncementAttachment.id")
    revisions: Mapped[list[AnnouncementRevision]] = relationship(
        back_populates="announcement", cascade="all, delete-orphan",
        order_by="AnnouncementRevision.number.desc()")

    __table_args__ = (
        # The public list: what is public, newest first (optionally one unit's).
        Index("ix_announcement_public", "status", "publish_at"),
        Index("ix_announcement_unit", "unit_code", "status", "publish_at"),
    )
    __mapper_args__ = {"version_id_col": version}

    @property
    def state(self) -> AnnouncementState:
        return rules.state(self.status, self.publish_at, clock.now())

    @property
    def is_public(self) -> bool:
        return rules.is_public(self.status, self.publish_at, clock.now())

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" and self.title_en else self.title_zh

    def body(self, lang: str) -> str:
        return self.body_en if lang == "en" and self.body_en else self.body_zh

    def has_english(self) -> bool:
        return bool(self.title_en and self.body_en)


class AnnouncementRevision(db.Model):
    """The text of an announcement as one save left it (the edit history)."""

    __tablename__ = "announcement_revision"
    id: Mapped[int] = mapped_column(primary_key=True)
    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcement.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200), default="")
    body_zh: Mapped[str] = mapped_column(Text)
    body_en: Mapped[str] = mapped_column(Text, default="")
    # Published at the time of the edit: an edit readers may have seen before.
    after_publication: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(String(500), default="")
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    edited_at: Mapped[datetime] = mapped_column(UTCDateTime())

    announcement: Mapped[Announcement] = relationship(back_populates="revisions")
    edited_by: Mapped[User | None] = relationship()

    __table_args__ = (UniqueConstraint("announcement_id", "number",
                                       name="uq_announcement_revision_number"),)


class AnnouncementAttachment(db.Model):
    """A file attached to an announcement (e.g. the Annex 1 forms, the notice's PDF)."""

    __tablename__ = "announcement_attachment"
    id: Mapped[int] = mapped_column(primary_key=True)
    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcement.id"), index=True)
    stored_file_id: Mapped[int] = mapped_column(ForeignKey("stored_file.id"))
    title: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    announcement: Mapped[Announcement] = relationship(back_populates="attachments")
    stored_file: Mapped[StoredFile] = relationship()


class FaqEntry(db.Model):
    """A question and its answer (Markdown) on the help pages, edited by the ministry.
    `audience`: who it is for (a Role value, or "general"); `position` orders them."""

    __tablename__ = "faq_entry"
    id: Mapped[int] = mapped_column(primary_key=True)
    audience: Mapped[str] = mapped_column(String(12), default="general")
    position: Mapped[int] = mapped_column(Integer, default=0)
    question_zh: Mapped[str] = mapped_column(String(300))
    question_en: Mapped[str] = mapped_column(String(300), default="")
    answer_zh: Mapped[str] = mapped_column(Text)
    answer_en: Mapped[str] = mapped_column(Text, default="")
    published: Mapped[bool] = mapped_column(default=True)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    def question(self, lang: str) -> str:
        return self.question_en if lang == "en" and self.question_en else self.question_zh

    def answer(self, lang: str) -> str:
        return self.answer_en if lang == "en" and self.answer_en else self.answer_zh
