"""accounts: two-factor sign-in (TOTP and recovery codes), password reset links, sessions'
devices and re-authentication; the three separated administrators replace `is_admin`

Revision ID: 0021_two_factor
Revises: 0020_must_change
Create Date: 2026-12-01

- user_account: totp_secret (SM4-encrypted), totp_confirmed_at, totp_last_step (no code is
  accepted twice); `is_admin` is dropped: accounts and the audit log belong to the system,
  security and audit administrators (roles), and ministry users manage no accounts. Former
  ministry administrators stay ministry users; create the administrators with
  `flask create-user --role system_admin|security_admin|audit_admin`.
- recovery_code: one-time codes, stored as SM3 digests.
- password_reset: reset links' tokens, stored as SM3 digests, single use, 30 minutes.
- user_session: device (browser), device_hash (the device cookie's digest: a new device is
  noticed), authenticated_at (password and second factor last proven: re-authentication).
Downgrade removes them and gives `is_admin` back (false for everyone).
"""
import sqlalchemy as sa
from alembic import op

revision = "0021_two_factor"
down_revision = "0020_must_change"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("user_account", sa.Column("totp_secret", sa.Text(), nullable=True))
    op.add_column("user_account", sa.Column("totp_confirmed_at", sa.DateTime(timezone=True),
                                            nullable=True))
    op.add_column("user_account", sa.Column("totp_last_step", sa.BigInteger(), nullable=True))
    op.drop_column("user_account", "is_admin")
    op.create_table(
        "recovery_code",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("user_account.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("code_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "password_reset",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("user_account.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ip", sa.String(45), nullable=True),
    )
    op.add_column("user_session", sa.Column("device", sa.String(200), nullable=True))
    op.add_column("user_session", sa.Column("device_hash", sa.String(64), nullable=True))
    op.add_column("user_session", sa.Column("authenticated_at", sa.DateTime(timezone=True),
                                            nullable=True))
    op.create_index("ix_user_session_device", "user_session", ["user_id", "device_hash"])


def downgrade():
    op.drop_index("ix_user_session_device", table_name="user_session")
    op.drop_column("user_session", "authenticated_at")
    op.drop_column("user_session", "device_hash")
    op.drop_column("user_session", "device")
    op.drop_table("password_reset")
    op.drop_table("recovery_code")
    op.add_column("user_account", sa.Column("is_admin", sa.Boolean(), nullable=False,
                                            server_default=sa.false()))
    op.drop_column("user_account", "totp_last_step")
    op.drop_column("user_account", "totp_confirmed_at")
    op.drop_column("user_account", "totp_secret")
