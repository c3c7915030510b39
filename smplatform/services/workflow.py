"""Moving a declaration along the workflow table (rules/workflow.py)."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from smplatform import clock
from smplatform.enums import DeclarationAction, Role
from smplatform.models import Declaration, DeclarationEvent, User
from smplatform.rules import workflow
from smplatform.services import DomainError
from smplatform.services.audit import record, register_labels


def apply(declaration: Declaration, action: str, *, actor: User | None, role: Role | None = None,
          comment: str | None = None, section_comments: dict | None = None,
          detail: dict | None = None) -> DeclarationEvent:
    """Apply one workflow action, or refuse it if the table has no such row for this role.

    The caller must hold the declaration's row lock or version check where a race matters.
    Side effects: changes Declaration.state; adds a DeclarationEvent; audit entry
    `declaration.<action>` (detail includes from/to states).
    """
    role = Role(role or actor.role)
    transition = workflow.find(declaration.state, action)
    if transition is None or role not in transition.roles:
        raise DomainError(_("This step is not possible now: the declaration is \"%(state)s\".",
                            state=declaration.state_enum.label), code="bad_transition")
    from_state = declaration.state
    declaration.state = transition.next_state
    event = DeclarationEvent(declaration=declaration, at=clock.now(),
                             actor_id=actor.id if actor else None, action=action,
                             from_state=from_state, to_state=str(transition.next_state),
                             comment=comment, section_comments=section_comments)
    from smplatform.extensions import db
    db.session.add(event)
    record(f"declaration.{action}", actor=actor, obj=declaration, unit_code=declaration.unit_code,
           detail={"from": from_state, "to": str(transition.next_state), **(detail or {})})
    return event


# The audit log names each step's entry `declaration.<action>`.
register_labels({f"declaration.{a.value}": _l("Declaration: %(step)s", step=a.label)
                 for a in DeclarationAction})
