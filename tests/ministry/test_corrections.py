"""Corrections without loss: the province undoes a business-status mark it made (with a
reason; the filing returns to where it was, nothing is deleted), and the ministry corrects a
single registry row (checked like an import, audited, old and new values kept)."""
from __future__ import annotations

import html
import io
import re

import pytest
from sqlalchemy import select

from smplatform.extensions import db
from smplatform.models import AuditEntry, EvaluationTask, RegistryCorrection, RegistryEntry, \
    StoredFile
from tests.support import evaluations as h
from tests.support.factories import credit_code
from tests.support.helpers import english




def _text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ",
                                                    response.get_data(as_text=True))))


def _task(task_id) -> EvaluationTask:
    db.session.expire_all()
    return db.session.get(EvaluationTask, task_id)


@pytest.fixture
def world(app, make, clock, login_as):
    """A Guangdong demonstration that has saved a draft filing, and a Zhejiang officer."""
    clock.set(h.BEFORE)
    gd = make.applicant(unit="440000")
    ministry = make.ministry()
    entry = h.entry(name="广东示范企业", code=gd.organisation.credit_code,
                    organisation=gd.organisation)
    h.open_campaign(ministry)
    task = h.task_of(entry)
    applicant = login_as(gd)
    assert applicant.post(f"/applicant/evaluations/{task.id}/save",
                          data={**h.complete_form(), "version": str(task.version)}
                          ).status_code == 302
    officer = english(login_as(make.province("440000")))
    response = officer.post(f"/province/evaluations/{task.id}/status",
                            data={"status": "cancelled",
                                  "explanation": (io.BytesIO(h.PDF), "说明.pdf")},
                            content_type="multipart/form-data")
    assert response.status_code == 302
    return {"task": task.id, "entry": entry.id, "officer": officer, "ministry": ministry,
            "other": english(login_as(make.province("330000"))), "applicant": applicant,
            "make": make, "login_as": login_as}


def test_province_undoes_its_mark_and_the_filing_is_back_as_it_was(world):
    tid = world["task"]
    marked = _task(tid)
    file_id, data = marked.explanation_file_id, dict(marked.data)
    assert (marked.state, marked.business_status) == ("status_changed", "cancelled")
    page = _text(world["officer"].get(f"/province/evaluations/{tid}"))
    assert "Undo the business status mark" in page
    response = world["officer"].post(f"/province/evaluations/{tid}/undo-status",
                                     data={"reason": "误标：该企业仍正常经营"})
    assert response.status_code == 302
    task = _task(tid)
    assert (task.state, task.business_status, task.explanation_file_id, task.data) == \
        ("draft", None, None, data)
    assert db.session.get(StoredFile, file_id) is not None  # the scan is kept
    steps = [(e.action, e.from_state, e.to_state, e.comment) for e in task.events][-2:]
    assert steps == [("mark_status_changed", "draft", "status_changed", None),
                     ("undo_status_change", "status_changed", "draft", "误标：该企业仍正常经营")]
    entry = db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "evaluation.undo_status_change"))
    assert entry.detail["undone"] == {"business_status": "cancelled", "file_id": file_id,
                                      "marked_from": "draft"}
    page = _text(world["officer"].get(f"/province/evaluations/{tid}"))
    assert "Undo the business status mark" in page  # in the history, as a step
    # the demonstration can file again
    assert world["applicant"].post(f"/applicant/evaluations/{tid}/save",
                                   data={**h.complete_form(), "version": str(task.version)}
                                   ).status_code == 302


def test_undo_without_a_reason_changes_nothing(world):
    tid = world["task"]
    response = world["officer"].post(f"/province/evaluations/{tid}/undo-status",
                                     data={"reason": "  "}, follow_redirects=True)
    assert "Give the reason for undoing the mark." in _text(response)
    assert _task(tid).state == "status_changed"


def test_another_unit_cannot_undo_the_mark(world):
    tid = world["task"]
    response = world["other"].post(f"/province/evaluations/{tid}/undo-status",
                                   data={"reason": "不是我们的"})
    assert response.status_code == 403
    assert _task(tid).state == "status_changed"


def test_no_undo_after_the_ministry_concluded(world):
    tid = world["task"]
    ministry = english(world["login_as"](world["ministry"]))
    assert ministry.post(f"/ministry/evaluations/{tid}/conclude",
                         data={"conclusion": "revoked", "reason": "已注销"}).status_code == 302
    assert _task(tid).state == "concluded"
    response = world["officer"].post(f"/province/evaluations/{tid}/undo-status",
                                     data={"reason": "太迟了"})
    assert response.status_code == 403
    assert "Undo the business status mark" not in _text(
        world["officer"].get(f"/province/evaluations/{tid}"))


# ------------------------------------------------------------------ registry rows


def _correct(client, entry_id, **changes):
    entry = db.session.get(RegistryEntry, entry_id)
    values = {"batch": str(entry.batch_number), "year": str(entry.year),
              "category": entry.category, "name": entry.name,
              "credit_code": entry.credit_code or "", "unit_code": entry.unit_code,
              "city_code": entry.city_code or "", "class": entry.klass or "",
              "reason": "核对原始文件后更正"}
    values.update(changes)
    return client.post(f"/ministry/registry/{entry_id}", data=values)


@pytest.fixture
def registry(app, make, login_as, clock):
    clock.set(h.BEFORE)
    a = h.entry(name="错别字示范企业", code=credit_code(7001))
    b = h.entry(name="另一示范企业", code=credit_code(7002))
    db.session.commit()
    return {"a": a.id, "b": b.id, "ministry": english(login_as(make.ministry())),
            "province": login_as(make.province("440000"))}


def test_ministry_corrects_one_row_and_keeps_the_old_values(registry):
    old_code = db.session.get(RegistryEntry, registry["a"]).credit_code
    new_code = credit_code(7003)
    response = _correct(registry["ministry"], registry["a"], name="正确示范企业",
                        credit_code=new_code)
    assert response.status_code == 302
    db.session.expire_all()
    entry = db.session.get(RegistryEntry, registry["a"])
    assert (entry.name, entry.credit_code) == ("正确示范企业", new_code)
    correction = db.session.scalar(select(RegistryCorrection))
    assert (correction.reason, correction.changes) == (
        "核对原始文件后更正", {"name": ["错别字示范企业", "正确示范企业"],
                        "credit_code": [old_code, new_code]})
    audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "registry.correct"))
    assert audit.detail["changes"] == correction.changes
    assert db.session.get(RegistryEntry, registry["b"]).name == "另一示范企业"  # one row only
    page = _text(registry["ministry"].get(f"/ministry/registry/{registry['a']}"))
    assert "Name: 错别字示范企业 → 正确示范企业" in page
    assert "核对原始文件后更正" in page


@pytest.mark.parametrize("changes,field,message", [
    ({"credit_code": "91440000MA00000000"}, "credit_code",
     "This is not a valid unified social credit code."),
    ({"batch": "7"}, "batch", "The batch must be a number from 1 to 4."),
    ({"reason": ""}, "reason", "Give the reason for the correction."),
    ({"name": "另一示范企业", "credit_code": ""}, "name",
     "Another registry row already records this demonstration."),
])
def test_a_bad_correction_changes_nothing(registry, changes, field, message):
    before = db.session.get(RegistryEntry, registry["a"])
    snapshot = (before.name, before.credit_code, before.batch_number)
    if field == "name":  # the same name, no codes: a duplicate by name
        db.session.get(RegistryEntry, registry["b"]).credit_code = None
        db.session.commit()
    response = _correct(registry["ministry"], registry["a"], **changes)
    assert response.status_code == 422
    assert message in _text(response)
    assert f'id="f-{field}-error"' in response.get_data(as_text=True)
    db.session.expire_all()
    after = db.session.get(RegistryEntry, registry["a"])
    assert (after.name, after.credit_code, after.batch_number) == snapshot
    assert db.session.scalar(select(RegistryCorrection)) is None


def test_province_cannot_correct_the_registry(registry):
    assert registry["province"].get(f"/ministry/registry/{registry['a']}").status_code == 403
    assert _correct(registry["province"], registry["a"], name="篡改").status_code == 403
