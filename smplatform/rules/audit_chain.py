"""The audit log's hash chain: what is hashed, and how each link is computed."""
from __future__ import annotations

import hashlib
import json
from datetime import datetime

GENESIS = "0" * 64


def entry_payload(*, seq: int, at: datetime, actor_id, actor_name, ip, action, outcome,
                  object_type, object_id, unit_code, detail) -> bytes:
    """The canonical bytes of an entry (every column that records what happened)."""
    return json.dumps({
        "seq": seq, "at": at.isoformat(timespec="microseconds"), "actor_id": actor_id,
        "actor_name": actor_name, "ip": ip, "action": action, "outcome": outcome,
        "object_type": object_type, "object_id": object_id, "unit_code": unit_code,
        "detail": detail,
    }, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def link(prev_hash: str, payload: bytes, key: bytes | None = None) -> str:
    """The entry's hash: HMAC-SM3 of the previous hash and the payload under an audit key
    kept outside the database (so whoever holds only the database cannot rebuild the chain);
    without a key, SHA-256 (entries sealed before migration 0019)."""
    if key is None:
        return hashlib.sha256(prev_hash.encode() + payload).hexdigest()
    from smplatform.crypto import hmac_sm3
    return hmac_sm3(key, prev_hash.encode() + payload).hex()
