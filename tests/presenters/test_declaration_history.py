"""The declaration's history on the applicant's, the province's and the ministry's pages: each
step reads as the translated step and the state it led to, never as the stored codes."""
from __future__ import annotations

import pytest

from smplatform.enums import DeclarationAction, DeclarationState, Role
from smplatform.extensions import db
from smplatform.models import DeclarationEvent
from smplatform.services import workflow
from tests.support.history import EN, ZH, steps
from tests.support import province as helpers

# The journey every test below walks: (action, role), as the services apply them.
JOURNEY = [("submit", Role.APPLICANT), ("start_review", Role.PROVINCE),
           ("return", Role.PROVINCE), ("resubmit", Role.APPLICANT),
           ("start_review", Role.PROVINCE), ("pass", Role.PROVINCE),
           ("forward", Role.PROVINCE), ("start_expert_review", Role.MINISTRY)]

STEPS_ZH = ["提交 → 已提交，待省级初审", "开始初审 → 省级初审中", "退回修改 → 退回修改",
            "重新提交 → 已提交，待省级初审", "开始初审 → 省级初审中", "通过初审 → 省级初审通过",
            "推荐至工信部 → 已推荐至工信部", "启动专家评审 → 专家评审中",
            "legacy_import → archived"]
STEPS_EN = ["Submit → Submitted, awaiting provincial review",
            "Start the provincial review → Under provincial review",
            "Return for revision → Returned for revision",
            "Resubmit → Submitted, awaiting provincial review",
            "Start the provincial review → Under provincial review",
            "Pass the provincial review → Passed the provincial review",
            "Recommend to the ministry → Recommended to the ministry",
            "Start the expert review → Under expert review",
            "legacy_import → archived"]


@pytest.fixture
def journey(app, make, clock):
    """A Guangdong declaration taken from draft to expert review, plus one event of old data
    with codes the platform no longer knows."""
    clock.set(helpers.NOW)
    users = {Role.APPLICANT: make.applicant(unit="440000"),
             Role.PROVINCE: make.province("440000"), Role.MINISTRY: make.ministry()}
    d = helpers.declaration(state="draft", org=users[Role.APPLICANT].organisation)
    for action, role in JOURNEY:
        clock.advance(minutes=5)
        workflow.apply(d, action, actor=users[role], role=role,
                       comment="请补充近三年数据" if action == "return" else None)
    db.session.add(DeclarationEvent(declaration=d, at=helpers.NOW, actor_id=None,
                                    action="legacy_import", from_state=None,
                                    to_state="archived"))
    db.session.commit()
    return d, users


PAGES = {Role.APPLICANT: "/applicant/declarations/{}", Role.PROVINCE: "/province/declarations/{}",
         Role.MINISTRY: "/ministry/declarations/{}"}


def _page(login_as, journey, role, headers) -> str:
    d, users = journey
    response = login_as(users[role]).get(PAGES[role].format(d.id), headers=headers)
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize("role", list(PAGES))
def test_history_steps_in_chinese(login_as, journey, role):
    assert steps(_page(login_as, journey, role, ZH)) == STEPS_ZH


@pytest.mark.parametrize("role", list(PAGES))
def test_history_steps_in_english(login_as, journey, role):
    assert steps(_page(login_as, journey, role, EN)) == STEPS_EN


@pytest.mark.parametrize("role", list(PAGES))
@pytest.mark.parametrize("headers", [ZH, EN], ids=["zh", "en"])
def test_history_shows_no_known_codes(login_as, journey, role, headers):
    html = _page(login_as, journey, role, headers)
    leaked = [f"{code} →" for code in DeclarationAction if f">{code} →" in html] + \
             [f"→ {code}" for code in DeclarationState if f"→ {code}<" in html]
    assert leaked == []


def test_history_without_resulting_state_shows_the_step_alone(login_as, journey):
    d, users = journey
    db.session.add(DeclarationEvent(declaration=d, at=helpers.NOW, actor_id=None,
                                    action="withdraw", from_state="submitted", to_state=None))
    db.session.commit()
    html = _page(login_as, journey, Role.PROVINCE, EN)
    assert ("<td>Withdraw</td>" in html, steps(html)) == (True, STEPS_EN)


@pytest.mark.parametrize(("headers", "expected"), [
    (ZH, ["申报：提交", "申报：开始初审", "申报：启动专家评审"]),
    (EN, ["Declaration: Submit", "Declaration: Start the provincial review",
          "Declaration: Start the expert review"])], ids=["zh", "en"])
def test_audit_log_names_the_declaration_steps(login_as, make, journey, headers, expected):
    html = login_as(make.audit_admin()).get("/admin/audit", headers=headers).get_data(
        as_text=True)
    shown = [f"<td>{label}</td>" in html for label in expected]
    assert shown == [True, True, True]
