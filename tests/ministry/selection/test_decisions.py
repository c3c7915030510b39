"""Inspection, shortlist, public notice, objections, publication and the public pages."""
import io
from datetime import datetime, UTC

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from smplatform.enums import DeclarationState as S
from smplatform.extensions import db
from smplatform.models import AuditEntry, Declaration, Inspection, PublicNotice
from tests.support import selection as helpers

CHECKLIST = {f"item_{k}": "met" for k in ("identity", "figures", "practices", "capability",
                                          "compliance")}
def _pdf() -> bytes:
    from pypdf import PdfWriter
    writer, out = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=72, height=72)
    writer.write(out)
    return out.getvalue()


PDF = _pdf()


def state(d):
    db.session.expire_all()
    return db.session.get(Declaration, d.id).state


def inspect(client, d, conclusion="pass", **extra):
    data = {"planned_on": "2023-07-10", "team": "张三（组长）、李四", "notes": "现场情况良好",
            "conclusion": conclusion, **CHECKLIST, **extra}
    return client.post(f"/ministry/declarations/{d.id}/inspection", data=data,
                       content_type="multipart/form-data")


@pytest.fixture
def passed(app, batch):
    return {"city": helpers.declaration(batch, "440000", category="city",
                                        state=S.EXPERT_PASSED, name="佛山市工业和信息化局"),
            "enterprise": helpers.declaration(batch, "330000", state=S.EXPERT_PASSED,
                                              name="浙江某制造有限公司"),
            "platform": helpers.declaration(batch, "320000", category="platform",
                                            state=S.EXPERT_PASSED, name="江苏某共享平台")}


def test_shortlist_city_without_inspection_refused(passed, ministry):
    city = passed["city"]
    response = ministry.post(f"/ministry/declarations/{city.id}/decision",
                             data={"decision": "shortlist"}, follow_redirects=True)
    assert ("A city is shortlisted only after its on-site inspection has been recorded."
            in response.get_data(as_text=True))
    assert state(city) == S.EXPERT_PASSED


def test_inspection_recorded_with_document_then_city_shortlisted(passed, ministry):
    city = passed["city"]
    response = inspect(ministry, city, documents=[(io.BytesIO(PDF), "核查记录.pdf")])
    assert response.status_code == 302
    inspection = db.session.scalar(select(Inspection))
    assert (inspection.conclusion, inspection.findings["items"]["figures"],
            len(inspection.document_ids)) == ("pass", "met", 1)
    download = ministry.get(f"/ministry/inspections/{inspection.id}/documents/"
                            f"{inspection.document_ids[0]}")
    assert (download.status_code, download.data) == (200, PDF)
    ministry.post(f"/ministry/declarations/{city.id}/decision", data={"decision": "shortlist"})
    assert state(city) == S.SHORTLISTED
    entry = db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "inspection.record"))
    assert entry.detail["conclusion"] == "pass"


def test_inspection_missing_finding_refused(passed, ministry):
    data = {"planned_on": "2023-07-10", "team": "张三", "conclusion": "pass"}
    response = ministry.post(f"/ministry/declarations/{passed['city'].id}/inspection",
                             data=data)
    assert response.status_code == 400
    assert db.session.scalar(select(Inspection)) is None


def test_failed_inspection_blocks_shortlist(passed, ministry):
    inspect(ministry, passed["enterprise"], conclusion="fail")
    response = ministry.post(f"/ministry/declarations/{passed['enterprise'].id}/decision",
                             data={"decision": "shortlist"}, follow_redirects=True)
    assert "The on-site inspection failed" in response.get_data(as_text=True)
    assert state(passed["enterprise"]) == S.EXPERT_PASSED


def test_enterprise_shortlisted_without_inspection(passed, ministry):
    ministry.post(f"/ministry/declarations/{passed['enterprise'].id}/decision",
                  data={"decision": "shortlist"})
    ministry.post(f"/ministry/declarations/{passed['platform'].id}/decision",
                  data={"decision": "not_shortlist"})
    assert (state(passed["enterprise"]), state(passed["platform"])) == (
        S.SHORTLISTED, S.NOT_SELECTED)


def shortlist_all(ministry, passed):
    inspect(ministry, passed["city"])
    for d in passed.values():
        ministry.post(f"/ministry/declarations/{d.id}/decision", data={"decision": "shortlist"})


def start_notice(ministry, batch, start="2023-08-01", end="2023-08-07"):
    return ministry.post(f"/ministry/batches/{batch.id}/notice",
                         data={"starts_on": start, "ends_on": end})


def test_notice_refused_while_decisions_pending(passed, ministry, batch, clock):
    clock.set(datetime(2023, 7, 31, 4, tzinfo=UTC))
    inspect(ministry, passed["city"])
    ministry.post(f"/ministry/declarations/{passed['city'].id}/decision",
                  data={"decision": "shortlist"})
    response = start_notice(ministry, batch)
    assert response.status_code == 400
    assert "2 declaration(s) that passed the expert review still await" in \
        response.get_data(as_text=True)


def test_notice_end_before_start_refused(passed, ministry, batch, clock):
    clock.set(datetime(2023, 7, 31, 4, tzinfo=UTC))
    shortlist_all(ministry, passed)
    response = start_notice(ministry, batch, "2023-08-07", "2023-08-01")
    assert "The notice cannot end before it starts." in response.get_data(as_text=True)
    assert db.session.scalar(select(PublicNotice)) is None


def test_full_way_notice_objection_publication(passed, ministry, batch, client, clock):
    clock.set(datetime(2023, 7, 31, 4, tzinfo=UTC))
    shortlist_all(ministry, passed)
    assert start_notice(ministry, batch).status_code == 302
    # Before the first day the public page does not exist.
    assert client.get("/notice/shortlist/5").status_code == 404
    clock.set(datetime(2023, 8, 2, 4, tzinfo=UTC))
    page = client.get("/notice/shortlist/5").get_data(as_text=True)
    assert [n in page for n in ("佛山市工业和信息化局", "浙江某制造有限公司", "江苏某共享平台")] == [
        True] * 3
    assert passed["city"].credit_code not in page  # only name, category/class, unit
    # Shortlist frozen once the notice exists.
    response = ministry.post(f"/ministry/declarations/{passed['city'].id}/decision",
                             data={"decision": "not_shortlist"}, follow_redirects=True)
    assert "can no longer be changed" in response.get_data(as_text=True)
    platform = passed["platform"]
    # Removal without an upheld objection is refused.
    response = ministry.post(f"/ministry/declarations/{platform.id}/remove-after-notice",
                             follow_redirects=True)
    assert "Only an upheld objection can take a declaration off the shortlist." in \
        response.get_data(as_text=True)
    # An objection received outside the notice is refused.
    outside = ministry.post(f"/ministry/declarations/{platform.id}/objections", data={
        f"o{platform.id}-received_on": "2023-07-20", f"o{platform.id}-summary": "数据不实",
        f"o{platform.id}-handling": "已核实", f"o{platform.id}-outcome": "upheld"})
    assert outside.status_code == 400
    assert "must have been received during the notice" in outside.get_data(as_text=True)
    ok = ministry.post(f"/ministry/declarations/{platform.id}/objections", data={
        f"o{platform.id}-received_on": "2023-08-02", f"o{platform.id}-summary": "数据不实",
        f"o{platform.id}-handling": "经核实，交易额存在重复统计", f"o{platform.id}-outcome": "upheld"})
    assert ok.status_code == 302
    ministry.post(f"/ministry/declarations/{platform.id}/remove-after-notice")
    assert state(platform) == S.NOT_SELECTED
    # Publishing on the last day of the notice is refused.
    clock.set(datetime(2023, 8, 7, 15, 59, tzinfo=UTC))  # 23:59 in China
    response = ministry.post(f"/ministry/batches/{batch.id}/publish", follow_redirects=True)
    assert "only after the public notice ends: from 2023-08-08 on." in \
        response.get_data(as_text=True)
    assert state(passed["city"]) == S.SHORTLISTED
    assert client.get("/published/5").status_code == 404
    clock.set(datetime(2023, 8, 7, 16, 0, tzinfo=UTC))  # 8 August 00:00 in China
    ministry.post(f"/ministry/batches/{batch.id}/publish")
    assert (state(passed["city"]), state(passed["enterprise"]), state(platform)) == (
        S.PUBLISHED, S.PUBLISHED, S.NOT_SELECTED)
    notice = db.session.scalar(select(PublicNotice))
    assert notice.published_at == datetime(2023, 8, 7, 16, 0, tzinfo=UTC)
    # The public list: search and export.
    page = client.get("/published/5").get_data(as_text=True)
    assert ("佛山市工业和信息化局" in page, "浙江某制造有限公司" in page, "江苏某共享平台" in page) == (
        True, True, False)
    found = client.get("/published/5?q=浙江").get_data(as_text=True)
    assert ("浙江某制造有限公司" in found, "佛山市工业和信息化局" in found) == (True, False)
    by_category = client.get("/published/5?category=city",
                             headers={"HX-Request": "true"})
    assert "HX-Request" in {v.strip() for v in by_category.headers["Vary"].split(",")}
    assert "<html" not in by_category.get_data(as_text=True)
    export = client.get("/published/5/export.xlsx")
    rows = list(load_workbook(io.BytesIO(export.data), read_only=True).active.values)
    assert [r[0] for r in rows[1:]] == ["佛山市工业和信息化局", "浙江某制造有限公司"]
    # Publishing twice is refused.
    again = ministry.post(f"/ministry/batches/{batch.id}/publish", follow_redirects=True)
    assert "already published" in again.get_data(as_text=True)
    actions = {e.action for e in db.session.scalars(select(AuditEntry))}
    assert {"notice.start", "objection.record", "declaration.remove_after_notice",
            "declaration.publish", "notice.publish"} <= actions


def test_published_entries_hook(passed, ministry, batch, clock):
    from smplatform.services.selection import published_entries
    clock.set(datetime(2023, 7, 31, 4, tzinfo=UTC))
    shortlist_all(ministry, passed)
    start_notice(ministry, batch, "2023-07-31", "2023-08-04")
    clock.set(datetime(2023, 8, 5, 4, tzinfo=UTC))
    ministry.post(f"/ministry/batches/{batch.id}/publish")
    db.session.expire_all()
    entries = published_entries(db.session.merge(batch))
    assert sorted((e.category, e.name) for e in entries) == [
        ("city", "佛山市工业和信息化局"), ("enterprise", "浙江某制造有限公司"),
        ("platform", "江苏某共享平台")]
    assert {e.batch_number for e in entries} == {5}
