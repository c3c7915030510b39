"""From assignment through scoring to publication, in a real browser, with axe-core checks."""
from datetime import datetime, UTC

import pytest

from smplatform.extensions import db
from smplatform.models import Declaration
from tests.support import selection as helpers
from tests.support.selection_browser import new_page, serious_axe_violations
from tests.support.browser import sign_in


@pytest.mark.browser
def test_selection_from_assignment_to_publication(app, make, clock, live_server, browser):
    clock.set(datetime(2023, 7, 1, 2, tzinfo=UTC))
    batch = helpers.make_batch()
    city = helpers.declaration(batch, "440000", category="city", name="佛山市工业和信息化局")
    expert = helpers.expert(make, unit="110000", username="expert-li")
    minister = make.ministry(username="ministry-wang")
    city_id, batch_id = city.id, batch.id
    base = live_server.url

    ministry = new_page(browser)
    sign_in(ministry, base, minister.username, "en")
    ministry.goto(f"{base}/ministry/batches/{batch_id}/review")
    ministry.fill("#per_declaration", "1")
    ministry.click("text=Assign reviewers >> nth=-1")
    assert "1 declaration(s) received reviewers" in ministry.inner_text(".flashes")

    page = new_page(browser)
    sign_in(page, base, expert.username, "en")
    page.goto(f"{base}/expert/")
    assert serious_axe_violations(page) == []
    page.click("#my-reviews a")
    page.check("input[name=no_conflict]")
    page.click("text=Declare and accept")
    for key, score in (("foundation", 90), ("policy", 85), ("development", 80),
                       ("support", 75), ("demonstration", 95)):
        page.fill(f"#score_{key}", str(score))
    page.fill("#comment_policy", "政策体系完整")
    page.click("button[value=save]")
    assert page.input_value("#score_policy") == "85"
    page.click("button[value=submit]")
    assert page.inner_text("#review-state") == "Submitted"

    ministry.goto(f"{base}/ministry/declarations/{city_id}/review")
    assert ministry.inner_text("#mean") == "84.75"
    ministry.check("input[name=outcome][value=pass]")
    ministry.click("text=Record outcome")
    ministry.goto(f"{base}/ministry/declarations/{city_id}/inspection")
    ministry.fill("#planned_on", "2023-07-10")
    ministry.fill("#team", "张三（组长）、李四")
    for key in ("identity", "figures", "practices", "capability", "compliance"):
        ministry.check(f"input[name=item_{key}][value=met]")
    ministry.check("input[name=conclusion][value=pass]")
    ministry.click("text=Record inspection >> nth=-1")
    ministry.goto(f"{base}/ministry/batches/{batch_id}/decisions")
    ministry.click("button[value=shortlist]")
    ministry.fill("#starts_on", "2023-07-15")
    ministry.fill("#ends_on", "2023-07-21")
    ministry.click("text=Put the shortlist under public notice")
    assert "2023-07-15" in ministry.inner_text("#notice-dates")

    clock.set(datetime(2023, 7, 22, 2, tzinfo=UTC))  # the session has expired
    sign_in(ministry, base, minister.username, "en")
    ministry.goto(f"{base}/ministry/batches/{batch_id}/decisions")
    ministry.click("text=Publish the final list")
    assert "published: 1 demonstration(s)" in ministry.inner_text(".flashes")
    db.session.expire_all()
    assert db.session.get(Declaration, city_id).state == "published"

    public = new_page(browser, locale="zh-CN")
    public.goto(f"{base}/published/5")
    assert "佛山市工业和信息化局" in public.inner_text("#published-list")
    public.fill("#q", "不存在")
    public.click("main button[type=submit]")
    public.wait_for_url("**/published/5?q=*")
    assert "佛山市工业和信息化局" not in public.inner_text("#published-list")

    ministry.goto(f"{base}/ministry/declarations")
    assert serious_axe_violations(ministry) == []
    ministry.select_option("#category", "enterprise")
    ministry.click("main form[role=search] button[type=submit]")
    ministry.wait_for_url("**/ministry/declarations?*category=enterprise*")  # htmx pushed it
    assert "0 declaration(s)" in ministry.inner_text("#declaration-list caption")
