"""The audit log: one row for every sign-in attempt and every state change.

Append-only and tamper-evident: when a transaction commits, its entries are sealed in order,
each with the HMAC-SM3 (under an audit key kept outside the database) of the previous one's
hash and its own content (`seq`, `prev_hash`, `hash`, `mac_key`), serialised through the
single `audit_chain_head` row. `flask --app wsgi verify-audit` recomputes the chain.

Retention: entries are kept at least AUDIT_RETENTION_DAYS (≥ 180). `flask audit-archive`
writes sealed files of old entries (`AuditArchive` rows record them); only archived entries
past the retention period may then be removed from the database (`--prune`), and
`flask audit-restore` verifies a file before putting its entries back.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from smplatform.extensions import db
from smplatform.models.types import UTCDateTime


class AuditEntry(db.Model):
    __tablename__ = "audit_entry"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    # The name typed or known at the time: kept even for failed sign-ins of unknown accounts.
    actor_name: Mapped[str | None] = mapped_column(String(64))
    ip: Mapped[str | None] = mapped_column(String(45))
    action: Mapped[str] = mapped_column(String(60), index=True)
    outcome: Mapped[str] = mapped_column(String(10))
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(40))
    unit_code: Mapped[str | None] = mapped_column(String(6))
    detail: Mapped[dict | None] = mapped_column(JSON)
    # The hash chain (filled when the transaction commits).
    seq: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))
    # The id of the audit key (crypto.py) whose HMAC-SM3 `hash` is; None: SHA-256 (entries
    # sealed before migration 0019).
    mac_key: Mapped[str | None] = mapped_column(String(16))

    __table_args__ = (Index("ix_audit_entry_object", "object_type", "object_id"),)


class AuditChainHead(db.Model):
    """One row: the last sealed entry's sequence number and hash. Locked to seal."""

    __tablename__ = "audit_chain_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))


class AuditArchive(db.Model):
    """One archive file of audit entries `first_seq`..`last_seq`: its name, its SM3 digest,
    its HMAC-SM3 seal, and whether its entries were then removed from the database."""

    __tablename__ = "audit_archive"
    id: Mapped[int] = mapped_column(primary_key=True)
    first_seq: Mapped[int] = mapped_column(BigInteger)
    last_seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    last_hash: Mapped[str] = mapped_column(String(64))
    entries: Mapped[int] = mapped_column(Integer)
    file_name: Mapped[str] = mapped_column(String(200))
    digest: Mapped[str] = mapped_column(String(64))
    seal: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    pruned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
