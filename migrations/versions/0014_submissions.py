"""declaration submissions: the fingerprint of each submitted content (signed PDFs); the
stamped scans' links to the signed original

Revision ID: 0014_submissions
Revises: 0013_list_index
Create Date: 2026-11-30

One row per submission of a declaration with the SHA-256 of its number and content
(rules/numbering.content_digest); the signed PDF carries the same fingerprint. Declarations
submitted before this revision get one row each, computed from their stored content (which
cannot have changed since, unless they were returned: those get theirs at resubmission).
"""
import hashlib
import json

import sqlalchemy as sa
from alembic import op

from smplatform.models.types import UTCDateTime

revision = "0014_submissions"
down_revision = "0013_list_index"
branch_labels = None
depends_on = None

EDITABLE = ("draft", "returned")


def _digest(number: str, data: dict) -> str:
    content = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(number.encode() + b"\x00" + content.encode()).hexdigest()


def upgrade():
    table = op.create_table(
        "declaration_submission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("declaration_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("submitted_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("verification_code", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(["declaration_id"], ["declaration.id"]),
        sa.ForeignKeyConstraint(["actor_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("declaration_id", "seq", name="uq_declaration_submission_seq"),
    )
    op.create_index("ix_declaration_submission_declaration_id", "declaration_submission",
                    ["declaration_id"])
    op.create_index("ix_declaration_submission_content_sha256", "declaration_submission",
                    ["content_sha256"])
    op.create_table(
        "stamped_scan_link",
        sa.Column("attachment_id", sa.Integer(), nullable=False),
        sa.Column("declaration_id", sa.Integer(), nullable=False),
        sa.Column("number_read", sa.String(length=32), nullable=True),
        sa.Column("submission_id", sa.Integer(), nullable=True),
        sa.Column("checked_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["attachment_id"], ["declaration_attachment.id"],
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["declaration_id"], ["declaration.id"]),
        sa.ForeignKeyConstraint(["submission_id"], ["declaration_submission.id"]),
        sa.PrimaryKeyConstraint("attachment_id"),
    )
    op.create_index("ix_stamped_scan_link_declaration_id", "stamped_scan_link",
                    ["declaration_id"])
    declaration = sa.table("declaration", sa.column("id", sa.Integer),
                           sa.column("electronic_number", sa.String),
                           sa.column("verification_code", sa.String),
                           sa.column("submitted_at", UTCDateTime(timezone=True)),
                           sa.column("state", sa.String))
    content = sa.table("declaration_content", sa.column("declaration_id", sa.Integer),
                       sa.column("data", sa.JSON))
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(declaration.c.id, declaration.c.electronic_number,
                  declaration.c.verification_code, declaration.c.submitted_at, content.c.data)
        .select_from(declaration.outerjoin(
            content, content.c.declaration_id == declaration.c.id))
        .where(declaration.c.electronic_number.is_not(None),
               declaration.c.verification_code.is_not(None),
               declaration.c.submitted_at.is_not(None),
               declaration.c.state.not_in(EDITABLE))
        .order_by(declaration.c.id))
    batch = []
    for row in rows:
        batch.append({"declaration_id": row.id, "seq": 1, "submitted_at": row.submitted_at,
                      "actor_id": None, "verification_code": row.verification_code,
                      "content_sha256": _digest(row.electronic_number, row.data or {})})
        if len(batch) >= 1000:
            op.bulk_insert(table, batch)
            batch = []
    if batch:
        op.bulk_insert(table, batch)


def downgrade():
    op.drop_index("ix_stamped_scan_link_declaration_id", "stamped_scan_link")
    op.drop_table("stamped_scan_link")
    op.drop_index("ix_declaration_submission_content_sha256", "declaration_submission")
    op.drop_index("ix_declaration_submission_declaration_id", "declaration_submission")
    op.drop_table("declaration_submission")
