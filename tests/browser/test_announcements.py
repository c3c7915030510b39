"""In a real browser: a reader finds a notice on the home page and reads it; the figures'
tile map is drawn under the CSP and a tile opens its unit's list; the new pages have no
serious or critical axe-core violation in Chinese or in English; no sideways scrolling at
375 px."""
from __future__ import annotations

import io
import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from smplatform import clock
from smplatform.extensions import db
from smplatform.rules import tile_map
from smplatform.services import announcements, faq, registry
from tests.support.browser import assert_no_serious_axe_violations, sign_in
from tests.support.evaluations import PDF


def content(make):
    """Notices in each state (one with an attachment, one provincial, one withdrawn), an FAQ
    entry and the demo registry."""
    ministry = make.ministry(username="ministry-browser")
    officer = make.province("440000", username="gd-browser")
    first = announcements.create(actor=ministry, title_zh="关于开展示范遴选的通知",
                                 body_zh="## 一、总体要求\n\n请**按时**申报。\n\n- 第一项\n- 第二项",
                                 title_en="Notice on the selection",
                                 body_en="## 1. General\n\nDeclare **on time**.")
    announcements.add_attachment(announcement=first, actor=ministry, stream=io.BytesIO(PDF),
                                 filename="annex1.pdf", title="附件1：申报书")
    announcements.publish(announcement=first, actor=ministry)
    regional = announcements.create(actor=officer, title_zh="广东省申报安排", body_zh="请于4月25日前申报。")
    announcements.publish(announcement=regional, actor=officer)
    old = announcements.create(actor=ministry, title_zh="已撤回的维护通知", body_zh="维护。")
    announcements.publish(announcement=old, actor=ministry)
    old.publish_at = clock.now() - timedelta(days=3)
    db.session.flush()
    announcements.withdraw(announcement=old, actor=ministry, reason="时间调整")
    draft = announcements.create(actor=ministry, title_zh="草稿", body_zh="草稿")
    faq.save(actor=ministry, values={"audience": "applicant", "question_zh": "如何注册？",
                                     "answer_zh": "点击**注册**。", "question_en": "How to register?",
                                     "answer_en": "Select **Register**.", "published": True})
    registry.load_demo_registry()
    db.session.commit()
    return {"first": first.id, "draft": draft.id, "ministry": ministry, "officer": officer}


@pytest.mark.browser
def test_reader_finds_a_notice_on_home_and_a_tile_opens_its_list(app, make, live_server,
                                                                  browser_page):
    data = content(make)
    base, page = live_server.url, browser_page
    page.goto(base + "/")
    page.click("#notices-heading ~ ul.notice-list a:text('关于开展示范遴选的通知')")
    page.wait_for_load_state()
    assert page.url == f"{base}/notices/{data['first']}"
    assert page.inner_text("h1") == "关于开展示范遴选的通知"
    assert page.inner_text(".notice-body h3") == "一、总体要求"
    with page.expect_download() as download:
        page.click("a:text('附件1：申报书')")
    assert download.value.suggested_filename == "annex1.pdf"

    page.goto(base + "/figures")
    chart = page.wait_for_selector("#figures-map-chart canvas")
    page.wait_for_timeout(300)
    tile_y = (tile_map.BY_CODE["440000"].row + 0.5) / tile_map.ROWS
    page.evaluate("([y]) => { const e = document.getElementById('figures-map-chart');"
                  " window.scrollTo(0, e.getBoundingClientRect().top + window.scrollY"
                  " + e.clientHeight * y - 200); }", [tile_y])
    box = page.locator("#figures-map-chart").bounding_box()  # relative to the viewport
    guangdong = tile_map.BY_CODE["440000"]
    # The grid keeps 4 px on each side; tiles are centred on their column and row.
    x = box["x"] + 4 + (guangdong.column + 0.5) * (box["width"] - 8) / tile_map.COLUMNS
    y = box["y"] + 4 + (guangdong.row + 0.5) * (box["height"] - 8) / tile_map.ROWS
    assert chart is not None
    with page.expect_navigation():
        page.mouse.click(x, y)
    assert page.url == f"{base}/registry?unit=440000"
    assert page.locator("text=广州示范装备制造股份有限公司").count() == 1
    assert page.csp_violations == []


@pytest.mark.browser
def test_map_figure_choice_redraws_without_reload(app, make, live_server, browser_page_en):
    content(make)
    base, page = live_server.url, browser_page_en
    page.goto(base + "/figures")
    page.wait_for_selector("#figures-map-chart canvas")
    assert page.is_visible("[data-legend='all']")
    page.select_option("#figures-map-figure", "city")
    assert (page.is_visible("[data-legend='all']"), page.is_visible("[data-legend='city']")) \
        == (False, True)
    assert page.url.endswith("/figures?map=city")
    assert page.csp_violations == []


SHOTS = os.environ.get("SMPLATFORM_SCREENSHOTS")


def _check(page, base, path, lang):
    """At 1280 and 375 px: no serious axe-core violation, no sideways scrolling; a
    screenshot in $SMPLATFORM_SCREENSHOTS when set (to look at)."""
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
        assert_no_serious_axe_violations(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (path, width)
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            name = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"
            page.screenshot(path=f"{SHOTS}/{name}-{lang}-{width}.png", full_page=True)


PUBLIC = ["/", "/notices", "/notices?q=通知", "/figures", "/help", "/help/applicant",
          "/help/ministry", "/help/expert", "/help/city",
          "/help/province", "/help/faq"]


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_new_pages_are_accessible(app, make, live_server, browser_page, browser_page_en, lang):
    data = content(make)
    base = live_server.url
    page = browser_page if lang == "zh" else browser_page_en
    for path in [*PUBLIC, f"/notices/{data['first']}"]:
        _check(page, base, path, lang)
    sign_in(page, base, data["ministry"].username)
    if lang == "en":
        with page.expect_navigation():
            page.click("button[value=en]")
    for path in ["/ministry/", "/publishing/announcements", "/publishing/announcements/new",
                 f"/publishing/announcements/{data['first']}/edit",
                 f"/publishing/announcements/{data['first']}/revisions/1",
                 f"/notices/{data['draft']}", "/publishing/faq", "/publishing/faq/new"]:
        _check(page, base, path, lang)
    assert page.csp_violations == []


@pytest.mark.browser
def test_a_province_writes_and_publishes_a_regional_notice_by_clicking(
        app, make, live_server, browser_page_en):
    """The provincial desk: from the officer's dashboard to a published notice, which the
    region's applicants then see on theirs, and another region's applicants do not."""
    make.province("440000", username="gd-desk")
    make.applicant(unit="440000", username="gd-reader")
    make.applicant(unit="330000", username="zj-reader")
    ministry = make.ministry()
    national = announcements.create(actor=ministry, title_zh="全国通知", body_zh="全国。",
                                    title_en="A national notice", body_en="For all.")
    announcements.publish(announcement=national, actor=ministry)
    db.session.commit()
    page, base = browser_page_en, live_server.url
    title, title_en = "广东省第七批申报安排", "Guangdong: how to declare for batch 7"

    sign_in(page, base, "gd-desk")
    page.get_by_role("navigation").get_by_role("link", name="Announcements").first.click()
    page.get_by_role("link", name="New notice").click()
    page.get_by_label("Title (Chinese)").fill(title)
    page.get_by_label("Text (Chinese)").fill("请于**5月10日**前在平台提交申报材料。")
    page.get_by_label("Title (English, optional)").fill(title_en)
    page.get_by_role("button", name="Save draft").click()
    # An English title without its text is refused, with the reason, and nothing is lost.
    expect(page.locator("main")).to_contain_text("give both the title and the text, or neither")
    expect(page.get_by_label("Title (Chinese)")).to_have_value(title)
    page.get_by_label("Text (English, optional)").fill("Declare on the platform by **10 May**.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("main")).to_contain_text("A draft: nobody but its editors sees it.")
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.locator("main")).to_contain_text("Published.")
    page.get_by_role("link", name="See it as readers will").click()
    expect(page.locator("main h1")).to_have_text(title_en)      # an English reader's version
    expect(page.locator("main strong").first).to_have_text("10 May")   # the text's formatting

    for username, sees in (("gd-reader", True), ("zj-reader", False)):
        page.context.clear_cookies()
        sign_in(page, base, username)
        expect(page).to_have_url(base + "/applicant/")
        expect(page.get_by_role("link", name="A national notice")).to_be_visible()
        if sees:
            page.get_by_role("link", name=title_en).click()
            expect(page.locator("main h1")).to_have_text(title_en)
        else:
            expect(page.get_by_role("link", name=title_en)).to_have_count(0)
    assert page.csp_violations == []
