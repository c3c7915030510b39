"""Commercial cryptography (GB/T 39786-2021): SM3 and SM4, with keys kept outside the database.

Algorithms come from the `cryptography` package (OpenSSL): HMAC-SM3 for integrity and blind
indexes, SM4 in GCM mode (authenticated encryption, RFC 8998) for confidentiality.

The key ring holds three families of keys, each a map of key id → key and the id of the one in
use; older keys stay in the ring to read what they protected until `flask rotate-keys` has
moved everything to the new one:

- `data`  (16-byte SM4 keys): personal data in the database, and uploaded files when
  ENCRYPT_UPLOADS is on (`encrypt_file` below; filestore.EncryptedStore);
- `audit` (32-byte HMAC-SM3 keys): the audit log's chain and the seals of its archives;
- `index` (32-byte HMAC-SM3 keys): blind indexes, so that an encrypted e-mail address can be
  looked up by equality without being decrypted.

Where the ring comes from (never the database): the `KEYS` setting (a dict, used by the tests),
else the JSON file `KEY_FILE` (`SMPLATFORM_KEY_FILE`, default `instance/keys.json`, created at
random with mode 0600 on the first run outside production; production refuses to start
without it). A process re-reads the file when it meets a key id it does not know, and at most
every KEY_FILE_RECHECK_SECONDS otherwise, so a rotation reaches running workers.

    python -m smplatform.crypto new > /etc/smplatform/keys.json   # a fresh key file
"""
from __future__ import annotations

import base64
import json
import os
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import constant_time, hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

FAMILIES = {"data": 16, "audit": 32, "index": 32}
PREFIX = "sm4g:"  # text ciphertext: sm4g:<key id>:<base64url(nonce | ciphertext | tag)>
NONCE = 12
TAG = 16
FILE_MAGIC = b"SMP-SM4G\x01"  # an encrypted upload starts with this
FILE_CHUNK = 1024 * 1024       # an encrypted upload is sealed in chunks of this many bytes
FILE_NONCE_PREFIX = 8          # random per file; a chunk's nonce is the prefix + its number
KEY_FILE_RECHECK_SECONDS = 10


class MissingKey(LookupError):
    """A key id the ring does not hold (not even after re-reading the key file)."""


class DecryptionError(ValueError):
    """A ciphertext that does not decrypt: altered, moved, or under a key not in the ring."""


# ------------------------------------------------------------------------------ primitives


def hmac_sm3(key: bytes, data: bytes) -> bytes:
    mac = hmac.HMAC(key, hashes.SM3())
    mac.update(data)
    return mac.finalize()


def sm3(data: bytes) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def same(a: bytes, b: bytes) -> bool:
    return constant_time.bytes_eq(a, b)


def sm4_gcm_encrypt(key: bytes, plaintext: bytes, aad: bytes = b"") -> bytes:
    nonce = secrets.token_bytes(NONCE)
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(aad)
    body = encryptor.update(plaintext) + encryptor.finalize()
    return nonce + body + encryptor.tag


def sm4_gcm_decrypt(key: bytes, blob: bytes, aad: bytes = b"") -> bytes:
    if len(blob) < NONCE + TAG:
        raise DecryptionError("ciphertext too short")
    nonce, body, tag = blob[:NONCE], blob[NONCE:-TAG], blob[-TAG:]
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(aad)
    try:
        return decryptor.update(body) + decryptor.finalize()
    except InvalidTag as error:
        raise DecryptionError("ciphertext does not authenticate") from error


# ------------------------------------------------------------------------ files (uploads)
#
# An encrypted file: header = FILE_MAGIC | key id length (1 byte) | key id | nonce prefix
# (8 random bytes), then the content in chunks of FILE_CHUNK bytes (the last one shorter, or
# empty for an empty file), each sealed with SM4-GCM: nonce = prefix | chunk number (4 bytes),
# additional data = header | the file's context (its storage key) | chunk number | last-chunk
# flag, and its 16-byte tag after it. A chunk cannot be altered, reordered, moved to another
# file or dropped from the end without the reading failing (the STREAM construction of
# Hoang, Reyhanitabar, Rogaway and Vizár, 2015). The content is never read whole into memory.


def _read_exact(stream: BinaryIO, size: int) -> bytes:
    """`size` bytes, fewer only at the end of the stream (streams may answer in pieces)."""
    parts, wanted = [], size
    while wanted > 0:
        part = stream.read(wanted)
        if not part:
            break
        parts.append(part)
        wanted -= len(part)
    return b"".join(parts)


def _file_header(key_id: str, prefix: bytes) -> bytes:
    name = key_id.encode("ascii")
    if not 0 < len(name) <= 64:
        raise ValueError(f"a data key id of 1 to 64 characters, not {key_id!r}")
    return FILE_MAGIC + bytes([len(name)]) + name + prefix


def _chunk_cipher(key: bytes, prefix: bytes, header: bytes, context: bytes, number: int,
                  last: bool, tag: bytes | None = None):
    nonce = prefix + number.to_bytes(4, "big")
    cipher = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag))
    worker = cipher.encryptor() if tag is None else cipher.decryptor()
    worker.authenticate_additional_data(
        header + context + number.to_bytes(4, "big") + (b"\x01" if last else b"\x00"))
    return worker


def encrypted_file_size(plain_size: int, key_id: str) -> int:
    """How many bytes the store keeps for a file of `plain_size` bytes under `key_id`."""
    chunks = max(1, -(-plain_size // FILE_CHUNK))
    return (len(FILE_MAGIC) + 1 + len(key_id.encode("ascii")) + FILE_NONCE_PREFIX
            + plain_size + TAG * chunks)


def encrypt_file(keys: KeyRing, source: BinaryIO, context: str) -> Iterator[bytes]:
    """The encrypted file (header, then the sealed chunks) of `source`, under the current
    data key, bound to `context` (the storage key)."""
    key_id, key = keys.current_key("data")
    prefix = secrets.token_bytes(FILE_NONCE_PREFIX)
    header = _file_header(key_id, prefix)
    bound = context.encode("utf-8")
    yield header
    number, chunk = 0, _read_exact(source, FILE_CHUNK)
    while True:
        following = _read_exact(source, FILE_CHUNK) if len(chunk) == FILE_CHUNK else b""
        last = not following
        worker = _chunk_cipher(key, prefix, header, bound, number, last)
        yield worker.update(chunk) + worker.finalize() + worker.tag
        if last:
            return
        number, chunk = number + 1, following


def file_key_id(head: bytes) -> str | None:
    """The data key id of an encrypted file from its first bytes (None: not encrypted)."""
    if not head.startswith(FILE_MAGIC) or len(head) <= len(FILE_MAGIC):
        return None
    length = head[len(FILE_MAGIC)]
    return head[len(FILE_MAGIC) + 1:len(FILE_MAGIC) + 1 + length].decode("ascii", "replace")


def decrypt_file(keys: KeyRing, stream: BinaryIO, context: str) -> Iterator[bytes]:
    """The content of an encrypted file read from `stream` (positioned after FILE_MAGIC),
    chunk by chunk. Raises DecryptionError as soon as a chunk does not authenticate, or the
    file ends early; MissingKey for a key id the ring does not hold."""
    length = _read_exact(stream, 1)
    if not length:
        raise DecryptionError("encrypted file without a header")
    name = _read_exact(stream, length[0])
    prefix = _read_exact(stream, FILE_NONCE_PREFIX)
    if len(name) != length[0] or len(prefix) != FILE_NONCE_PREFIX:
        raise DecryptionError("encrypted file with a cut header")
    key = keys.key("data", name.decode("ascii", "replace"))
    header = FILE_MAGIC + length + name + prefix
    bound = context.encode("utf-8")
    number, sealed = 0, _read_exact(stream, FILE_CHUNK + TAG)
    while True:
        if len(sealed) < TAG:
            raise DecryptionError("encrypted file cut short")
        following = _read_exact(stream, FILE_CHUNK + TAG) if len(sealed) == FILE_CHUNK + TAG \
            else b""
        worker = _chunk_cipher(key, prefix, header, bound, number, not following,
                               tag=sealed[-TAG:])
        try:
            yield worker.update(sealed[:-TAG]) + worker.finalize()
        except InvalidTag as error:
            raise DecryptionError(f"chunk {number} of an encrypted file does not "
                                  "authenticate") from error
        if not following:
            return
        number, sealed = number + 1, following


# ------------------------------------------------------------------------------ the key ring


def new_key_file_content(ids: dict[str, str] | None = None) -> dict:
    """A fresh key ring: one random key per family (ids d1, a1, i1 unless given)."""
    ids = ids or {"data": "d1", "audit": "a1", "index": "i1"}
    return {family: {"current": ids[family],
                     "keys": {ids[family]: secrets.token_hex(size)}}
            for family, size in FAMILIES.items()}


@dataclass
class KeyRing:
    """Keys by family; `reload` (when set) re-reads the source and returns a fresh ring."""

    keys: dict[str, dict[str, bytes]]
    current: dict[str, str]
    path: Path | None = None
    _mtime: float | None = None
    _checked: float = field(default=0.0)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def from_dict(cls, content: dict, path: Path | None = None) -> KeyRing:
        keys, current = {}, {}
        for family, size in FAMILIES.items():
            section = content.get(family) or {}
            keys[family] = {str(k): bytes.fromhex(v) for k, v in
                            (section.get("keys") or {}).items()}
            current[family] = str(section.get("current") or "")
            if current[family] not in keys[family]:
                raise ValueError(f"key ring: no current {family} key")
            wrong = [k for k, v in keys[family].items() if len(v) != size]
            if wrong:
                raise ValueError(f"key ring: {family} keys {wrong} are not {size} bytes")
        return cls(keys=keys, current=current, path=path)

    @classmethod
    def from_file(cls, path: Path) -> KeyRing:
        ring = cls.from_dict(json.loads(path.read_text(encoding="utf-8")), path)
        ring._mtime = path.stat().st_mtime
        ring._checked = time.monotonic()
        return ring

    def to_dict(self) -> dict:
        return {family: {"current": self.current[family],
                         "keys": {k: v.hex() for k, v in self.keys[family].items()}}
                for family in FAMILIES}

    def _refresh(self, force: bool = False) -> None:
        """Re-read the key file when it changed (at most every few seconds unless forced)."""
        if self.path is None:
            return
        now = time.monotonic()
        if not force and now - self._checked < KEY_FILE_RECHECK_SECONDS:
            return
        with self._lock:
            self._checked = now
            try:
                mtime = self.path.stat().st_mtime
            except FileNotFoundError:
                return
            if mtime == self._mtime and not force:
                return
            fresh = KeyRing.from_file(self.path)
            self.keys, self.current, self._mtime = fresh.keys, fresh.current, fresh._mtime

    def key(self, family: str, key_id: str) -> bytes:
        found = self.keys[family].get(key_id)
        if found is None:
            self._refresh(force=True)
            found = self.keys[family].get(key_id)
        if found is None:
            raise MissingKey(f"no {family} key {key_id!r} in the key ring")
        return found

    def current_key(self, family: str) -> tuple[str, bytes]:
        self._refresh()
        key_id = self.current[family]
        return key_id, self.keys[family][key_id]

    # -- text values (database columns)

    def encrypt_text(self, value: str, context: str) -> str:
        key_id, key = self.current_key("data")
        blob = sm4_gcm_encrypt(key, value.encode("utf-8"), aad=context.encode())
        return f"{PREFIX}{key_id}:{base64.urlsafe_b64encode(blob).decode()}"

    def decrypt_text(self, stored: str, context: str) -> str:
        if not is_encrypted(stored):
            return stored  # written before encryption (migration 0019 encrypts every row)
        key_id, _sep, encoded = stored[len(PREFIX):].partition(":")
        blob = base64.urlsafe_b64decode(encoded.encode())
        return sm4_gcm_decrypt(self.key("data", key_id), blob,
                               aad=context.encode()).decode("utf-8")

    def blind_index(self, value: str, key_id: str | None = None) -> str:
        """HMAC-SM3 of a normalised value under an index key (the current one by default)."""
        key_id = key_id or self.current_key("index")[0]
        digest = hmac_sm3(self.key("index", key_id), value.strip().lower().encode("utf-8"))
        return f"{key_id}:{digest.hex()}"

    def blind_indexes(self, value: str) -> list[str]:
        """The value's index under every index key (lookups during a rotation find both)."""
        self._refresh()
        return [self.blind_index(value, key_id) for key_id in self.keys["index"]]

    # -- MACs (audit chain, archives)

    def mac(self, data: bytes, key_id: str | None = None) -> tuple[str, str]:
        """(key id, hex HMAC-SM3) of `data` under an audit key (the current one by default)."""
        key_id = key_id or self.current_key("audit")[0]
        return key_id, hmac_sm3(self.key("audit", key_id), data).hex()


def is_encrypted(stored: str | None) -> bool:
    return isinstance(stored, str) and stored.startswith(PREFIX)


def key_id_of(stored: str) -> str | None:
    if not is_encrypted(stored):
        return None
    return stored[len(PREFIX):].partition(":")[0]


def write_key_file(path: Path, content: dict) -> None:
    """Replace the key file atomically (mode 0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(content, out, indent=2, sort_keys=True)
        out.write("\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)


# ------------------------------------------------------------------------ the app's key ring


def init_app(app) -> None:
    """Load the key ring: KEYS, else KEY_FILE (created on first run outside production)."""
    if app.config.get("KEYS"):
        ring = KeyRing.from_dict(app.config["KEYS"])
    else:
        path = Path(app.config.get("KEY_FILE") or Path(app.instance_path) / "keys.json")
        if not path.exists():
            if not app.config.get("CREATE_KEY_FILE", True):
                raise RuntimeError(
                    f"Refusing to start: the key file {path} does not exist. Create it once "
                    "with `python -m smplatform.crypto new > FILE` (mode 0600, outside the "
                    "database and its backups) and set SMPLATFORM_KEY_FILE.")
            from smplatform.keys import read_or_create
            read_or_create(path, lambda: json.dumps(new_key_file_content(), indent=2))
        ring = KeyRing.from_file(path)
    app.extensions["smplatform.keys"] = ring


def ring() -> KeyRing:
    from flask import current_app
    return current_app.extensions["smplatform.keys"]


if __name__ == "__main__":  # python -m smplatform.crypto new
    import sys
    if sys.argv[1:] != ["new"]:
        sys.exit("usage: python -m smplatform.crypto new > keys.json")
    print(json.dumps(new_key_file_content(), indent=2, sort_keys=True))
