"""deadlines that bind: extensions for one organisation, reminders sent before due dates

Revision ID: 0017_deadlines
Revises: 0016_registry_corrections
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

from smplatform.models.types import UTCDateTime

revision = "0017_deadlines"
down_revision = "0016_registry_corrections"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "deadline_extension",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("unit_code", sa.String(length=6), nullable=False),
        sa.Column("until", UTCDateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("granted_by_id", sa.Integer(), nullable=True),
        sa.Column("granted_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["batch_id"], ["batch.id"]),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"]),
        sa.ForeignKeyConstraint(["unit_code"], ["unit.code"]),
        sa.ForeignKeyConstraint(["granted_by_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("batch_id", "organisation_id", name="uq_deadline_extension"),
    )
    op.create_index("ix_deadline_extension_unit_code", "deadline_extension", ["unit_code"])
    op.create_table(
        "due_reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("unit_code", sa.String(length=6), server_default="", nullable=False),
        sa.Column("stage", sa.String(length=10), nullable=False),
        sa.Column("sent_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "object_id", "unit_code", "stage", name="uq_due_reminder"),
    )


def downgrade():
    op.drop_table("due_reminder")
    op.drop_index("ix_deadline_extension_unit_code", "deadline_extension")
    op.drop_table("deadline_extension")
