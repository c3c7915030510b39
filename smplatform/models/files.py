"""Stored files: uploads kept outside static/, under random names, with their SHA-256."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from smplatform.extensions import db
from smplatform.models.types import UTCDateTime


class StoredFile(db.Model):
    __tablename__ = "stored_file"
    id: Mapped[int] = mapped_column(primary_key=True)
    storage_key: Mapped[str] = mapped_column(String(80), unique=True)  # random, no user input
    original_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))  # detected from content
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The SM4 data key the stored bytes are encrypted under (ENCRYPT_UPLOADS); None: stored
    # as uploaded. The file's own header says the same (crypto.encrypt_file); this column lets
    # rotation and retirement find the files of a key without reading them.
    encryption_key_id: Mapped[str | None] = mapped_column(String(64))
