"""accounts: the sign-in policy set by the security administrator

Revision ID: 0022_security_policy
Revises: 0021_two_factor
Create Date: 2026-11-30

- security_policy: one row (id 1) holding the roles that must sign in with a second factor,
  password expiry per role and the concurrent-session limit of privileged accounts. Until the
  security administrator saves a policy there is no row and the deployment's settings apply
  (TWO_FACTOR_ROLES, PASSWORD_MAX_AGE_DAYS, SESSION_LIMIT_PRIVILEGED).
Downgrade drops it (the settings apply again).
"""
import sqlalchemy as sa
from alembic import op

revision = "0022_security_policy"
down_revision = "0021_two_factor"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "security_policy",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("two_factor_roles", sa.JSON(), nullable=True),
        sa.Column("password_max_age_days", sa.JSON(), nullable=True),
        sa.Column("session_limit", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_by_id", sa.Integer(),
                  sa.ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True),
    )


def downgrade():
    op.drop_table("security_policy")
