"""Secrets kept outside the database, in the instance folder unless configured otherwise.

`instance_secret()`: the key that signs sessions and CSRF tokens when `SECRET_KEY` is not set.
It is generated at random into `instance/secret_key` (mode 0600) on the first run and read
from there afterwards, so every instance has its own and none uses a key printed in the
source. Production must set `SECRET_KEY` itself (several app servers share one key).
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

SECRET_KEY_FILE = "secret_key"  # noqa: S105  (a file name)
# Keys that were once published in this repository's source: refused everywhere but testing.
PUBLISHED_SECRET_KEYS = frozenset({"dev-only-not-secret"})


def read_or_create(path: Path, make) -> str:
    """The text of `path`; when there is none, `make()` written there first (mode 0600).

    Creation is atomic and first-come: the text is written to a private temporary file and
    linked into place, so two processes starting at once both end up with the winner's
    text, and a reader never sees half a file.
    """
    try:
        text = path.read_text(encoding="utf-8").strip()
        if text:
            return text
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(make() + "\n")
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process won: use its text
    finally:
        temporary.unlink(missing_ok=True)
    return path.read_text(encoding="utf-8").strip()


def instance_secret(instance_path: str | os.PathLike) -> str:
    """This instance's own random session key (instance/secret_key, made on first use)."""
    return read_or_create(Path(instance_path) / SECRET_KEY_FILE,
                          lambda: secrets.token_urlsafe(48))
