"""Writing audit entries."""
from __future__ import annotations

from flask import has_request_context, request
from flask_babel import lazy_gettext as _l

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


# Readable names of audit actions for the log page. Areas add theirs with register_labels();
# an action without a label is shown by its code alone.
ACTION_LABELS: dict[str, object] = {
    "auth.sign_in": _l("Signed in"),
    "auth.sign_in_failed": _l("Failed sign-in"),
    "auth.lockout": _l("Account locked"),
    "auth.sign_out": _l("Signed out"),
    "auth.password_change": _l("Password change"),
    "organisation.register": _l("Organisation registered"),
    "user.create": _l("Account created"),
    "user.update": _l("Account changed"),
    "user.language": _l("Language chosen"),
}


def register_labels(labels: dict[str, object]) -> None:
    """Add readable names for an area's audit actions (call at import time)."""
    ACTION_LABELS.update(labels)


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, ""))
