"""national list: index for its filters by state and category, in its default order

Revision ID: 0013_list_index
Revises: 0012_mail_backoff
Create Date: 2026-11-27

The ministry's national list is most often filtered by state and category across batches
and sorted by electronic number (its default). Without this index SQLite either sorted every
matching row (a few thousand at 20,000 declarations) or walked the whole number index; with
it the page of 25 ids and the count are read from one range (bench/RESULTS.md, growth).
"""
from alembic import op

revision = "0013_list_index"
down_revision = "0012_mail_backoff"
branch_labels = None
depends_on = None

COLUMNS = ["state", "category", "electronic_number", "id"]


def upgrade():
    with op.batch_alter_table("declaration", schema=None) as batch_op:
        batch_op.create_index("ix_declaration_state_number", COLUMNS, unique=False)


def downgrade():
    with op.batch_alter_table("declaration", schema=None) as batch_op:
        batch_op.drop_index("ix_declaration_state_number")
