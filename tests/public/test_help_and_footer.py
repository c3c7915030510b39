"""The government-site footer from the settings (placeholders that say so when unset); the
help pages per role with the open batch's deadlines; each page of the applicant's and the
officer's way links to its help section; the FAQ the ministry edits."""
from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from smplatform import help_topics
from smplatform.enums import BatchStatus
from smplatform.extensions import db
from smplatform.models import Batch, FaqEntry, UnitDeadline

EN = {"Accept-Language": "en"}


def text(response) -> str:
    return response.get_data(as_text=True)


def footer(html: str) -> str:
    return html.split('<footer class="site-footer">', 1)[1].split("</footer>", 1)[0]


# Footer ------------------------------------------------------------------------------------


def test_footer_shows_placeholders_that_say_so(client):
    html = footer(text(client.get("/", headers=EN)))
    for variable in ("SMPLATFORM_SITE_OPERATOR", "SMPLATFORM_SITE_IDENTIFIER",
                     "SMPLATFORM_SITE_ICP_FILING", "SMPLATFORM_SITE_PSB_FILING",
                     "SMPLATFORM_SITE_CONTACT_PHONE"):
        assert f"not set (demo placeholder: set {variable})" in html
    assert "Sponsor: Department of Industrial Policy and Regulations, Ministry of Industry " \
           "and Information Technology" in html


def test_footer_shows_the_deployments_settings(app, client):
    app.config.update(SITE_OPERATOR="工业和信息化部信息中心", SITE_IDENTIFIER="bm07000001",
                      SITE_ICP_FILING="京ICP备04000001号",
                      SITE_PSB_FILING="京公网安备 11040102700001号",
                      SITE_CONTACT_PHONE="010-00000000", SITE_CONTACT_EMAIL="help@example.gov.cn")
    html = footer(text(client.get("/")))
    assert re.findall(r"demo placeholder: set (\w+)", html) == []
    assert "工业和信息化部信息中心" in html
    assert "bm07000001" in html
    assert '<a href="https://beian.miit.gov.cn/" rel="noopener noreferrer">京ICP备04000001号</a>' \
        in html
    assert '<a href="https://beian.mps.gov.cn/#/query/webSearch?code=11040102700001" ' \
           'rel="noopener noreferrer">京公网安备 11040102700001号</a>' in html
    assert '<a href="mailto:help@example.gov.cn">help@example.gov.cn</a>' in html
    # The footer is kept per settings: changing them shows at once.
    app.config["SITE_IDENTIFIER"] = "bm07000002"
    assert "bm07000002" in footer(text(client.get("/")))


def test_footer_psb_link_can_be_set(app, client):
    app.config.update(SITE_PSB_FILING="京公网安备1号", SITE_PSB_FILING_URL="https://x.example/1")
    assert '<a href="https://x.example/1" rel="noopener noreferrer">京公网安备1号</a>' in footer(
        text(client.get("/")))


# Help pages --------------------------------------------------------------------------------


@pytest.fixture
def batch(app):
    b = Batch(number=5, year=2023, status=BatchStatus.OPEN,
              opens_at=datetime(2023, 3, 1, tzinfo=UTC),
              contact_deadline=datetime(2023, 3, 20, 15, 59, tzinfo=UTC),
              province_deadline=datetime(2023, 5, 31, 15, 59, tzinfo=UTC),
              evaluation_deadline=datetime(2023, 5, 31, 15, 59, tzinfo=UTC))
    db.session.add(b)
    db.session.commit()
    return b


@pytest.mark.parametrize("role", ["applicant", "city", "province", "ministry", "expert"])
def test_help_page_per_role_has_the_batch_deadlines(client, batch, role):
    html = text(client.get(f"/help/{role}", headers=EN))
    assert "Batch 5 (Open), China Standard Time" in html
    assert "2023-05-31 23:59" in html
    sections = [section for endpoint, (r, section) in help_topics.PAGE_HELP.items()
                if r == role]
    for section in sections:
        assert f'id="{section}"' in html, section


def test_help_shows_the_applicants_own_unit_deadline(client, batch, make, login_as):
    db.session.add(UnitDeadline(batch_id=batch.id, unit_code="440000",
                                applicant_deadline=datetime(2023, 4, 25, 15, 59, tzinfo=UTC)))
    db.session.commit()
    guangdong = text(login_as(make.applicant(unit="440000")).get("/help/applicant",
                                                                  headers=EN))
    assert re.search(r"Your provincial department's deadline for applicants</strong></td>"
                     r"<td><strong>2023-04-25 23:59", guangdong)
    zhejiang = text(login_as(make.applicant(unit="330000")).get("/help/applicant", headers=EN))
    assert "<strong>2023-05-31 23:59</strong>" in zhejiang
    assert "2023-04-25" not in zhejiang


def test_help_for_an_unknown_role_is_404(client):
    assert client.get("/help/nobody").status_code == 404


def test_help_without_a_batch(client):
    assert "No batch has been opened yet." in text(client.get("/help/applicant", headers=EN))


def _html_pages(app, area):
    """The GET endpoints of an area that answer a page (not a file or a fragment)."""
    files = ("_pdf", "_xlsx", "_scan", "attachment", "_file", "meters")
    return sorted(rule.endpoint for rule in app.url_map.iter_rules()
                  if rule.endpoint.startswith(area + ".") and "GET" in rule.methods
                  and not any(word in rule.endpoint for word in files))


@pytest.mark.parametrize("area", ["applicant", "province", "expert", "city"])
def test_every_page_of_the_way_has_a_help_section(app, area):
    missing = [e for e in _html_pages(app, area) if e not in help_topics.PAGE_HELP]
    assert missing == []


@pytest.mark.parametrize("role, url, target", [
    ("applicant", "/applicant/", "/help/applicant#overview"),
    ("applicant", "/applicant/declarations/new", "/help/applicant#start"),
    ("province", "/province/", "/help/province#overview"),
    ("province", "/province/declarations", "/help/province#review"),
    ("province", "/province/recommendations", "/help/province#recommend"),
    ("ministry", "/ministry/", "/help/ministry#overview"),
])
def test_pages_link_to_their_help_section(make, login_as, batch, role, url, target):
    html = text(login_as(getattr(make, role)()).get(url, headers=EN))
    assert f'<p class="page-help"><a href="{target}">Help with this page</a></p>' in html


def test_every_help_target_exists(client):
    for endpoint, (role, section) in help_topics.PAGE_HELP.items():
        assert f'id="{section}"' in text(client.get(f"/help/{role}")), endpoint


# FAQ ---------------------------------------------------------------------------------------


def test_ministry_edits_the_faq_and_readers_see_it(make, login_as, client):
    ministry = login_as(make.ministry())
    response = ministry.post("/publishing/faq/new", data={
        "audience": "applicant", "position": "1", "question_zh": "忘记密码怎么办？",
        "answer_zh": "请联系**省级主管部门**。<script>alert(1)</script>",
        "question_en": "I forgot my password", "answer_en": "Ask your **provincial** "
        "department.", "published": "y"})
    assert response.status_code == 302
    hidden = ministry.post("/publishing/faq/new", data={
        "audience": "general", "question_zh": "隐藏的问题", "answer_zh": "答"})
    assert hidden.status_code == 302
    zh = text(client.get("/help/faq"))
    assert "忘记密码怎么办？" in zh
    assert "请联系<strong>省级主管部门</strong>。&lt;script&gt;" in zh
    assert "隐藏的问题" not in zh
    en = text(client.get("/help/faq", headers=EN))
    assert "Ask your <strong>provincial</strong> department." in en
    entry = db.session.query(FaqEntry).filter_by(question_zh="忘记密码怎么办？").one()
    edit = ministry.get(f"/publishing/faq/{entry.id}/edit")
    version = re.search(r'id="version" name="version" type="hidden" value="(\d+)"',
                        text(edit))[1]
    changed = ministry.post(f"/publishing/faq/{entry.id}/edit", data={
        "audience": "applicant", "question_zh": "忘记密码了怎么办？", "answer_zh": "重置。",
        "published": "y", "version": version})
    assert changed.status_code == 302
    stale = ministry.post(f"/publishing/faq/{entry.id}/edit", headers=EN, data={
        "audience": "applicant", "question_zh": "旧", "answer_zh": "旧", "published": "y",
        "version": version})
    assert stale.status_code == 409
    assert ministry.post(f"/publishing/faq/{entry.id}/delete").status_code == 302
    assert "忘记密码" not in text(client.get("/help/faq"))


def test_province_cannot_edit_the_faq(make, login_as):
    province = login_as(make.province())
    assert province.get("/publishing/faq").status_code == 403
    assert province.post("/publishing/faq/new", data={"question_zh": "问",
                                                      "answer_zh": "答"}).status_code == 403
    assert db.session.query(FaqEntry).count() == 0


def test_faq_english_needs_both(make, login_as):
    response = login_as(make.ministry()).post("/publishing/faq/new", headers=EN, data={
        "audience": "general", "question_zh": "问", "answer_zh": "答", "question_en": "Q"})
    assert response.status_code == 422
    assert "give both the question and the answer, or neither" in text(response)

