"""Public downloads: blank Annex 1 forms (PDF) and the Annex 2 template (Excel)."""
from __future__ import annotations

import time
from io import BytesIO

import openpyxl
import pytest

from smplatform.documents import annex2_xlsx, declaration_pdf
from smplatform.rules import annex1, annex2
from tests.support import pdftext


def test_downloads_page_links_every_form_and_the_template(client):
    page = client.get("/downloads").get_data(as_text=True)
    links = ["/downloads/annex1-enterprise.pdf", "/downloads/annex1-platform.pdf",
             "/downloads/annex1-city.pdf", "/downloads/annex2-template.xlsx"]
    assert [f'href="{link}"' in page for link in links] == [True] * 4


def test_public_navigation_links_downloads_and_verify(client):
    page = client.get("/").get_data(as_text=True)
    assert ['href="/downloads"' in page, 'href="/verify"' in page] == [True, True]


@pytest.mark.parametrize("category", list(annex1.FORMS))
def test_blank_form_contains_every_section_title_and_no_draft_mark(client, category):
    response = client.get(f"/downloads/annex1-{category}.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == \
        f"attachment; filename=annex1-{category}.pdf"
    definition = annex1.definition(category)
    text = pdftext.body(response.data)
    titles = [pdftext.squeeze(s.title.zh) for s in definition.sections]
    assert [title in text for title in titles] == [True] * len(titles)
    assert pdftext.squeeze(definition.title.zh) in text
    labels = [pdftext.squeeze(f.label.zh) for f in definition.fields() if f.kind != "check"
              and f.name.rsplit("_", 1)[-1] not in {"2020", "2021", "2022"}]
    assert [label in text for label in labels] == [True] * len(labels)
    pages = pdftext.pages(response.data)
    assert ["DRAFT" in p for p in pages] == [False] * len(pages)
    assert [f"第{n}页 共{len(pages)}页" in p for n, p in enumerate(pages, 1)] == \
        [True] * len(pages)


def test_blank_form_seal_blocks_differ_by_category(client):
    city = pdftext.body(client.get("/downloads/annex1-city.pdf").data)
    enterprise = pdftext.body(client.get("/downloads/annex1-enterprise.pdf").data)
    assert ["城市人民政府（盖章）" in city, "法定代表人（签字）" in city] == [True, False]
    assert ["城市人民政府（盖章）" in enterprise, "申报单位（盖章）" in enterprise,
            "法定代表人（签字）" in enterprise] == [False, True, True]


def test_unknown_blank_form_is_404(client):
    assert client.get("/downloads/annex1-province.pdf").status_code == 404


def test_blank_forms_are_cached_per_process(app):
    declaration_pdf.render_blank.cache_clear()
    started = time.perf_counter()
    first = declaration_pdf.render_blank("enterprise")
    rendered = time.perf_counter() - started
    started = time.perf_counter()
    second = declaration_pdf.render_blank("enterprise")
    cached = time.perf_counter() - started
    print(f"\nblank enterprise form: rendered in {rendered:.2f} s, cached in {cached * 1e6:.0f} µs")
    assert second is first


def test_annex2_template_has_title_unit_line_and_columns(client):
    response = client.get("/downloads/annex2-template.xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == \
        "attachment; filename=annex2-template.xlsx"
    ws = openpyxl.load_workbook(BytesIO(response.data)).active
    assert ws["A1"].value == "服务型制造示范遴选申报汇总表"
    assert ws["A2"].value == "推荐单位（盖章）："
    header = [ws.cell(annex2_xlsx.HEADER_ROW, i).value for i in range(1, len(annex2.COLUMNS) + 1)]
    assert header == ["序号", "类别", "类别细分", "申报主体名称", "电子编号", "所在地", "服务模式",
                      "服务收入占比（%）（示范企业填写）", "联系人", "联系电话", "推荐排序", "备注"]
    assert [ws.column_dimensions[chr(64 + i)].width for i in range(1, 13)] == \
        [c.width for c in annex2.COLUMNS]
    assert ws.cell(annex2_xlsx.HEADER_ROW + 1, 1).value == 1


def test_annex2_workbook_writes_rows_in_column_order(app):
    data = annex2_xlsx.workbook([{"seq": 1, "category": "示范企业", "applicant_name": "甲公司",
                                  "electronic_number": "2023-440000-E-0001",
                                  "service_share": 40.0, "ranking": 1}],
                                unit_name="广东省工业和信息化厅", date_text="2023年5月30日")
    ws = openpyxl.load_workbook(BytesIO(data)).active
    assert ws["A2"].value == "推荐单位（盖章）：广东省工业和信息化厅"
    row = [ws.cell(annex2_xlsx.HEADER_ROW + 1, i).value for i in range(1, 13)]
    assert row == [1, "示范企业", None, "甲公司", "2023-440000-E-0001", None, None, 40, None,
                   None, 1, None]
