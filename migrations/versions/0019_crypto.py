"""commercial cryptography: personal data encrypted with SM4, the audit chain keyed HMAC-SM3

Revision ID: 0019_crypto
Revises: 0018_prefecture
Create Date: 2026-12-01

Upgrade (needs the key ring of the app it runs in: KEYS, or KEY_FILE; see crypto.py):
- personal data columns become Text and every existing value is encrypted in place with the
  current SM4 data key (organisation contact name/mobile/e-mail, user e-mail, liaison
  contacts, the outbox's addresses and bodies, the contact fields of declaration forms);
  `user_account.email_index` (HMAC-SM3 blind index) is filled;
- the audit chain, checked first as it stands (SHA-256; the migration refuses a broken chain
  rather than re-seal tampered entries), is re-sealed entry by entry with HMAC-SM3 under the
  current audit key (`audit_entry.mac_key`); `audit_archive` records archive files.
Downgrade decrypts every value, re-seals the chain with SHA-256 and restores the columns.
"""
import hashlib
import json

import sqlalchemy as sa
from alembic import op

revision = "0019_crypto"
down_revision = "0018_prefecture"
branch_labels = None
depends_on = None

# (table, primary key, column, former type)
COLUMNS = [
    ("organisation", "id", "contact_name", sa.String(100)),
    ("organisation", "id", "contact_mobile", sa.String(20)),
    ("organisation", "id", "contact_email", sa.String(254)),
    ("user_account", "id", "email", sa.String(254)),
    ("liaison_contact", "id", "name", sa.String(50)),
    ("liaison_contact", "id", "phone", sa.String(30)),
    ("liaison_contact", "id", "fax", sa.String(30)),
    ("liaison_contact", "id", "email", sa.String(254)),
    ("outbox_email", "id", "to", sa.String(254)),
    ("outbox_email", "id", "body", sa.Text()),
]
JSON_KEYS = ("contact_name", "contact_mobile", "contact_email")
CHUNK = 2000
GENESIS = "0" * 64


def _ring():
    from smplatform.crypto import ring
    return ring()


def _rows(connection, table, key, column):
    t = sa.table(table, sa.column(key), sa.column(column, sa.Text()))
    last = None
    while True:
        query = sa.select(t.c[key], t.c[column]).order_by(t.c[key]).limit(CHUNK)
        if last is not None:
            query = query.where(t.c[key] > last)
        rows = connection.execute(query).all()
        if not rows:
            return
        yield t, rows
        last = rows[-1][0]


def _convert_columns(connection, seal: bool) -> None:
    from smplatform.crypto import is_encrypted
    keys = _ring()
    for table, key, column, _former in COLUMNS:
        context = f"{table}.{column}"
        for t, rows in _rows(connection, table, key, column):
            changes = []
            for ident, value in rows:
                if value in (None, ""):
                    continue
                if seal and not is_encrypted(value):
                    changes.append({"k": ident, "v": keys.encrypt_text(value, context)})
                elif not seal and is_encrypted(value):
                    changes.append({"k": ident, "v": keys.decrypt_text(value, context)})
            if changes:
                connection.execute(t.update().where(t.c[key] == sa.bindparam("k"))
                                   .values({column: sa.bindparam("v")}), changes)


def _email_index(connection) -> None:
    keys = _ring()
    t = sa.table("user_account", sa.column("id"), sa.column("email", sa.Text()),
                 sa.column("email_index", sa.String(80)))
    for _t, rows in _rows(connection, "user_account", "id", "email"):
        changes = [{"k": ident, "v": keys.blind_index(keys.decrypt_text(
            value, "user_account.email")) if value else None} for ident, value in rows]
        connection.execute(t.update().where(t.c.id == sa.bindparam("k"))
                           .values(email_index=sa.bindparam("v")), changes)


def _convert_content(connection, seal: bool) -> None:
    from smplatform.crypto import is_encrypted
    keys = _ring()
    t = sa.table("declaration_content", sa.column("declaration_id"), sa.column("data", sa.JSON))
    for _t, rows in _rows(connection, "declaration_content", "declaration_id", "data"):
        changes = []
        for ident, raw in rows:
            data = json.loads(raw) if isinstance(raw, str) else raw
            if not isinstance(data, dict):
                continue
            changed = False
            for name in JSON_KEYS:
                value = data.get(name)
                if not isinstance(value, str) or not value:
                    continue
                context = f"declaration_content.data.{name}"
                if seal and not is_encrypted(value):
                    data[name], changed = keys.encrypt_text(value, context), True
                elif not seal and is_encrypted(value):
                    data[name], changed = keys.decrypt_text(value, context), True
            if changed:
                changes.append({"k": ident, "v": data})
        if changes:
            connection.execute(t.update().where(t.c.declaration_id == sa.bindparam("k"))
                               .values(data=sa.bindparam("v")), changes)


def _reseal_audit(connection, keyed: bool, write: bool = True) -> None:
    """Check the chain as it is sealed now, then (`write`) seal it again the other way."""
    from smplatform.crypto import hmac_sm3
    from smplatform.models.types import UTCDateTime
    from smplatform.rules.audit_chain import entry_payload
    keys = _ring()
    names = ("at", "actor_id", "actor_name", "ip", "action", "outcome", "object_type",
             "object_id", "unit_code", "detail")
    columns = [sa.column("id"), sa.column("seq"), sa.column("prev_hash"), sa.column("hash"),
               sa.column("at", UTCDateTime()), sa.column("detail", sa.JSON)]
    columns += [sa.column(n) for n in names if n not in ("at", "detail")]
    if keyed:
        columns.append(sa.column("mac_key"))
    t = sa.table("audit_entry", *columns)
    audit_id, audit_key = keys.current_key("audit")

    def sha(prev, payload):
        return hashlib.sha256(prev.encode() + payload).hexdigest()

    def mac(prev, payload, key):
        return hmac_sm3(key, prev.encode() + payload).hex()

    old_last = new_last = GENESIS
    after, count = 0, 0
    while True:
        rows = connection.execute(sa.select(t).where(t.c.seq > after).order_by(t.c.seq)
                                  .limit(CHUNK)).mappings().all()
        if not rows:
            break
        changes = []
        for row in rows:
            payload = entry_payload(seq=row["seq"], **{n: row[n] for n in names})
            expected = (sha(old_last, payload) if not keyed else
                        mac(old_last, payload, keys.key("audit", row["mac_key"])))
            if row["prev_hash"] != old_last or row["hash"] != expected:
                raise RuntimeError(
                    f"audit entry id {row['id']} (seq {row['seq']}) does not verify: the "
                    "chain is broken. Investigate (flask verify-audit) before migrating.")
            old_last = row["hash"]
            sealed = mac(new_last, payload, audit_key) if not keyed else sha(new_last, payload)
            changes.append({"k": row["id"], "p": new_last, "h": sealed})
            new_last = sealed
            after, count = row["seq"], count + 1
        if not write:
            continue
        values = {"prev_hash": sa.bindparam("p"), "hash": sa.bindparam("h")}
        writable = sa.table("audit_entry", sa.column("id"), sa.column("prev_hash"),
                            sa.column("hash"), sa.column("mac_key"))
        if not keyed:
            values["mac_key"] = audit_id
        connection.execute(writable.update().where(writable.c.id == sa.bindparam("k"))
                           .values(values), changes)
    if not write:
        return
    head = sa.table("audit_chain_head", sa.column("id"), sa.column("seq"),
                    sa.column("last_hash"))
    connection.execute(head.update().where(head.c.id == 1).values(last_hash=new_last))


def _retype(to_text: bool) -> None:
    """The columns' declared types (SQLite does not enforce a length: nothing to change
    there, and rebuilding tables that others reference would trip their foreign keys)."""
    if op.get_bind().dialect.name == "sqlite":
        return
    for table, _key, column, former in COLUMNS:
        op.alter_column(table, column, existing_type=sa.Text() if not to_text else former,
                        type_=sa.Text() if to_text else former)


def upgrade():
    # Refuse a broken chain before changing anything (SQLite's DDL is not transactional).
    _reseal_audit(op.get_bind(), keyed=False, write=False)
    _retype(to_text=True)
    op.add_column("user_account", sa.Column("email_index", sa.String(80), nullable=True))
    op.create_index("ix_user_account_email_index", "user_account", ["email_index"])
    op.add_column("audit_entry", sa.Column("mac_key", sa.String(16), nullable=True))
    op.create_table(
        "audit_archive",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("first_seq", sa.BigInteger(), nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False, unique=True),
        sa.Column("last_hash", sa.String(64), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(200), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("seal", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("pruned_at", sa.DateTime(timezone=True), nullable=True),
    )
    connection = op.get_bind()
    _convert_columns(connection, seal=True)
    _email_index(connection)
    _convert_content(connection, seal=True)
    _reseal_audit(connection, keyed=False)


def downgrade():
    connection = op.get_bind()
    if connection.execute(sa.text("SELECT count(*) FROM audit_archive "
                                  "WHERE pruned_at IS NOT NULL")).scalar():
        raise RuntimeError("audit entries were pruned after archiving: restore them "
                           "(flask audit-restore) before downgrading")
    _reseal_audit(connection, keyed=True)
    _convert_content(connection, seal=False)
    _convert_columns(connection, seal=False)
    op.drop_table("audit_archive")
    # Plain ALTER TABLE … DROP COLUMN (SQLite ≥ 3.35): no table rebuild.
    op.drop_column("audit_entry", "mac_key")
    op.drop_index("ix_user_account_email_index", table_name="user_account")
    op.drop_column("user_account", "email_index")
    _retype(to_text=False)
