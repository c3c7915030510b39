"""accounts: a password set by someone else must be changed at the next sign-in

Revision ID: 0020_must_change
Revises: 0019_crypto
Create Date: 2026-12-01

`user_account.must_change_password`: set when an administrator (or the command line) sets an
account's password; cleared when its holder chooses their own. Existing accounts: false.
"""
import sqlalchemy as sa
from alembic import op

revision = "0020_must_change"
down_revision = "0019_crypto"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("user_account", sa.Column("must_change_password", sa.Boolean(),
                                            nullable=False, server_default=sa.false()))


def downgrade():
    op.drop_column("user_account", "must_change_password")
