"""Layout slips a new user hit (issue 16, items 9 and 15), in Chromium: nothing scrolls
sideways at 375 or 1280 px, the required "*" stays on its label's line, the attachments and
history tables are styled, the unread count is readable."""
from __future__ import annotations


import pytest

from smplatform.extensions import db
from smplatform.services import declarations as declaration_service
from smplatform.services import review
from smplatform.services.audit import record
from tests.support import declarations as h
from tests.support.browser import assert_no_serious_axe_violations, sign_in
from tests.support.layout import WIDTHS, contrast_ratio, lines_of, sideways_overflow

pytestmark = pytest.mark.browser


@pytest.fixture
def story(app, clock, make):
    """An enterprise declaration with its figures, submitted and under review, with
    attachments and history; its applicant has an unread notification (review started)."""
    clock.set(h.DURING)
    batch = h.batch5()
    applicant = make.applicant(username="layout-applicant")
    officer = make.province("440000", username="layout-officer")
    d = h.ready(applicant, batch)
    declaration_service.submit(declaration=d, actor=applicant, base_version=d.version)
    review.start_review(actor=officer, declaration=d)
    db.session.commit()
    record("expert.update", actor=officer, object_type="expert_profile", object_id=1,
           detail={"user_id": 5, "changes": {"organisation_name": {
               "old": "中国信息通信研究院产业与规划研究所服务型制造研究中心",
               "new": "中国电子技术标准化研究院服务型制造研究中心（北京）"}},
               "sha256": "0" * 64})
    db.session.commit()
    clock.current = None
    return {"declaration": d.id, "applicant": applicant.username,
            "officer": officer.username,
            "auditor": make.audit_admin(username="layout-auditor").username}


def assert_no_overflow(page, where):
    for width in WIDTHS:
        assert sideways_overflow(page, width) == [], f"{where} at {width}px"


def test_applicant_pages_fit_and_read_well(story, live_server, browser_page):
    page, base, d = browser_page, live_server.url, story["declaration"]
    sign_in(page, base, story["applicant"])
    # The unread count in the navigation is readable (was white on light grey, ~1.15:1).
    assert page.inner_text("#unread-count").split()[0] == "1"
    assert contrast_ratio(page, "#unread-count") >= 4.5
    page.goto(f"{base}/applicant/declarations/{d}")
    assert_no_overflow(page, "overview")
    for table in ("#attachments table", "#history-heading + .table-scroll table"):
        border = page.eval_on_selector(f"{table} td", "td => getComputedStyle(td).borderTopWidth")
        assert border == "1px", table
    assert_no_serious_axe_violations(page)
    for path in ("/preview", "/sections/figures"):
        page.goto(f"{base}/applicant/declarations/{d}{path}")
        assert_no_overflow(page, path)


def test_required_star_stays_on_its_label(app, clock, make, live_server, browser_page):
    clock.set(h.DURING)
    batch = h.batch5()
    applicant = make.applicant(username="star-applicant")
    d = h.start(applicant, batch)  # the clock stays before the deadline: the draft is editable
    page, base = browser_page, live_server.url
    sign_in(page, base, applicant.username)
    page.goto(f"{base}/applicant/declarations/{d.id}/sections/basic")
    page.set_viewport_size({"width": 1280, "height": 900})
    stars = page.eval_on_selector_all(".field .req", "els => els.map(e => e.parentElement.tagName)")
    assert stars and set(stars) <= {"LABEL", "LEGEND"}
    label = page.locator(".field label:has(.req)").first
    assert lines_of(page, f"#{label.get_attribute('for')}-field label") == 1


def test_province_dashboard_and_declaration_fit(story, live_server, browser_page_en):
    page, base = browser_page_en, live_server.url
    sign_in(page, base, story["officer"], lang="en")
    page.goto(f"{base}/province/")
    assert_no_overflow(page, "province dashboard")
    assert_no_serious_axe_violations(page)
    page.goto(f"{base}/province/declarations/{story['declaration']}")
    assert_no_overflow(page, "province declaration")


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_audit_log_fits(story, live_server, browser_page, lang):
    page, base = browser_page, live_server.url
    sign_in(page, base, story["auditor"], lang=lang)
    page.goto(f"{base}/admin/audit")
    assert_no_overflow(page, "audit log")
    assert_no_serious_axe_violations(page)
