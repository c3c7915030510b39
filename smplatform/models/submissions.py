"""What was submitted: one row per submission of a declaration, with the fingerprint of its
content (rules/numbering.content_digest). The signed PDF carries the same fingerprint, so a
PDF handed back is compared with the declaration as submitted, and an earlier submission's
PDF is recognised as superseded rather than forged."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from smplatform.extensions import db
from smplatform.models.declaration import Declaration, DeclarationAttachment
from smplatform.models.types import UTCDateTime


class DeclarationSubmission(db.Model):
    __tablename__ = "declaration_submission"
    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(ForeignKey("declaration.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)  # 1 for the first submission, 2 after a return…
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    content_sha256: Mapped[str] = mapped_column(String(64), index=True)
    verification_code: Mapped[str] = mapped_column(String(16))

    declaration: Mapped[Declaration] = relationship()

    __table_args__ = (UniqueConstraint("declaration_id", "seq",
                                       name="uq_declaration_submission_seq"),)


class StampedScanLink(db.Model):
    """A stamped scan's link to the signed original (申报书盖章扫描件与电子原件的关联):
    the electronic number read from the QR code on the scan's cover (None when no code could
    be read: the officer then compares by eye), and the submission current at upload, whose
    fingerprint the signed PDF carries."""

    __tablename__ = "stamped_scan_link"
    attachment_id: Mapped[int] = mapped_column(
        ForeignKey("declaration_attachment.id", ondelete="CASCADE"), primary_key=True)
    declaration_id: Mapped[int] = mapped_column(ForeignKey("declaration.id"), index=True)
    number_read: Mapped[str | None] = mapped_column(String(32))
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("declaration_submission.id"))
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime())

    attachment: Mapped[DeclarationAttachment] = relationship(
        backref=backref("qr_link", uselist=False, cascade="all, delete-orphan",
                        passive_deletes=True))
    submission: Mapped[DeclarationSubmission | None] = relationship()
