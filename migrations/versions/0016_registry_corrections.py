"""registry corrections: the ministry's corrections of a registry row, old and new values kept

Revision ID: 0016_registry_corrections
Revises: 0015_further_reviewer
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

from smplatform.models.types import UTCDateTime

revision = "0016_registry_corrections"
down_revision = "0015_further_reviewer"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "registry_correction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["entry_id"], ["registry_entry.id"]),
        sa.ForeignKeyConstraint(["actor_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_registry_correction_entry_id", "registry_correction", ["entry_id"])


def downgrade():
    op.drop_index("ix_registry_correction_entry_id", "registry_correction")
    op.drop_table("registry_correction")
