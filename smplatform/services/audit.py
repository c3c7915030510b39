"""Writing audit entries."""
from __future__ import annotations

from flask import has_request_context, request

from smplatform import clock
from smplatform.enums import AuditOutcome
from smplatform.extensions import db
from smplatform.models import AuditEntry, User


def client_ip() -> str | None:
    return request.remote_addr if has_request_context() else None


def record(action: str, *, actor: User | None = None, actor_name: str | None = None,
           outcome: AuditOutcome = AuditOutcome.SUCCESS, obj=None, object_type: str | None = None,
           object_id=None, unit_code: str | None = None, detail: dict | None = None) -> AuditEntry:
    """Add one audit entry to the session (flushed with the caller's change).

    Side effects: inserts an AuditEntry row.
    """
    if obj is not None:
        object_type = object_type or obj.__tablename__
        object_id = object_id if object_id is not None else getattr(obj, "id", None)
    entry = AuditEntry(
        at=clock.now(),
        actor_id=actor.id if actor is not None else None,
        actor_name=actor.username if actor is not None else actor_name,
        ip=client_ip(),
        action=action,
        outcome=str(outcome),
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        unit_code=unit_code,
        detail=detail,
    )
    db.session.add(entry)
    return entry
