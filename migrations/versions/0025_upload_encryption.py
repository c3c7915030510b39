"""uploaded files encrypted at rest: the data key a stored file is encrypted under

Revision ID: 0025_upload_encryption
Revises: 0024_public_objection
Create Date: 2026-11-30

With ENCRYPT_UPLOADS on, the file stores keep uploads encrypted with SM4-GCM under the key
ring's current data key (smplatform/crypto.py, filestore.EncryptedStore). The key's id is in
each file's header and, so that rotation and retirement find a key's files without reading
them, in this column. Existing files were stored as uploaded: NULL.
"""
import sqlalchemy as sa
from alembic import op

revision = "0025_upload_encryption"
down_revision = "0024_public_objection"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("stored_file", schema=None) as batch_op:
        batch_op.add_column(sa.Column("encryption_key_id", sa.String(length=64), nullable=True))


def downgrade():
    # The older schema cannot say which files are encrypted: refuse while any is.
    bind = op.get_bind()
    if bind.execute(sa.text(
            "SELECT 1 FROM stored_file WHERE encryption_key_id IS NOT NULL LIMIT 1")).first():
        raise RuntimeError("Encrypted uploads exist, and the older schema cannot tell them: "
                           "restore a backup taken before the upgrade instead.")
    with op.batch_alter_table("stored_file", schema=None) as batch_op:
        batch_op.drop_column("encryption_key_id")
