"""Evaluation through the routes: filing with autosave and conflicts, submission exactly once,
the deadline, province isolation and actions, the ministry's conclusion, the public registry."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from smplatform.extensions import db
from smplatform.models import AuditEntry, EvaluationReminder, EvaluationTask, RegistryEntry
from smplatform.services import evaluations
from tests.support import evaluations as h


@pytest.fixture
def world(app, make, clock):
    """A Guangdong enterprise demonstration with its account, and a Zhejiang one (the leak)."""
    clock.set(h.BEFORE)
    gd = make.applicant(unit="440000")
    zj = make.applicant(unit="330000")
    ministry = make.ministry()
    gd_entry = h.entry(name="广东示范企业", code=gd.organisation.credit_code, organisation=gd.organisation)
    zj_entry = h.entry(name="浙江示范企业", unit="330000", code=zj.organisation.credit_code,
                       organisation=zj.organisation)
    h.open_campaign(ministry)
    return {"gd": gd, "zj": zj, "ministry": ministry, "gd_task": h.task_of(gd_entry).id,
            "zj_task": h.task_of(zj_entry).id, "gd_prov": make.province("440000"),
            "zj_prov": make.province("330000")}


def _form(task, **extra):
    data = h.complete_form()
    data.update(version=str(task.version), **extra)
    return data


def _task(task_id) -> EvaluationTask:
    db.session.expire_all()
    return db.session.get(EvaluationTask, task_id)


def test_open_campaign_creates_a_task_per_entry_and_later_imports(world):
    assert db.session.scalar(select(func.count(EvaluationTask.id))) == 2
    h.entry(name="后来的", unit="440000")
    assert evaluations.create_missing_tasks() == 1


def test_applicant_lists_only_its_own_tasks(world, login_as):
    page = login_as(world["gd"]).get("/applicant/evaluations").get_data(as_text=True)
    assert ("广东示范企业" in page, "浙江示范企业" in page) == (True, False)


def test_applicant_cannot_open_another_demonstrations_task(world, login_as):
    c = login_as(world["gd"])
    assert c.get(f"/applicant/evaluations/{world['zj_task']}").status_code == 403
    assert c.post(f"/applicant/evaluations/{world['zj_task']}/save",
                  data=_form(_task(world["zj_task"]))).status_code == 403


def test_save_then_submit(world, login_as):
    c = login_as(world["gd"])
    tid = world["gd_task"]
    assert c.post(f"/applicant/evaluations/{tid}/save", data=_form(_task(tid))).status_code == 302
    task = _task(tid)
    assert (task.state, task.version, task.data["practices"]) == ("draft", 1, "practices 的内容。")
    assert c.post(f"/applicant/evaluations/{tid}/submit",
                  data={"version": "1", **h.complete_form()}).status_code == 302
    assert _task(tid).state == "submitted"


def test_autosave_answers_saved_at_and_new_version(world, login_as):
    c = login_as(world["gd"])
    tid = world["gd_task"]
    response = c.post(f"/applicant/evaluations/{tid}/autosave",
                      data={"version": "0", "practices": "草稿"}, headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert (response.status_code, "Saved at" in body or "保存" in body,
            'id="eval-version" value="1"' in body) == (200, True, True)
    assert (_task(tid).data["practices"], _task(tid).state) == ("草稿", "draft")


def test_stale_version_is_a_conflict_showing_both_sides(world, login_as):
    c = login_as(world["gd"])
    tid = world["gd_task"]
    c.post(f"/applicant/evaluations/{tid}/save", data={"version": "0", "practices": "甲写的"})
    response = c.post(f"/applicant/evaluations/{tid}/autosave",
                      data={"version": "0", "practices": "乙写的"}, headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert ("甲写的" in body, "乙写的" in body, _task(tid).data["practices"]) == (
        True, True, "甲写的")
    plain = c.post(f"/applicant/evaluations/{tid}/save", data={"version": "0", "practices": "乙"})
    assert plain.status_code == 409


def test_bad_values_are_refused_and_kept(world, login_as):
    c = login_as(world["gd"])
    tid = world["gd_task"]
    response = c.post(f"/applicant/evaluations/{tid}/save",
                      data={"version": "0", "operating_revenue_2020": "abc"})
    assert (response.status_code, 'value="abc"' in response.get_data(as_text=True),
            _task(tid).version) == (422, True, 0)


def test_incomplete_filing_cannot_be_submitted(world, login_as):
    c = login_as(world["gd"])
    tid = world["gd_task"]
    response = c.post(f"/applicant/evaluations/{tid}/submit",
                      data={"version": "0", "practices": "只写了一项"})
    task = _task(tid)
    assert (response.status_code, task.state, task.data["practices"]) == (422, "draft", "只写了一项")


def test_double_submission_counts_once(world, login_as):
    c = login_as(world["gd"])
    tid = world["gd_task"]
    c.post(f"/applicant/evaluations/{tid}/save", data=_form(_task(tid)))
    first = c.post(f"/applicant/evaluations/{tid}/submit")
    second = c.post(f"/applicant/evaluations/{tid}/submit")
    submits = db.session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.action == "evaluation.submit"))
    assert (first.status_code, second.status_code, submits) == (302, 422, 1)


def test_submit_service_conditional_update_refuses_a_stale_object(world):
    task = _task(world["gd_task"])
    applicant = world["gd"]
    evaluations.save_filing(actor=applicant, task=task, raw=h.complete_form(), version=0)
    db.session.commit()
    stale = _task(world["gd_task"])
    evaluations.submit_filing(actor=applicant, task=stale)
    db.session.commit()
    from sqlalchemy.orm.attributes import set_committed_value
    set_committed_value(stale, "state", "draft")  # as a request that read the row earlier
    with pytest.raises(evaluations.DomainError):
        evaluations.submit_filing(actor=applicant, task=stale)


def test_deadline_blocks_saving_and_submitting(world, login_as, clock):
    from datetime import timedelta
    clock.set(h.DEADLINE - timedelta(minutes=1))
    c = login_as(world["gd"])
    tid = world["gd_task"]
    assert c.post(f"/applicant/evaluations/{tid}/save", data=_form(_task(tid))).status_code == 302
    clock.advance(minutes=2)
    assert c.post(f"/applicant/evaluations/{tid}/submit").status_code == 422
    assert c.post(f"/applicant/evaluations/{tid}/save", data=_form(_task(tid))).status_code == 422
    assert (_task(tid).state, _task(tid).version) == ("draft", 1)


def test_attachment_upload_and_download(world, login_as):
    c = login_as(world["gd"])
    tid = world["gd_task"]
    response = c.post(f"/applicant/evaluations/{tid}/attachments",
                      data={"file": (io.BytesIO(h.PDF), "证明.pdf")},
                      content_type="multipart/form-data")
    assert response.status_code == 302
    att = _task(tid).attachments[0]
    assert c.get(f"/applicant/evaluations/{tid}/attachments/{att.id}").data == h.PDF
    bad = c.post(f"/applicant/evaluations/{tid}/attachments",
                 data={"file": (io.BytesIO(b"not a pdf"), "x.pdf")},
                 content_type="multipart/form-data")
    assert (bad.status_code, len(_task(tid).attachments)) == (302, 1)


def test_pdf_has_identity_and_page_numbers(world, login_as):
    from pypdf import PdfReader
    c = login_as(world["gd"])
    tid = world["gd_task"]
    c.post(f"/applicant/evaluations/{tid}/save", data=_form(_task(tid)))
    response = c.get(f"/applicant/evaluations/{tid}/pdf")
    reader = PdfReader(io.BytesIO(response.data))
    text = reader.pages[0].extract_text()
    assert (response.mimetype, f"-{tid:05d}-v1" in text, "1 / " in text) == (
        "application/pdf", True, True)


def test_province_sees_only_its_unit(world, login_as):
    c = login_as(world["gd_prov"])
    page = c.get("/province/evaluations").get_data(as_text=True)
    assert ("广东示范企业" in page, "浙江示范企业" in page) == (True, False)
    zj = world["zj_task"]
    assert [c.get(f"/province/evaluations/{zj}").status_code,
            c.post(f"/province/evaluations/{zj}/confirm").status_code,
            c.post(f"/province/evaluations/{zj}/return", data={"comment": "x"}).status_code,
            c.get(f"/province/evaluations/{zj}/pdf").status_code,
            c.post(f"/province/registry/{_task(zj).entry_id}/link",
                   data={"credit_code": ""}).status_code] == [403] * 5


def test_province_reminds_not_started_only_of_its_unit(world, login_as):
    login_as(world["gd"]).post(f"/applicant/evaluations/{world['zj_task']}/save", data={})
    c = login_as(world["gd_prov"])
    assert c.post("/province/evaluations/remind").status_code == 302
    reminded = db.session.scalars(select(EvaluationReminder.task_id)).all()
    assert reminded == [world["gd_task"]]
    dashboard = login_as(world["gd"]).get("/applicant/").get_data(as_text=True)
    other = login_as(world["zj"]).get("/applicant/").get_data(as_text=True)
    assert ("广东示范企业" in dashboard, "广东示范企业" in other) == (True, False)


def test_province_returns_then_confirms(world, login_as):
    a = login_as(world["gd"])
    tid = world["gd_task"]
    a.post(f"/applicant/evaluations/{tid}/submit", data=_form(_task(tid)))
    p = login_as(world["gd_prov"])
    assert p.post(f"/province/evaluations/{tid}/return", data={"comment": ""}).status_code == 422
    assert p.post(f"/province/evaluations/{tid}/return",
                  data={"comment": "请补充数据"}).status_code == 302
    assert _task(tid).state == "returned"
    assert "请补充数据" in a.get(f"/applicant/evaluations/{tid}").get_data(as_text=True)
    a.post(f"/applicant/evaluations/{tid}/submit", data=_form(_task(tid)))
    assert p.post(f"/province/evaluations/{tid}/confirm").status_code == 302
    assert _task(tid).state == "confirmed"
    assert p.post(f"/province/evaluations/{tid}/confirm").status_code == 422


def test_status_change_with_explanation_then_ministry_revokes(world, login_as):
    tid = world["gd_task"]
    p = login_as(world["gd_prov"])
    missing = p.post(f"/province/evaluations/{tid}/status", data={"status": "cancelled"},
                     content_type="multipart/form-data")
    assert (missing.status_code, _task(tid).state) == (422, "not_started")
    response = p.post(f"/province/evaluations/{tid}/status",
                      data={"status": "cancelled", "explanation": (io.BytesIO(h.PDF), "说明.pdf")},
                      content_type="multipart/form-data")
    task = _task(tid)
    assert (response.status_code, task.state, task.business_status) == (
        302, "status_changed", "cancelled")
    assert p.get(f"/province/evaluations/{tid}/files/{task.explanation_file_id}").data == h.PDF
    # the demonstration can no longer file
    assert login_as(world["gd"]).post(f"/applicant/evaluations/{tid}/save",
                                      data={"version": "0"}).status_code == 422
    m = login_as(world["ministry"])
    assert m.post(f"/ministry/evaluations/{tid}/conclude",
                  data={"conclusion": "revoked", "reason": ""}).status_code == 422
    assert m.post(f"/ministry/evaluations/{tid}/conclude",
                  data={"conclusion": "revoked", "reason": "已注销"}).status_code == 302
    assert db.session.get(RegistryEntry, _task(tid).entry_id).status == "revoked"
    public = login_as(world["zj"]).get("/registry?q=广东示范").get_data(as_text=True)
    assert "Title revoked" in public or "撤销" in public


def test_ministry_concludes_confirmed_filing_qualified(world, login_as):
    tid = world["gd_task"]
    login_as(world["gd"]).post(f"/applicant/evaluations/{tid}/submit", data=_form(_task(tid)))
    login_as(world["gd_prov"]).post(f"/province/evaluations/{tid}/confirm")
    m = login_as(world["ministry"])
    assert m.post(f"/ministry/evaluations/{tid}/conclude",
                  data={"conclusion": "qualified"}).status_code == 302
    assert (_task(tid).state, _task(tid).conclusion) == ("concluded", "qualified")
    overview = m.get("/ministry/evaluations").get_data(as_text=True)
    assert "广东示范企业" in overview


def test_ministry_import_page_reports_problems_and_writes_nothing(app, make, login_as):
    m = login_as(make.ministry())
    bad = h.csv_bytes([(9, "", "enterprise", "甲", "", "440000", "", "")])
    response = m.post("/ministry/registry/import", data={"file": (io.BytesIO(bad), "a.csv")},
                      content_type="multipart/form-data")
    assert (response.status_code, db.session.scalar(select(func.count(RegistryEntry.id)))) == (
        422, 0)
    good = h.xlsx_bytes([(2, 2018, "city", "广州市", "", "440000", "440100", "")])
    response = m.post("/ministry/registry/import", data={"file": (io.BytesIO(good), "a.xlsx")},
                      content_type="multipart/form-data")
    assert (response.status_code, db.session.scalar(select(func.count(RegistryEntry.id)))) == (
        200, 1)


def test_cli_import_registry(app, tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(h.csv_bytes([(2, 2018, "city", "广州市", "", "440000", "440100", "")]))
    runner = app.test_cli_runner()
    first = runner.invoke(args=["import-registry", str(path)])
    second = runner.invoke(args=["import-registry", str(path)])
    assert (first.exit_code, "1 created" in first.output, "1 unchanged" in second.output) == (
        0, True, True)


def test_public_registry_filters_paginates_and_exports(app, client):
    from smplatform.services import registry
    registry.load_demo_registry()
    db.session.commit()
    page = client.get("/registry?category=city&batch=3").get_data(as_text=True)
    assert ("成都市" in page, "苏州市" in page) == (True, False)
    csv_text = client.get("/registry/export.csv?category=city").data.decode("utf-8-sig")
    assert len(csv_text.strip().splitlines()) == 1 + 16
    from openpyxl import load_workbook
    book = load_workbook(io.BytesIO(client.get("/registry/export.xlsx?unit=440300").data))
    assert book.active.max_row - 1 == db.session.scalar(select(func.count(RegistryEntry.id)).where(
        RegistryEntry.unit_code == "440300"))
    second = client.get("/registry?page=2").get_data(as_text=True)
    assert 'rel="prev"' in second
