"""Browser journey: an officer reviews, returns, recommends to the quota limit, sees the refusal
for one more, exports the summary and submits to the ministry (headless Chromium)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from smplatform.extensions import db
from smplatform.models import Declaration, UnitSubmission
from tests.support.factories import PASSWORD
from tests.support import province as helpers
from tests.support.two_factor import browser_second_step



@pytest.fixture
def batch(app, clock):
    clock.set(helpers.NOW)
    return helpers.batch()


@pytest.fixture
def served(live_server):
    return live_server.url


@pytest.fixture
def page(browser_page_en):
    return browser_page_en


@pytest.mark.browser
def test_officer_reviews_recommends_exports_and_submits(app, make, batch, served, page,
                                                       tmp_path):
    officer = make.province("440000")
    to_review = helpers.declaration(state="submitted", name="待审企业")
    passed = helpers.passed(10, stamped=True)
    one_more = helpers.declaration(state="passed", stamped=True, name="第十一家企业")

    page.goto(served + "/account/sign-in")
    page.fill("#username", officer.username)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    browser_second_step(page, officer.username)
    page.goto(served + "/province/declarations")
    page.fill("#q", "待审")
    page.wait_for_function("() => location.search.includes('q=')")  # hx-push-url
    page.click(f"a[href='/province/declarations/{to_review.id}']")
    page.click(f"form[action$='/{to_review.id}/start-review'] button")
    page.fill("#return-comment", "请补充近三年审计报告")
    page.click(f"form[action$='/{to_review.id}/return'] button[type=submit]")
    page.wait_for_selector(".flash-success")
    db.session.expire_all()
    assert db.session.get(Declaration, to_review.id).state == "returned"

    page.goto(served + "/province/recommendations")
    for d in passed:
        row = page.locator("#candidates tr", has_text=d.electronic_number)
        row.locator("button").click()
        page.wait_for_selector(f"#recommended >> text={d.electronic_number}")
    page.wait_for_selector("#quota-meters .meter-full[data-line=enterprise]")
    page.locator("#candidates tr", has_text=one_more.electronic_number).locator("button").click()
    page.wait_for_selector("#recommend-error")
    assert "10 of 10" in page.inner_text("#recommend-error")

    # The list goes nowhere without a liaison contact: the first may come late.
    page.goto(served + "/province/contacts")
    for field, value in (("name", "张丽"), ("title", "处长"), ("phone", "020-83133000"),
                         ("email", "liaison@example.gov.cn")):
        page.fill(f"#contact-{field}", value)
    page.click("form[action$='/contacts'] button[type=submit]")
    page.wait_for_selector(".flash-success")

    page.goto(served + "/province/summary")
    with page.expect_download() as info:
        page.click("a[href$='/summary.xlsx']")
    assert info.value.suggested_filename == "annex2-440000.xlsx"
    scan = tmp_path / "summary.png"
    from PIL import Image
    Image.new("RGB", (40, 40), "white").save(scan)
    page.set_input_files("#scan", str(scan))
    page.click("form[action$='/summary/scan'] button")
    page.wait_for_selector(".flash-success")
    page.click("form[action$='/submit'] button")
    page.wait_for_selector(".flash-success")
    db.session.expire_all()
    assert db.session.scalar(select(UnitSubmission.state)) == "submitted"
    states = {db.session.get(Declaration, d.id).state for d in passed}
    assert states == {"forwarded"}
    assert db.session.get(Declaration, one_more.id).state == "not_recommended"
