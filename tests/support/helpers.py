"""Small helpers for reading pages in tests."""
from __future__ import annotations

import html
import re

from sqlalchemy import func, select

from smplatform.extensions import db

EN = {"Accept-Language": "en"}


def field_error(response, field: str) -> str | None:
    """The error text shown under a form field (None when there is none)."""
    match = re.search(rf'id="{field}-error">(.*?)</p>', response.get_data(as_text=True), re.S)
    return html.unescape(match.group(1)).strip() if match else None


def write_test_key_file(directory) -> str:
    """A key file holding the testing configuration's key ring, for a process started with
    SMPLATFORM_KEY_FILE (another configuration) that reads the data the tests wrote."""
    from pathlib import Path

    from smplatform.config import TestingConfig
    from smplatform.crypto import write_key_file
    path = Path(directory) / "keys.json"
    write_key_file(path, TestingConfig.KEYS)
    return str(path)


def flashes(response) -> list[str]:
    found = re.findall(r'<p class="flash flash-\w+">(.*?)</p>', response.get_data(as_text=True))
    return [html.unescape(f) for f in found]


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def audit_actions() -> list[tuple[str, str]]:
    from smplatform.models import AuditEntry
    db.session.expire_all()
    rows = db.session.execute(select(AuditEntry.action, AuditEntry.outcome)
                              .order_by(AuditEntry.id)).all()
    return [tuple(r) for r in rows]


def english(client):
    """Switch a client's session to English (assertions read the English message ids)."""
    client.post("/language", data={"lang": "en", "next": "/"})
    return client
