"""Corrections without loss: each correction of a registry row keeps the old and new values
(the row itself holds only the current ones)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from smplatform.extensions import db
from smplatform.models.accounts import User
from smplatform.models.evaluation import RegistryEntry
from smplatform.models.types import UTCDateTime


class RegistryCorrection(db.Model):
    """One correction of a registry row by the ministry: {field: [old, new]} and the reason."""

    __tablename__ = "registry_correction"
    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("registry_entry.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reason: Mapped[str] = mapped_column(Text)
    changes: Mapped[dict] = mapped_column(JSON)

    entry: Mapped[RegistryEntry] = relationship()
    actor: Mapped[User | None] = relationship()
