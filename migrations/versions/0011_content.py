"""declarations: the form's values in their own 1:1 table

Revision ID: 0011_content
Revises: 0010_bench
Create Date: 2026-11-27

`declaration.data` (the whole form, tens of kilobytes of JSON) moves to
`declaration_content`. Lists, counts and sorts then read short rows: on SQLite a large value
in the middle of a row made every scan walk its overflow pages (bench/RESULTS.md). SQLite
drops the column with ALTER TABLE ... DROP COLUMN (SQLite 3.35 or later).

Also a covering index for the ministry board's counts by category, class and service model.
"""
import sqlalchemy as sa
from alembic import op

revision = "0011_content"
down_revision = "0010_bench"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "declaration_content",
        sa.Column("declaration_id", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["declaration_id"], ["declaration.id"],
                                name=op.f("fk_declaration_content_declaration_id_declaration")),
        sa.PrimaryKeyConstraint("declaration_id", name=op.f("pk_declaration_content")),
    )
    op.execute("INSERT INTO declaration_content (declaration_id, data) "
               "SELECT id, COALESCE(data, '{}') FROM declaration")
    op.drop_column("declaration", "data")
    op.create_index("ix_declaration_board", "declaration",
                    ["batch_id", "category", "klass", "service_model", "state", "unit_code"])


def downgrade():
    op.drop_index("ix_declaration_board", table_name="declaration")
    op.add_column("declaration", sa.Column("data", sa.JSON(), nullable=True))
    op.execute("UPDATE declaration SET data = (SELECT c.data FROM declaration_content c "
               "WHERE c.declaration_id = declaration.id)")
    op.drop_table("declaration_content")
