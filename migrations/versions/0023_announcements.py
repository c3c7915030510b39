"""announcements (通知公告) with revisions and attachments; the FAQ

Revision ID: 0023_announcements
Revises: 0022_security_policy
Create Date: 2026-11-30

New tables only: `announcement` (the ministry's and the units' notices: Markdown text in
Chinese and English, status, publication time, withdrawal), `announcement_revision` (every
save's text: the edit history), `announcement_attachment` (stored files) and `faq_entry`.
"""
import sqlalchemy as sa
from alembic import op

import smplatform.models.types

revision = "0023_announcements"
down_revision = "0022_security_policy"
branch_labels = None
depends_on = None

UTC = smplatform.models.types.UTCDateTime(timezone=True)


def upgrade():
    op.create_table(
        "announcement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=60), nullable=True),
        sa.Column("unit_code", sa.String(length=6), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("title_zh", sa.String(length=200), nullable=False),
        sa.Column("title_en", sa.String(length=200), nullable=False),
        sa.Column("body_zh", sa.Text(), nullable=False),
        sa.Column("body_en", sa.Text(), nullable=False),
        sa.Column("publish_at", UTC, nullable=True),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("withdrawn_at", UTC, nullable=True),
        sa.Column("withdrawn_reason", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["unit_code"], ["unit.code"],
                                name=op.f("fk_announcement_unit_code_unit")),
        sa.ForeignKeyConstraint(["published_by_id"], ["user_account.id"],
                                name=op.f("fk_announcement_published_by_id_user_account")),
        sa.ForeignKeyConstraint(["created_by_id"], ["user_account.id"],
                                name=op.f("fk_announcement_created_by_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_announcement")),
        sa.UniqueConstraint("slug", name=op.f("uq_announcement_slug")),
    )
    with op.batch_alter_table("announcement", schema=None) as batch_op:
        batch_op.create_index("ix_announcement_public", ["status", "publish_at"], unique=False)
        batch_op.create_index("ix_announcement_unit", ["unit_code", "status", "publish_at"],
                              unique=False)

    op.create_table(
        "announcement_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("announcement_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title_zh", sa.String(length=200), nullable=False),
        sa.Column("title_en", sa.String(length=200), nullable=False),
        sa.Column("body_zh", sa.Text(), nullable=False),
        sa.Column("body_en", sa.Text(), nullable=False),
        sa.Column("after_publication", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("edited_by_id", sa.Integer(), nullable=True),
        sa.Column("edited_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["announcement_id"], ["announcement.id"],
                                name=op.f("fk_announcement_revision_announcement_id_announcement")),
        sa.ForeignKeyConstraint(["edited_by_id"], ["user_account.id"],
                                name=op.f("fk_announcement_revision_edited_by_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_announcement_revision")),
        sa.UniqueConstraint("announcement_id", "number", name="uq_announcement_revision_number"),
    )
    with op.batch_alter_table("announcement_revision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_announcement_revision_announcement_id"),
                              ["announcement_id"], unique=False)

    op.create_table(
        "announcement_attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("announcement_id", sa.Integer(), nullable=False),
        sa.Column("stored_file_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["announcement_id"], ["announcement.id"],
            name=op.f("fk_announcement_attachment_announcement_id_announcement")),
        sa.ForeignKeyConstraint(
            ["stored_file_id"], ["stored_file.id"],
            name=op.f("fk_announcement_attachment_stored_file_id_stored_file")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_announcement_attachment")),
    )
    with op.batch_alter_table("announcement_attachment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_announcement_attachment_announcement_id"),
                              ["announcement_id"], unique=False)

    op.create_table(
        "faq_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("audience", sa.String(length=12), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("question_zh", sa.String(length=300), nullable=False),
        sa.Column("question_en", sa.String(length=300), nullable=False),
        sa.Column("answer_zh", sa.Text(), nullable=False),
        sa.Column("answer_en", sa.Text(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", UTC, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["updated_by_id"], ["user_account.id"],
                                name=op.f("fk_faq_entry_updated_by_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_faq_entry")),
    )


def downgrade():
    op.drop_table("faq_entry")
    with op.batch_alter_table("announcement_attachment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_announcement_attachment_announcement_id"))
    op.drop_table("announcement_attachment")
    with op.batch_alter_table("announcement_revision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_announcement_revision_announcement_id"))
    op.drop_table("announcement_revision")
    with op.batch_alter_table("announcement", schema=None) as batch_op:
        batch_op.drop_index("ix_announcement_unit")
        batch_op.drop_index("ix_announcement_public")
    op.drop_table("announcement")
