"""bench: covering index for the provincial review queue

Revision ID: 0010_bench
Revises: 0009_selection
Create Date: 2026-11-27

The queue filters a unit's declarations by state, category and name and sorts them by
submission time. On SQLite the large `data` JSON sits in the middle of each row, so reading
any later column walks its overflow pages; this index answers the queue's count and its page
of ids without reading the rows (bench/RESULTS.md).
"""
from alembic import op

revision = "0010_bench"
down_revision = "0009_selection"
branch_labels = None
depends_on = None

COLUMNS = ["batch_id", "unit_code", "state", "category", "submitted_at", "org_name",
           "credit_code", "electronic_number"]


def upgrade():
    with op.batch_alter_table("declaration", schema=None) as batch_op:
        batch_op.create_index("ix_declaration_queue", COLUMNS, unique=False)


def downgrade():
    with op.batch_alter_table("declaration", schema=None) as batch_op:
        batch_op.drop_index("ix_declaration_queue")
