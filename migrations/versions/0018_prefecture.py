"""prefecture tier: city industry and IT officers (user_account.city_code) and each unit's
setting per batch (prefecture_review); off by default

Revision ID: 0018_prefecture
Revises: 0017_deadlines
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

from smplatform.models.types import UTCDateTime

revision = "0018_prefecture"
down_revision = "0017_deadlines"
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN (no table copy: on SQLite, copying user_account trips the foreign
    # keys that point at it); the foreign key where the database can add one in place.
    op.add_column("user_account", sa.Column("city_code", sa.String(length=6), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.create_foreign_key("fk_user_account_city_code", "user_account", "city",
                              ["city_code"], ["code"])
    op.create_table(
        "prefecture_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("unit_code", sa.String(length=6), nullable=False),
        sa.Column("enabled", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("city_deadline", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["batch_id"], ["batch.id"]),
        sa.ForeignKeyConstraint(["unit_code"], ["unit.code"]),
        sa.ForeignKeyConstraint(["updated_by_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("batch_id", "unit_code", name="uq_prefecture_review"),
    )


def downgrade():
    op.drop_table("prefecture_review")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint("fk_user_account_city_code", "user_account", type_="foreignkey")
    op.drop_column("user_account", "city_code")
