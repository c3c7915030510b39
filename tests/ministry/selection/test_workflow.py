"""The selection rows of the workflow table, walked through services/workflow.apply."""
import pytest
from sqlalchemy import select

from smplatform.enums import DeclarationState as S
from smplatform.enums import Role
from smplatform.models import AuditEntry, DeclarationEvent
from smplatform.extensions import db
from smplatform.rules import workflow as table
from smplatform.services import DomainError, workflow
from tests.support import selection as helpers

ROWS = [(S.FORWARDED, "start_expert_review", S.EXPERT_REVIEW),
        (S.EXPERT_REVIEW, "expert_pass", S.EXPERT_PASSED),
        (S.EXPERT_REVIEW, "expert_fail", S.EXPERT_FAILED),
        (S.EXPERT_PASSED, "shortlist", S.SHORTLISTED),
        (S.EXPERT_PASSED, "not_shortlist", S.NOT_SELECTED),
        (S.SHORTLISTED, "remove_after_notice", S.NOT_SELECTED),
        (S.SHORTLISTED, "publish", S.PUBLISHED)]


def test_selection_rows_are_in_the_table():
    found = [(t.state, t.action, t.next_state) for t in table.DECLARATION.transitions
             if t.action in {a for _s, a, _n in ROWS}]
    assert found == ROWS
    assert {t.roles for t in table.DECLARATION.transitions if t.action in {a for _s, a, _n in ROWS}} == {
        frozenset({Role.MINISTRY})}


def test_earlier_rows_are_kept():
    assert table.DECLARATION.find(S.PASSED, "forward").next_state == S.FORWARDED
    assert table.DECLARATION.find(S.FORWARDED, "send_back").next_state == S.PASSED


@pytest.mark.parametrize("state, action, next_state", ROWS)
def test_selection_row_applies_for_ministry(app, make, batch, state, action, next_state):
    minister = make.ministry()
    d = helpers.declaration(batch, state=state)
    workflow.apply(d, action, actor=minister)
    db.session.commit()
    assert d.state == next_state
    event = db.session.scalar(select(DeclarationEvent).where(DeclarationEvent.action == action))
    assert (event.from_state, event.to_state) == (state, next_state)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == f"declaration.{action}"))
    assert entry.detail["to"] == next_state


@pytest.mark.parametrize("role", ["applicant", "province", "expert"])
@pytest.mark.parametrize("state, action, next_state", ROWS)
def test_selection_row_refused_for_other_roles(app, batch, role, state, action, next_state):
    d = helpers.declaration(batch, state=state)
    with pytest.raises(DomainError):
        workflow.apply(d, action, actor=None, role=Role(role))
    assert d.state == state
