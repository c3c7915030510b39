"""Walk every (state, action, role) of every workflow table through services.workflow.apply:
exactly the rows of the table are possible, and each leaves its history row and audit entry."""
from __future__ import annotations

import pytest
from smplatform.enums import DeclarationState, Role
from smplatform.extensions import db
from smplatform.models import Declaration, EvaluationTask
from smplatform.rules import evaluation as evaluation_rules
from smplatform.rules import workflow as table
from smplatform.rules.evaluation import TaskState
from smplatform.services import DomainError, evaluations
from smplatform.services.workflow import WAYS, apply
from tests.support import declarations as h
from tests.support import evaluations as ev

# A user of every role (a role added to `Role` needs one here: the walk covers every role).
USERS = {Role.APPLICANT: lambda make: make.applicant(),
         Role.PROVINCE: lambda make: make.province("440000"),
         Role.MINISTRY: lambda make: make.ministry(),
         Role.EXPERT: lambda make: make.expert(),
         Role.CITY: lambda make: make.city("440600"),
         # The administrators move nothing in the workflow: the walk shows they may not.
         Role.SYSTEM_ADMIN: lambda make: make.system_admin(),
         Role.SECURITY_ADMIN: lambda make: make.security_admin(),
         Role.AUDIT_ADMIN: lambda make: make.audit_admin()}
NOT_STEPS = {"delete", "approve"}


def test_every_role_has_a_user_for_the_walk():
    assert set(USERS) == set(Role)


def test_every_kind_that_moves_has_its_table_walked():
    assert set(WAYS) == {Declaration, EvaluationTask}


@pytest.fixture
def world(app, make, clock):
    clock.set(h.DURING)
    batch = h.batch5()
    users = {role: factory(make) for role, factory in USERS.items()}
    applicant = users[Role.APPLICANT]
    declaration = h.start(applicant, batch)
    entry = ev.entry(organisation=applicant.organisation)
    evaluations.open_campaign(actor=users[Role.MINISTRY], batch=batch)
    db.session.commit()
    return {Declaration: declaration, EvaluationTask: ev.task_of(entry)}, users


def _audit_pending() -> list[dict]:
    """The audit entries recorded in this transaction (sealed at commit)."""
    return list(db.session.info.get("audit_pending", []))


@pytest.mark.parametrize("kind", [Declaration, EvaluationTask], ids=["declaration", "evaluation"])
def test_every_state_action_role_combination(world, kind):
    subjects, users = world
    subject, workflow = subjects[kind], WAYS[kind].table
    actions = sorted({str(t.action) for t in workflow.transitions} | NOT_STEPS)
    outcomes = {}
    for state in workflow.states:
        for action in actions:
            for role, user in users.items():
                subject.state = state
                db.session.flush()
                audits = _audit_pending()
                try:
                    event = apply(subject, action, actor=user)
                except DomainError as error:
                    assert error.code == "bad_transition"
                    assert subject.state == state
                    outcomes[(state, action, role)] = None
                else:
                    db.session.flush()
                    assert (event.action, event.from_state, event.to_state, event.actor_id) == (
                        action, state, subject.state, user.id)
                    entry = _audit_pending()[-1]
                    assert (_audit_pending()[:-1], entry["action"], entry["detail"]) == (
                        audits, f"{WAYS[kind].audit}.{action}",
                        {"from": state, "to": subject.state})
                    outcomes[(state, action, role)] = workflow.states(subject.state)
                db.session.rollback()
    expected = {(s, a, r): None for s in workflow.states for a in actions for r in users}
    for t in workflow.transitions:
        for role in t.roles:
            expected[(t.state, t.action, role)] = t.next_state
    assert outcomes == expected


@pytest.mark.parametrize("state", list(DeclarationState))
def test_applicant_actions_per_state(state):
    expected = {DeclarationState.DRAFT: ["submit", "submit_to_city"],
                DeclarationState.SUBMITTED: ["withdraw"],
                DeclarationState.CITY_REVIEW: ["withdraw"],
                DeclarationState.RETURNED: ["resubmit", "resubmit_to_city"]}.get(state, [])
    assert table.DECLARATION.actions_from(state, Role.APPLICANT) == expected


@pytest.mark.parametrize("state", list(TaskState))
def test_applicant_evaluation_actions_per_state(state):
    expected = {TaskState.NOT_STARTED: ["save"], TaskState.DRAFT: ["save", "submit"],
                TaskState.RETURNED: ["save", "submit"]}.get(state, [])
    assert evaluation_rules.WORKFLOW.actions_from(state, Role.APPLICANT) == expected
