"""The ministry's national list of declarations: search, filters, htmx, export (bounded memory)."""
import io
import tracemalloc
from datetime import datetime, UTC

import pytest
from openpyxl import load_workbook
from sqlalchemy import insert

from smplatform.enums import DeclarationState as S
from smplatform.extensions import db
from smplatform.models import Declaration, Organisation
from tests.support import selection as helpers


@pytest.fixture
def listed(app, batch):
    return {
        "a": helpers.declaration(batch, "440000", name="广州甲装备有限公司"),
        "b": helpers.declaration(batch, "330000", name="杭州乙服务平台", category="platform",
                                 klass="shared_manufacturing", service_model=None),
        "c": helpers.declaration(batch, "330000", name="宁波丙制造有限公司", low_share=True,
                                 service_model="supply_chain", state=S.EXPERT_REVIEW),
        "d": helpers.declaration(batch, "320000", name="苏州市工业和信息化局", category="city"),
    }


def names(response):
    page = response.get_data(as_text=True)
    return sorted(n for n in ("广州甲装备有限公司", "杭州乙服务平台", "宁波丙制造有限公司",
                              "苏州市工业和信息化局") if n in page)


@pytest.mark.parametrize("query, expected", [
    ("", ["宁波丙制造有限公司", "广州甲装备有限公司", "杭州乙服务平台", "苏州市工业和信息化局"]),
    ("q=甲装备", ["广州甲装备有限公司"]),
    ("unit=330000", ["宁波丙制造有限公司", "杭州乙服务平台"]),
    ("category=city", ["苏州市工业和信息化局"]),
    ("klass=shared_manufacturing", ["杭州乙服务平台"]),
    ("service_model=supply_chain", ["宁波丙制造有限公司"]),
    ("state=expert_review", ["宁波丙制造有限公司"]),
    ("low_share=y", ["宁波丙制造有限公司"]),
    ("unit=330000&category=platform", ["杭州乙服务平台"]),
])
def test_list_filters(listed, ministry, query, expected):
    assert names(ministry.get(f"/ministry/declarations?{query}")) == expected


def test_list_search_by_credit_code_and_number(listed, ministry):
    d = listed["d"]
    assert names(ministry.get(f"/ministry/declarations?q={d.credit_code}")) == [
        "苏州市工业和信息化局"]
    assert names(ministry.get(f"/ministry/declarations?q={d.electronic_number}")) == [
        "苏州市工业和信息化局"]


def test_list_sort_by_unit_descending(listed, ministry):
    page = ministry.get("/ministry/declarations?sort=unit&desc=y").get_data(as_text=True)
    positions = [page.index(n) for n in ("广州甲装备有限公司", "杭州乙服务平台", "苏州市工业和信息化局")]
    assert positions == sorted(positions)


def test_list_htmx_returns_partial_with_vary(listed, ministry):
    response = ministry.get("/ministry/declarations?unit=440000", headers={"HX-Request": "true"})
    page = response.get_data(as_text=True)
    assert (page.lstrip().startswith("<div id=\"declaration-list\">"), "<html" in page) == (
        True, False)
    assert "HX-Request" in {v.strip() for v in response.headers["Vary"].split(",")}
    assert 'href="/ministry/declarations/export.xlsx?unit=440000"' in page


def test_list_paginates(app, batch, ministry):
    for _ in range(55):
        helpers.declaration(batch, "440000", commit=False)
    db.session.commit()
    page2 = ministry.get("/ministry/declarations?page=2").get_data(as_text=True)
    assert ("55 declaration(s)" in page2, "Page 2 of 2" in page2) == (True, True)
    assert page2.count('href="/ministry/declarations/') - page2.count("export.xlsx") == 5


def test_export_filtered_list(listed, ministry):
    response = ministry.get("/ministry/declarations/export.xlsx?unit=330000")
    assert response.headers["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    rows = list(load_workbook(io.BytesIO(response.data), read_only=True).active.values)
    assert rows[0][:2] == ("Electronic number", "Name")
    assert sorted(r[1] for r in rows[1:]) == ["宁波丙制造有限公司", "杭州乙服务平台"]
    low = {r[1]: r[8] for r in rows[1:]}
    assert low == {"宁波丙制造有限公司": "Yes", "杭州乙服务平台": "No"}


def _bulk(batch, count: int) -> None:
    t = datetime(2023, 5, 1, tzinfo=UTC)
    orgs = [{"org_type": "enterprise", "name": f"批量企业{i:05d}",
             "credit_code": f"X{i:017d}", "unit_code": "440000", "contact_name": "联系人",
             "contact_mobile": "13800138000", "contact_email": "bulk@example.com",
             "created_at": t} for i in range(count)]
    db.session.execute(insert(Organisation), orgs)
    ids = [row[0] for row in db.session.execute(
        db.select(Organisation.id).where(Organisation.name.like("批量企业%"))
        .order_by(Organisation.id))]
    rows = [{"batch_id": batch.id, "organisation_id": org_id, "unit_code": "440000",
             "category": "enterprise", "klass": None, "service_model": "customised",
             "state": "forwarded", "data": {}, "version": 1,
             "electronic_number": f"B{i:08d}", "low_service_share": i % 7 == 0,
             "created_at": t, "updated_at": t, "submitted_at": t,
             "org_name": f"批量企业{i:05d}", "credit_code": f"X{i:017d}"}
            for i, org_id in enumerate(ids)]
    for start in range(0, len(rows), 5000):
        db.session.execute(insert(Declaration), rows[start:start + 5000])
    db.session.commit()


def test_export_20000_rows_with_bounded_memory(app, batch, ministry):
    _bulk(batch, 20000)
    tracemalloc.start()
    try:
        response = ministry.get("/ministry/declarations/export.xlsx")
        body = response.data
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 200
    assert peak < 60 * 1024 * 1024, f"peak {peak / 1024 / 1024:.1f} MB"
    sheet = load_workbook(io.BytesIO(body), read_only=True).active
    assert sum(1 for _row in sheet.iter_rows(values_only=True)) == 20001
