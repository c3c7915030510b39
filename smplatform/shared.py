"""State that every app node must agree on, kept in Redis when REDIS_URL is set.

Several nodes (and each node's several workers) serve the same users: whatever one process
keeps for later must either be shared or be the same wherever it is computed. The catalogue
below accounts for every per-process cache of the code base (tests/test_shared_state.py
fails on one it does not list):

SHARED (in Redis with REDIS_URL; without it, one machine, in each process):
- the rate limits (Flask-Limiter's storage: config.ratelimit_storage_uri) — an attacker's
  attempts must count wherever nginx sends them;
- the ministry dashboard's kept counts (services/national.py) — the page says "as of" a
  time: two nodes must not show two different countings in turn.

PER_PROCESS below lists every cache that stays in each process, and why that is right.
"""
from __future__ import annotations

import json
import logging
import os
import threading
from typing import Any

from flask import current_app

log = logging.getLogger(__name__)

PER_PROCESS = {
    "smplatform.fragments.KeptHTML (app.extensions, one per application)":
        "page parts rendered from templates, translations and their key only: the same HTML "
        "on every node of a release (the dashboard's figures are keyed by the counting's "
        "time, which Redis shares)",
    "smplatform._parsed_locale": "parsed Babel locales: pure",
    "smplatform.enums._labels_of": "each enum's label messages: constants of the code",
    "smplatform.presenters.audit._field_labels":
        "Annex 1 field names and their labels: constants of the code",
    "smplatform.presenters.audit._criterion_labels":
        "the rubric's criteria and their labels: constants of the code",
    "smplatform.rules.passwords.common_passwords": "the common-password list shipped in data/",
    "smplatform.services.accounts._HASHERS":
        "argon2 hashers and a dummy hash used only to make a sign-in for an unknown name take "
        "as long as one for a known name",
    "smplatform.documents.annex2_xlsx.blank_template":
        "the blank Annex 2 template: the same content on every node (only the file's creation "
        "time inside differs)",
    "smplatform.documents.declaration_pdf.render_blank":
        "the blank Annex 1 forms: the same content on every node (only the PDF's creation time "
        "differs)",
    "smplatform.sqlite_writer._checkpointers":
        "SQLite's checkpoint threads: SQLite is the one-machine set-up",
    "smplatform.shared._CLIENTS": "this process's connections to Redis",
    "smplatform.richtext._render": "Markdown rendered and sanitised: a pure function of the text",
    "smplatform.services.figures._KEPT":
        "the public figures, recounted at most every PUBLIC_FIGURES_MAX_AGE_SECONDS (300); each "
        "node's page says as of when, and the registry changes only on import or publication",
    "smplatform.documents.signing._cache":
        "the signing key and certificate read from their files (every node has the same "
        "files; reread when a file changes)",
    "smplatform.documents.signing._kept_key_signer_class": "a class built once: code",
    "smplatform.services.declarations._claim_statement":
        "the autosave's UPDATE statements, built once per set of columns: code",
}

SHARED = {
    "smplatform.services.national.kept": "the dashboard's counts (KeptFigures in Redis)",
    "smplatform.services.national._FIGURES": "the dashboard's counts (Redis with REDIS_URL)",
}

PREFIX = "smplatform:"
_CLIENTS: dict[tuple[int, str], Any] = {}
_CLIENTS_LOCK = threading.Lock()


def redis_client():
    """This process's Redis client for REDIS_URL, or None when it is not set."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    key = (os.getpid(), url)  # a client's connections must not cross a fork
    client = _CLIENTS.get(key)
    if client is None:
        import redis
        with _CLIENTS_LOCK:
            client = _CLIENTS.get(key)
            if client is None:
                client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2,
                                              health_check_interval=30)
                _CLIENTS[key] = client
    return client


def get_json(key: str) -> Any | None:
    """The value kept under `key` by any node, or None (not kept, expired, Redis down)."""
    client = redis_client()
    if client is None:
        return None
    try:
        raw = client.get(PREFIX + key)
    except Exception:  # noqa: BLE001  (a cache: on failure, compute instead)
        log.warning("Redis unavailable: %s not read", key, exc_info=True)
        return None
    return None if raw is None else json.loads(raw)


def put_json(key: str, value: Any, *, seconds: float) -> None:
    """Keep `value` (JSON) under `key` for every node for `seconds`."""
    client = redis_client()
    if client is None:
        return
    try:
        client.set(PREFIX + key, json.dumps(value, ensure_ascii=False),
                   px=max(1, int(seconds * 1000)))
    except Exception:  # noqa: BLE001  (a cache: on failure, the next view counts again)
        log.warning("Redis unavailable: %s not kept", key, exc_info=True)


def delete(key: str) -> None:
    client = redis_client()
    if client is not None:
        client.delete(PREFIX + key)


def delete_prefix(prefix: str) -> None:
    """Forget every key starting with `prefix` (tests, a reset)."""
    client = redis_client()
    if client is not None:
        for key in client.scan_iter(match=PREFIX + prefix + "*"):
            client.delete(key)
