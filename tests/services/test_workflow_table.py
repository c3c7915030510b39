"""Walk every (state, action, role): exactly the rows of the workflow table are possible."""
from __future__ import annotations

import pytest

from smplatform.enums import DeclarationState, Role
from smplatform.extensions import db
from smplatform.rules import workflow as table
from smplatform.services import DomainError
from smplatform.services.workflow import apply
from tests import declaration_helpers as h

ACTIONS = sorted({t.action for t in table.TRANSITIONS} | {"delete", "approve"})


@pytest.fixture
def world(app, make, clock):
    clock.set(h.DURING)
    batch = h.batch5()
    applicant = make.applicant()
    users = {Role.APPLICANT: applicant, Role.PROVINCE: make.province("440000"),
             Role.MINISTRY: make.ministry(), Role.EXPERT: make.expert()}
    return h.start(applicant, batch), users


def test_every_state_action_role_combination(world):
    declaration, users = world
    outcomes = {}
    for state in DeclarationState:
        for action in ACTIONS:
            for role, user in users.items():
                declaration.state = state
                db.session.flush()
                try:
                    apply(declaration, action, actor=user)
                except DomainError as error:
                    assert error.code == "bad_transition"
                    assert declaration.state == state
                    outcomes[(state, action, role)] = None
                else:
                    outcomes[(state, action, role)] = DeclarationState(declaration.state)
                db.session.rollback()
    expected = {(s, a, r): None for s in DeclarationState for a in ACTIONS for r in users}
    for t in table.TRANSITIONS:
        for role in t.roles:
            expected[(t.state, t.action, role)] = t.next_state
    assert outcomes == expected


@pytest.mark.parametrize("state", list(DeclarationState))
def test_applicant_actions_per_state(state):
    expected = {DeclarationState.DRAFT: ["submit"], DeclarationState.SUBMITTED: ["withdraw"],
                DeclarationState.RETURNED: ["resubmit"]}.get(state, [])
    assert table.actions_from(state, Role.APPLICANT) == expected
