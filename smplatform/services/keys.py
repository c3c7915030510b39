"""Key rotation: a new SM4 data key, HMAC-SM3 index key or audit key, and everything the old
data and index keys protect moved under the new ones.

`rotate` adds the new keys to the key file and makes them current (running processes pick
them up within KEY_FILE_RECHECK_SECONDS, and at once when they meet a value under a key id
they do not know), then re-encrypts every encrypted column and recomputes the blind indexes,
in chunks. `retire` removes the data and index keys that nothing stored uses any more. An
audit key is never removed: the entries and archives it sealed must stay verifiable.
"""
from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Text, select, type_coerce, update

from smplatform.crypto import FAMILIES, KeyRing, is_encrypted, key_id_of, ring, write_key_file
from smplatform.extensions import db
from smplatform.models.types import Encrypted, EncryptedJSONKeys
from smplatform.services import DomainError
from smplatform.services.audit import record, register_labels

CHUNK = 1000
PREFIXES = {"data": "d", "audit": "a", "index": "i"}

register_labels({"keys.rotate": _l("Keys rotated"), "keys.retire": _l("Old keys retired")})


@dataclass
class RotationReport:
    new_ids: dict[str, str] = field(default_factory=dict)
    values: int = 0          # column values re-encrypted
    indexes: int = 0         # blind indexes recomputed
    retired: list[str] = field(default_factory=list)


def key_file() -> Path:
    if current_app.config.get("KEYS"):
        raise DomainError("The key ring comes from the KEYS setting; rotate it there (or use "
                          "a key file, SMPLATFORM_KEY_FILE).")
    return Path(current_app.config.get("KEY_FILE")
                or Path(current_app.instance_path) / "keys.json")


def encrypted_columns() -> list[tuple]:
    """(table, primary key column, column, type) of every encrypted column of the models."""
    found = []
    for mapper in sorted(db.Model.registry.mappers, key=lambda m: m.local_table.name):
        table = mapper.local_table
        columns = [column for column in table.columns
                   if isinstance(column.type, (Encrypted, EncryptedJSONKeys))]
        if columns:
            [pk] = list(table.primary_key.columns)  # tables with personal data have one
            found.extend((table, pk, column, column.type) for column in columns)
    return found


def _next_id(family: str, existing) -> str:
    numbers = [int(m.group(1)) for k in existing
               if (m := re.fullmatch(re.escape(PREFIXES[family]) + r"(\d+)", k))]
    return f"{PREFIXES[family]}{max(numbers, default=0) + 1}"


def _raw_rows(table, pk, column, raw_type):
    last = None
    while True:
        query = select(pk, type_coerce(column, raw_type)).order_by(pk).limit(CHUNK)
        if last is not None:
            query = query.where(pk > last)
        rows = db.session.execute(query).all()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def reencrypt(keys: KeyRing) -> int:
    """Every encrypted value not under the current data key, encrypted again under it."""
    current = keys.current["data"]
    changed = 0
    for table, pk, column, kind in encrypted_columns():
        raw_type = JSON if isinstance(kind, EncryptedJSONKeys) else Text
        for rows in _raw_rows(table, pk, column, raw_type):
            changes = []
            for ident, raw in rows:
                if isinstance(kind, Encrypted):
                    if is_encrypted(raw) and key_id_of(raw) == current or not raw:
                        continue
                    value = kind.process_bind_param(
                        keys.decrypt_text(raw, kind.context), None)
                else:
                    data = json.loads(raw) if isinstance(raw, str) else raw
                    if not isinstance(data, dict) or all(
                            not data.get(k) or key_id_of(data[k]) == current
                            for k in kind.keys):
                        continue
                    opened = kind.process_result_value(data, None)
                    value = kind.process_bind_param(opened, None)
                changes.append((ident, value))
            for ident, value in changes:
                db.session.execute(update(table).where(pk == ident).values(
                    {column.name: type_coerce(value, raw_type)}))
            changed += len(changes)
            db.session.flush()
    return changed


def reindex(keys: KeyRing) -> int:
    """Blind indexes (user e-mail) recomputed under the current index key."""
    from smplatform.models import User
    current = keys.current["index"] + ":"
    count = 0
    for user in db.session.scalars(select(User).order_by(User.id)).yield_per(CHUNK):
        if user.email and not (user.email_index or "").startswith(current):
            user.email_index = keys.blind_index(user.email)
            count += 1
    db.session.flush()
    return count


def rotate(*, families: tuple[str, ...]) -> RotationReport:
    """Add a new key to each family named, make it current, and move the data and index
    families' values under it.

    Side effects: rewrites the key file (mode 0600); re-encrypts encrypted columns and
    recomputes blind indexes (the caller commits); audit entry `keys.rotate`.
    """
    unknown = set(families) - set(FAMILIES)
    if unknown or not families:
        raise DomainError(f"Name one or more key families: {', '.join(FAMILIES)}.")
    path = key_file()
    keys = ring()
    content = keys.to_dict()
    report = RotationReport()
    for family in families:
        new_id = _next_id(family, content[family]["keys"])
        content[family]["keys"][new_id] = secrets.token_hex(FAMILIES[family])
        content[family]["current"] = new_id
        report.new_ids[family] = new_id
    KeyRing.from_dict(content)  # well formed before it is written
    write_key_file(path, content)
    keys._refresh(force=True)
    if "data" in families:
        report.values = reencrypt(keys)
    if "index" in families:
        report.indexes = reindex(keys)
    record("keys.rotate", actor_name="cli",
           detail={"new": report.new_ids, "values": report.values, "indexes": report.indexes})
    return report


def _data_keys_in_use() -> set[str]:
    """The data keys of encrypted values and of encrypted uploaded files."""
    from smplatform.models import StoredFile
    used: set[str] = set(filter(None, db.session.scalars(
        select(StoredFile.encryption_key_id).distinct())))
    for table, pk, column, kind in encrypted_columns():
        raw_type = JSON if isinstance(kind, EncryptedJSONKeys) else Text
        for rows in _raw_rows(table, pk, column, raw_type):
            for _ident, raw in rows:
                if isinstance(kind, Encrypted):
                    if key_id_of(raw):
                        used.add(key_id_of(raw))
                else:
                    data = json.loads(raw) if isinstance(raw, str) else raw
                    if isinstance(data, dict):
                        used.update(filter(None, (key_id_of(data.get(k)) for k in kind.keys)))
    return used


def retire() -> RotationReport:
    """Remove the data and index keys that are not current and that no stored value uses.

    Side effects: rewrites the key file; audit entry `keys.retire`. Audit keys stay.
    """
    from smplatform.models import User
    path = key_file()
    keys = ring()
    keys._refresh(force=True)
    content = keys.to_dict()
    report = RotationReport()
    in_use = {"data": _data_keys_in_use(),
              "index": {(i or "").partition(":")[0] for i in
                        db.session.scalars(select(User.email_index).distinct())}}
    for family in ("data", "index"):
        for key_id in list(content[family]["keys"]):
            if key_id != content[family]["current"] and key_id not in in_use[family]:
                del content[family]["keys"][key_id]
                report.retired.append(key_id)
    if report.retired:
        write_key_file(path, content)
        keys._refresh(force=True)
        record("keys.retire", actor_name="cli", detail={"retired": report.retired})
    return report
