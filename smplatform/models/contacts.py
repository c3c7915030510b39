"""Liaison contacts (联络人) that each provincial unit gives the ministry for a batch."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from smplatform.extensions import db
from smplatform.models.types import Encrypted, UTCDateTime


class LiaisonContact(db.Model):
    __tablename__ = "liaison_contact"
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batch.id"))
    unit_code: Mapped[str] = mapped_column(ForeignKey("unit.code"))
    # Personal data (name, phone, fax, e-mail): encrypted at rest (SM4, crypto.py).
    name: Mapped[str] = mapped_column(Encrypted("liaison_contact.name"))
    title: Mapped[str] = mapped_column(String(50))
    phone: Mapped[str] = mapped_column(Encrypted("liaison_contact.phone"))
    fax: Mapped[str | None] = mapped_column(Encrypted("liaison_contact.fax"))
    email: Mapped[str] = mapped_column(Encrypted("liaison_contact.email"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_liaison_contact_unit", "batch_id", "unit_code"),)
