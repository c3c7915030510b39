"""In-application notifications for applicants, and the e-mail outbox."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from smplatform.extensions import db
from smplatform.models.types import Encrypted, UTCDateTime


class Notification(db.Model):
    """A message to one user or to every user of an organisation.

    The text is a key of services/notifications.py MESSAGES plus its parameters, rendered in
    the reader's language when shown.
    """

    __tablename__ = "notification"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    key: Mapped[str] = mapped_column(String(60))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    link: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_notification_org", "organisation_id", "read_at"),
                      Index("ix_notification_user", "user_id", "read_at"))


class OutboxEmail(db.Model):
    """An e-mail waiting to be sent (or sent) by `flask send-mail`.

    `attempts` counts tries; after a failed one, `next_attempt_at` says when the next is due
    (exponential backoff, rules/mail_retry.py) and `last_error` why it failed. A mail that is
    neither sent nor has attempts left has failed for good; `next_attempt_at` is then null.
    """

    __tablename__ = "outbox_email"
    id: Mapped[int] = mapped_column(primary_key=True)
    # The address and the body (which may carry a password-reset link) are encrypted at
    # rest (SM4, crypto.py).
    to: Mapped[str] = mapped_column(Encrypted("outbox_email.to"))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Encrypted("outbox_email.body"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    # The delivery query: sent_at IS NULL, attempts < max, next_attempt_at null or past.
    __table_args__ = (Index("ix_outbox_email_due", "sent_at", "next_attempt_at", "attempts"),)
