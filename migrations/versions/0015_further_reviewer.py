"""review assignments: a further reviewer asked for because the reviewers disagreed

Revision ID: 0015_further_reviewer
Revises: 0014_submissions
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = "0015_further_reviewer"
down_revision = "0014_submissions"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("review_assignment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("further", sa.Boolean(), nullable=False,
                                      server_default="0"))


def downgrade():
    with op.batch_alter_table("review_assignment", schema=None) as batch_op:
        batch_op.drop_column("further")
