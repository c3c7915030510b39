"""objections from the public: the objector's contact, a reference, handled later

Revision ID: 0024_public_objection
Revises: 0023_announcements
Create Date: 2026-11-30

The public notice's form (public/selection.py) lets anyone object during the notice: the
objection is stored with the objector's contact (encrypted at rest, SM4: models/types.Encrypted)
and a reference to quote, and the ministry
handles it later, so its handling, outcome and who recorded them are empty until then.
Objections recorded by the ministry (all existing rows) keep source 'ministry'.
"""
import sqlalchemy as sa
from alembic import op

import smplatform.models.types

revision = "0024_public_objection"
down_revision = "0023_announcements"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("objection", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source", sa.String(length=10), nullable=False,
                                      server_default="ministry"))
        batch_op.add_column(sa.Column("reference", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("received_at", smplatform.models.types.UTCDateTime(
            timezone=True), nullable=True))
        batch_op.add_column(sa.Column("objector_name", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("objector_organisation", sa.Text(),
                                      nullable=True))
        batch_op.add_column(sa.Column("objector_phone", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("objector_email", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("ip", sa.String(length=45), nullable=True))
        batch_op.alter_column("handling", existing_type=sa.Text(), nullable=True)
        batch_op.alter_column("outcome", existing_type=sa.String(length=10), nullable=True)
        batch_op.alter_column("recorded_by_id", existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column("recorded_at", existing_type=smplatform.models.types.UTCDateTime(
            timezone=True), nullable=True)
        batch_op.create_unique_constraint("uq_objection_reference", ["reference"])


def downgrade():
    # Unhandled public objections have no handling or outcome: they cannot be kept by the
    # older schema, which required both; they are removed (the audit log keeps them).
    op.execute("DELETE FROM objection WHERE outcome IS NULL")
    with op.batch_alter_table("objection", schema=None) as batch_op:
        batch_op.drop_constraint("uq_objection_reference", type_="unique")
        batch_op.alter_column("recorded_at", existing_type=smplatform.models.types.UTCDateTime(
            timezone=True), nullable=False)
        batch_op.alter_column("recorded_by_id", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("outcome", existing_type=sa.String(length=10), nullable=False)
        batch_op.alter_column("handling", existing_type=sa.Text(), nullable=False)
        for column in ("ip", "objector_email", "objector_phone", "objector_organisation",
                       "objector_name", "received_at", "reference", "source"):
            batch_op.drop_column(column)
