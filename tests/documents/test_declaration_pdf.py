"""The declaration PDF read back: Chinese text, margins on every page, draft mark, seal block."""
from __future__ import annotations


import pytest

from smplatform.documents import declaration_pdf
from smplatform.enums import Category, DeclarationState, OrgType
from smplatform.rules import annex1
from tests.support import documents as helpers, pdftext
from datetime import UTC

ORG = "广州示范制造有限公司"
CITY_DEPT = "广州市工业和信息化局"


def _download(login_as, declaration, user) -> bytes:
    response = login_as(user).get(f"/applicant/declarations/{declaration.id}/pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    return response.data


def test_pdf_every_page_carries_number_code_and_page_of_total(app, login_as):
    user = helpers.applicant(name=ORG)
    declaration = helpers.declaration(user, sequence=7)
    pages = pdftext.pages(_download(login_as, declaration, user))
    total = len(pages)
    assert total > 3  # the narratives run over several pages
    assert declaration.electronic_number == "2023-440000-E-0007"
    assert [declaration.electronic_number in text for text in pages] == [True] * total
    assert [f"校验码：{declaration.verification_code}" in text for text in pages] == [True] * total
    assert [f"第{n}页 共{total}页" in text for n, text in enumerate(pages, 1)] == [True] * total
    assert "第1页" in pages[0]


def test_pdf_text_is_chinese_with_org_name_and_every_section_title(app, login_as):
    user = helpers.applicant(name=ORG)
    declaration = helpers.declaration(user)
    pdf = _download(login_as, declaration, user)
    text = pdftext.whole(pdf)
    titles = [s.title.zh for s in annex1.ENTERPRISE.sections]
    assert [title in text for title in titles] == [True] * len(titles)
    assert ORG in text
    assert "服务型制造示范企业申报书" in text
    assert "\ufffd" not in text  # no unmapped glyphs
    assert pdftext.font_names(pdf) >= {"Noto-Serif-CJK-SC", "Noto-Sans-CJK-SC"}


def test_pdf_cover_names_category_class_unit_number_and_date(app, login_as, clock):
    from datetime import datetime
    clock.set(datetime(2023, 4, 10, 18, 0, tzinfo=UTC))  # 11 April in Beijing
    user = helpers.applicant(org_type=OrgType.PLATFORM_OPERATOR, name="共享智造平台有限公司")
    declaration = helpers.declaration(user, category=Category.PLATFORM,
                                      klass="shared_manufacturing")
    pdf = _download(login_as, declaration, user)
    cover = pdftext.pages(pdf)[0]
    assert "服务型制造示范平台申报书" in cover
    assert "示范平台（共享制造类）" in cover
    assert "共享智造平台有限公司" in cover
    assert "广东省" in cover
    assert "2023年4月11日" in cover
    assert declaration.electronic_number in cover
    assert "共享制造重点领域制造资源在线发布、订单匹配" in pdftext.body(pdf)  # multichoice labels


def test_pdf_narratives_appear_in_full(app, login_as):
    user = helpers.applicant(name=ORG)
    declaration = helpers.declaration(user)
    text = pdftext.body(_download(login_as, declaration, user))
    narrative = annex1.ENTERPRISE.section("narrative").fields()
    assert [pdftext.squeeze(declaration.data[f.name]) in text for f in narrative] == \
        [True] * len(narrative)


def test_pdf_year_table_has_totals_and_service_share(app, login_as):
    user = helpers.applicant(name=ORG)
    declaration = helpers.declaration(user)
    text = pdftext.body(_download(login_as, declaration, user))
    assert "服务收入占营业收入比重（%）" in text
    assert "190000" in text  # operating revenue 50000 + 60000 + 80000
    assert "68000" in text  # service revenue 15000 + 21000 + 32000
    assert "30.0035.0040.0035.79" in text  # shares of 2020, 2021, 2022; three-year share
    assert "低于30%" not in text


def test_pdf_flags_low_service_share(app, login_as):
    user = helpers.applicant(name=ORG)
    org = user.organisation
    data = helpers.sample_data(Category.ENTERPRISE, org_name=org.name,
                               credit_code=org.credit_code)
    data["service_revenue_2022"] = "8000"  # 10% of 80000
    declaration = helpers.declaration(user, data=data)
    text = pdftext.body(_download(login_as, declaration, user))
    assert "2022年服务收入占营业收入比重低于30%" in text


def test_pdf_attestations_show_ticked_boxes(app, login_as):
    user = helpers.applicant(name=ORG)
    org = user.organisation
    data = helpers.sample_data(Category.ENTERPRISE, org_name=org.name,
                               credit_code=org.credit_code)
    data["cond_operations"] = False
    declaration = helpers.declaration(user, data=data)
    text = pdftext.whole(_download(login_as, declaration, user))
    assert text.count("√") == 4
    assert "运营和财务状况良好" in text


def test_pdf_lists_attachment_kinds(app, login_as):
    user = helpers.applicant(name=ORG)
    declaration = helpers.declaration(user)
    text = pdftext.body(_download(login_as, declaration, user))
    labels = [k.label.zh for k in annex1.ENTERPRISE.attachments]
    assert [label in text for label in labels] == [True] * len(labels)


def test_pdf_draft_is_watermarked_on_every_page(app, login_as):
    user = helpers.applicant(name=ORG)
    draft = helpers.declaration(user, state=DeclarationState.DRAFT)
    pages = pdftext.pages(_download(login_as, draft, user))
    assert ["草稿 DRAFT" in text for text in pages] == [True] * len(pages)
    assert ["（草稿，尚未提交）" in text for text in pages] == [True] * len(pages)


def test_pdf_returned_declaration_is_watermarked_but_keeps_its_number(app, login_as):
    user = helpers.applicant(name=ORG)
    returned = helpers.declaration(user, state=DeclarationState.RETURNED)
    pages = pdftext.pages(_download(login_as, returned, user))
    assert ["草稿 DRAFT" in text for text in pages] == [True] * len(pages)
    assert [returned.electronic_number in text for text in pages] == [True] * len(pages)


def test_pdf_submitted_declaration_has_no_watermark(app, login_as):
    user = helpers.applicant(name=ORG)
    declaration = helpers.declaration(user, state=DeclarationState.PASSED)
    pages = pdftext.pages(_download(login_as, declaration, user))
    assert ["DRAFT" in text or "草稿" in text for text in pages] == [False] * len(pages)


def test_pdf_seal_block_of_city_is_the_city_government(app, login_as):
    user = helpers.applicant(org_type=OrgType.CITY_DEPARTMENT, name=CITY_DEPT)
    declaration = helpers.declaration(user, category=Category.CITY)
    last = pdftext.pages(_download(login_as, declaration, user))[-1]
    assert "城市人民政府（盖章）" in last
    assert "申报单位（盖章）" not in last
    assert "法定代表人（签字）" not in last
    assert CITY_DEPT in pdftext.whole(_download(login_as, declaration, user))


@pytest.mark.parametrize("category, org_type", [(Category.ENTERPRISE, OrgType.ENTERPRISE),
                                                (Category.PLATFORM, OrgType.PLATFORM_OPERATOR)])
def test_pdf_seal_block_of_enterprise_and_platform_is_the_applicant(app, login_as, category,
                                                                    org_type):
    user = helpers.applicant(org_type=org_type, name=ORG)
    declaration = helpers.declaration(user, category=category)
    last = pdftext.pages(_download(login_as, declaration, user))[-1]
    assert "申报单位（盖章）" in last
    assert "法定代表人（签字）" in last
    assert "年　　月　　日" in last
    assert "城市人民政府" not in last


def test_filename_is_number_or_draft_id(app):
    user = helpers.applicant(name=ORG)
    draft = helpers.declaration(user, state=DeclarationState.DRAFT)
    assert declaration_pdf.filename(draft) == f"draft-{draft.id}.pdf"
    other = helpers.applicant()
    submitted = helpers.declaration(other, sequence=12)
    assert declaration_pdf.filename(submitted) == "2023-440000-E-0012.pdf"
