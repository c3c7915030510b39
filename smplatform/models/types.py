"""Column types shared by the models."""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, DateTime, Text
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """Stores UTC, returns aware datetimes, on SQLite (which has no time zones) and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Encrypted(TypeDecorator):
    """Text encrypted at rest with SM4-GCM under the key ring's current data key (crypto.py).

    The column holds `sm4g:<key id>:<base64>`; the ciphertext is bound to `context` (the
    column's "table.column"), so a value copied into another column does not decrypt. None
    and "" are stored as they are. Values are random per write, so SQL cannot compare them:
    `==` on such a column raises (look up by a blind index column instead).
    """

    impl = Text
    cache_ok = True

    def __init__(self, context: str):
        super().__init__()
        self.context = context

    class comparator_factory(TypeDecorator.Comparator):  # noqa: N801  (SQLAlchemy's name)
        def operate(self, op, *other, **kwargs):
            if op.__name__ in ("eq", "ne", "in_op", "not_in_op", "like_op", "ilike_op"):
                raise TypeError("an encrypted column cannot be compared in SQL; use its "
                                "blind index")
            return super().operate(op, *other, **kwargs)

    def process_bind_param(self, value, dialect):
        if value is None or value == "":
            return value
        from smplatform.crypto import ring
        return ring().encrypt_text(str(value), self.context)

    def process_result_value(self, value, dialect):
        if value is None or value == "":
            return value
        from smplatform.crypto import ring
        return ring().decrypt_text(value, self.context)


class EncryptedJSONKeys(TypeDecorator):
    """A JSON object whose personal values (`keys`) are encrypted like `Encrypted` columns,
    each bound to "context.key"; the other values stay plain JSON."""

    impl = JSON
    cache_ok = True

    def __init__(self, context: str, keys: tuple[str, ...]):
        super().__init__()
        self.context = context
        self.keys = tuple(keys)

    def process_bind_param(self, value, dialect):
        if not isinstance(value, dict) or not any(value.get(k) for k in self.keys):
            return value
        from smplatform.crypto import is_encrypted, ring
        keys = ring()
        sealed = dict(value)
        for key in self.keys:
            item = sealed.get(key)
            if isinstance(item, str) and item and not is_encrypted(item):
                sealed[key] = keys.encrypt_text(item, f"{self.context}.{key}")
        return sealed

    def process_result_value(self, value, dialect):
        if not isinstance(value, dict):
            return value
        from smplatform.crypto import is_encrypted, ring
        found = [k for k in self.keys if is_encrypted(value.get(k))]
        if not found:
            return value
        keys = ring()
        opened = dict(value)
        for key in found:
            opened[key] = keys.decrypt_text(value[key], f"{self.context}.{key}")
        return opened
