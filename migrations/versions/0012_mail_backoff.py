"""outbox: exponential backoff for failed e-mails

Revision ID: 0012_mail_backoff
Revises: 0011_content
Create Date: 2026-11-27

`outbox_email.next_attempt_at`: when a failed e-mail may be tried again (null: due now, or
failed for good once its attempts are used up). The delivery query filters on sent_at,
next_attempt_at and attempts; one index on the three replaces the index on sent_at alone.
E-mails that failed before this migration have no next_attempt_at and are due at once.
"""
import sqlalchemy as sa
from alembic import op

import smplatform.models.types

revision = "0012_mail_backoff"
down_revision = "0011_content"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox_email", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_attempt_at",
                                      smplatform.models.types.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.drop_index(batch_op.f("ix_outbox_email_sent_at"))
        batch_op.create_index("ix_outbox_email_due", ["sent_at", "next_attempt_at", "attempts"],
                              unique=False)


def downgrade():
    with op.batch_alter_table("outbox_email", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_email_due")
        batch_op.create_index(batch_op.f("ix_outbox_email_sent_at"), ["sent_at"], unique=False)
        batch_op.drop_column("next_attempt_at")
