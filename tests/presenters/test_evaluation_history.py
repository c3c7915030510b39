"""An evaluation filing's history on the province's and the ministry's pages: each step reads
as the translated step and the state it led to, never as the stored codes."""
from __future__ import annotations

import pytest

from smplatform.extensions import db
from smplatform.models import EvaluationEvent
from smplatform.rules.evaluation import TaskAction, TaskState
from smplatform.services import evaluations
from tests.support import evaluations as h
from tests.support.history import EN, ZH, steps

STEPS_ZH = ["保存草稿 → 草稿", "提交 → 已提交，待省级确认", "退回修改 → 退回修改",
            "提交 → 已提交，待省级确认", "确认评估材料 → 省级已确认", "作出评估结论 → 已出结论",
            "legacy_review → archived"]
STEPS_EN = ["Save draft → Draft", "Submit → Submitted, awaiting provincial confirmation",
            "Return for revision → Returned for revision",
            "Submit → Submitted, awaiting provincial confirmation",
            "Confirm the filing → Confirmed by the province",
            "Conclude the evaluation → Concluded", "legacy_review → archived"]


@pytest.fixture
def filing(app, make, clock):
    """A Guangdong demonstration's filing saved, submitted, returned, resubmitted, confirmed
    and concluded, plus one event of old data with codes the platform no longer knows."""
    clock.set(h.BEFORE)
    applicant, ministry = make.applicant(unit="440000"), make.ministry()
    province = make.province("440000")
    entry = h.entry(code=applicant.organisation.credit_code, organisation=applicant.organisation)
    h.open_campaign(ministry)
    task = h.task_of(entry)
    evaluations.save_filing(actor=applicant, task=task, raw=h.complete_form(),
                            version=task.version)
    evaluations.submit_filing(actor=applicant, task=task)
    evaluations.return_filing(actor=province, task=task, comment="请补充数据")
    evaluations.submit_filing(actor=applicant, task=task)
    evaluations.confirm_filing(actor=province, task=task)
    evaluations.conclude(actor=ministry, task=task, conclusion="qualified", reason=None)
    db.session.add(EvaluationEvent(task=task, at=h.BEFORE, actor_id=None, action="legacy_review",
                                   from_state=None, to_state="archived"))
    db.session.commit()
    return task, {"province": province, "ministry": ministry}


def _page(login_as, filing, role, headers) -> str:
    task, users = filing
    response = login_as(users[role]).get(f"/{role}/evaluations/{task.id}", headers=headers)
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["province", "ministry"])
@pytest.mark.parametrize(("headers", "expected"), [(ZH, STEPS_ZH), (EN, STEPS_EN)],
                         ids=["zh", "en"])
def test_evaluation_history_steps_translated(login_as, filing, role, headers, expected):
    html = _page(login_as, filing, role, headers)
    leaked = [f"{code} →" for code in TaskAction if f" {code} →" in html] + \
             [f"→ {code}" for code in TaskState if f"→ {code}<" in html]
    assert (steps(html), leaked) == (expected, [])


@pytest.mark.parametrize(("headers", "expected"), [
    (ZH, ["评估材料：提交", "评估材料：确认评估材料"]),
    (EN, ["Evaluation filing: Submit", "Evaluation filing: Confirm the filing"])],
    ids=["zh", "en"])
def test_audit_log_names_the_evaluation_steps(login_as, make, filing, headers, expected):
    html = login_as(make.audit_admin()).get("/admin/audit", headers=headers).get_data(
        as_text=True)
    shown = [f"<td>{label}</td>" in html for label in expected]
    assert shown == [True, True]
