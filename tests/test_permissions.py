"""The permissions the buttons ask (and the routes' permission step inside them), for every
role and every state: the same function guards the route and hides the button."""
from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin

from smplatform import permissions as p
from smplatform.enums import DeclarationState, ReviewState, Role
from smplatform.models import (
    Declaration,
    DeclarationAttachment,
    EvaluationTask,
    RegistryEntry,
    ReviewAssignment,
)
from smplatform.rules import evaluation as evaluation_rules
from smplatform.rules.evaluation import TaskAction, TaskState

from tests.access import ROLES


@pytest.fixture
def users(make):
    """One user of every role (the three administrators too: they do no business); the
    applicant's unit is the officer's (440000)."""
    return {"anonymous": AnonymousUserMixin(), "applicant": make.applicant(unit="440000"),
            "province": make.province("440000"), "ministry": make.ministry(),
            "expert": make.expert(), "city": make.city("440600"),
            "system_admin": make.system_admin(), "security_admin": make.security_admin(),
            "audit_admin": make.audit_admin(), "other_province": make.province("330000")}


@pytest.mark.parametrize("role", ROLES)
def test_public_pages_are_for_everyone_and_own_pages_for_the_signed_in(users, role):
    assert (p.can_view_public(users[role]), p.is_signed_in(users[role])) == (
        True, role != "anonymous")


def _task(users, state: TaskState) -> EvaluationTask:
    entry = RegistryEntry(organisation_id=users["applicant"].organisation_id,
                          unit_code="440000")
    return EvaluationTask(entry=entry, unit_code="440000", state=state)


@pytest.mark.parametrize("state", list(TaskState))
@pytest.mark.parametrize("action", list(TaskAction))
def test_an_evaluation_button_is_its_participants_and_the_state_tables(users, state, action):
    task = _task(users, state)
    shown = {role: p.can_act_on_evaluation(users[role], task, action)
             for role in (*ROLES, "other_province")}
    expected = {role: role in ("applicant", "province", "ministry")
                and evaluation_rules.WORKFLOW.can(state, action, Role(role))
                for role in ROLES} | {"other_province": False}
    assert shown == expected


@pytest.mark.parametrize("state", list(DeclarationState))
@pytest.mark.parametrize("confirmed", [False, True])
def test_the_stamped_copy_button(users, state, confirmed):
    from smplatform import clock
    d = Declaration(unit_code="440000", state=state,
                    stamped_confirmed_at=clock.now() if confirmed else None)
    shown = {role: p.can_confirm_stamped_copy(users[role], d)
             for role in (*ROLES, "other_province")}
    passed = state == DeclarationState.PASSED and not confirmed
    assert shown == {role: role == "province" and passed for role in (*ROLES, "other_province")}


@pytest.mark.parametrize("state", list(ReviewState))
def test_an_expert_reads_and_answers_only_its_own_review_in_its_state(users, make, state):
    mine = ReviewAssignment(expert_id=users["expert"].id, state=state)
    theirs = ReviewAssignment(expert_id=make.expert().id, state=state)
    expert = users["expert"]
    assert (p.can_read_review_declaration(expert, mine),
            p.can_respond_to_review(expert, mine)) == (
        state in (ReviewState.ACCEPTED, ReviewState.SUBMITTED), state == ReviewState.ASSIGNED)
    others = [p.can_read_review_declaration(users[role], review) or
              p.can_respond_to_review(users[role], review)
              for role in ROLES for review in (theirs, mine) if role != "expert"]
    assert (p.can_read_review_declaration(expert, theirs), any(others)) == (False, False)


@pytest.mark.parametrize("state", list(DeclarationState))
def test_an_attachment_is_deleted_by_its_owner_while_the_declaration_takes_uploads(
        users, make, state):
    own = Declaration(organisation_id=users["applicant"].organisation_id, unit_code="440000",
                      state=state, category="enterprise")
    other = Declaration(organisation_id=make.applicant().organisation_id, unit_code="440000",
                        state=state, category="enterprise")
    shown = {(role, whose): p.can_delete_attachment(
                users[role], DeclarationAttachment(declaration=d))
             for role in ROLES for whose, d in (("own", own), ("other", other))}
    expected = {key: False for key in shown} | {
        ("applicant", "own"): p.can_upload_attachment(users["applicant"], own)}
    assert shown == expected
    assert p.can_delete_attachment(users["applicant"], None) is False
    if state == DeclarationState.DRAFT:
        assert shown[("applicant", "own")] is True


def test_an_expert_profile_is_edited_only_on_an_expert_account(users):
    assert {role: p.can_edit_expert(users["ministry"], users[role]) for role in ROLES[1:]} == {
        role: role == "expert" for role in ROLES[1:]}
    assert {role: p.can_edit_expert(users[role], users["expert"]) for role in ROLES} == {
        role: role == "ministry" for role in ROLES}
