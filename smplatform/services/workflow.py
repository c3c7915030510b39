"""Moving a declaration or an evaluation filing along its workflow table (rules/workflow.py).

`apply` is the one way a state changes: it checks the table, moves the state, adds the
history row and writes the audit entry `<audit>.<action>`. What moves on which table, with
which history model, is listed once in `WAYS`.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from smplatform import clock
from smplatform.enums import Role
from smplatform.extensions import db
from smplatform.models import (
    Declaration,
    DeclarationEvent,
    EvaluationEvent,
    EvaluationTask,
    User,
)
from smplatform.models.history import WorkflowEvent
from smplatform.rules import evaluation, workflow
from smplatform.rules.workflow import Transition, Workflow
from smplatform.services import DomainError
from smplatform.services.audit import record, register_labels


@dataclass(frozen=True)
class Way:
    """How one kind of object walks its table."""

    table: Workflow
    history: type[WorkflowEvent]  # the model of its history rows
    subject: str  # the history row's relationship to the object ("declaration", "task")
    audit: str  # audit entries are "<audit>.<action>"
    audit_label: Callable  # the audit log's label of an entry, from the step's label
    refusal: Callable[[str], str]  # the message when the table has no row, from the state


WAYS: dict[type, Way] = {
    Declaration: Way(
        workflow.DECLARATION, DeclarationEvent, "declaration", "declaration",
        lambda step: _l("Declaration: %(step)s", step=step),
        lambda state: _("This step is not possible now: the declaration is \"%(state)s\".",
                        state=state)),
    EvaluationTask: Way(
        evaluation.WORKFLOW, EvaluationEvent, "task", "evaluation",
        lambda step: _l("Evaluation filing: %(step)s", step=step),
        lambda state: _("This step is not possible now: the filing is \"%(state)s\".",
                        state=state)),
}


def check(subject, action: str, role: Role | str) -> Transition:
    """The table's row for `action` on `subject` by `role`; DomainError `bad_transition` when
    there is none (wrong state or role). Changes nothing."""
    way = WAYS[type(subject)]
    transition = way.table.find(subject.state, action)
    if transition is None or Role(role) not in transition.roles:
        raise DomainError(way.refusal(way.table.states(subject.state).label),
                          code="bad_transition")
    return transition


def apply(subject, action: str, *, actor: User | None, role: Role | None = None,
          comment: str | None = None, detail: dict | None = None, **history) -> WorkflowEvent:
    """Take one step of `subject`'s table (a Declaration or an EvaluationTask), or refuse it
    (`check`) when the table has no such row for this role (default: the actor's).

    The caller must hold the row's lock or a conditional UPDATE's claim where a race matters.
    `history`: columns of this kind's history row (a declaration's `section_comments`).
    Side effects: changes `subject.state`; adds the history row; audit entry
    `<declaration|evaluation>.<action>` (detail includes from/to states).
    """
    way = WAYS[type(subject)]
    transition = check(subject, action, role or actor.role)
    from_state = str(subject.state)
    subject.state = str(transition.next_state)
    event = way.history(**{way.subject: subject}, at=clock.now(),
                        actor_id=actor.id if actor else None, action=str(transition.action),
                        from_state=from_state, to_state=subject.state, comment=comment,
                        **history)
    db.session.add(event)
    record(f"{way.audit}.{transition.action}", actor=actor, obj=subject,
           unit_code=subject.unit_code,
           detail={"from": from_state, "to": subject.state, **(detail or {})})
    return event


# The audit log names each step's entry by its translated step.
for _way in WAYS.values():
    register_labels({f"{_way.audit}.{a.value}": _way.audit_label(a.label)
                     for a in _way.table.actions})
