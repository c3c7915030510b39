"""One journey in a real browser: register a city department (htmx city list), signed in,
switch language, sign out; every page passes axe-core with no serious or critical violation."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from smplatform.extensions import db
from smplatform.models import Organisation
from tests.support.browser import assert_no_serious_axe_violations


@pytest.mark.browser
def test_register_sign_in_switch_language_sign_out(app, live_server, browser_page):
    page = browser_page
    page.goto(live_server.url + "/")
    assert page.get_attribute("html", "lang") == "zh-CN"
    assert_no_serious_axe_violations(page)

    page.get_by_role("link", name="注册申报主体").click()
    expect(page).to_have_url(live_server.url + "/account/register")
    city_field = page.locator("#city_code-field")
    assert city_field.is_hidden()  # only a city department picks a city
    page.select_option("#org_type", "city_department")
    assert city_field.is_visible()
    page.select_option("#unit_code", "440000")  # htmx loads Guangdong's cities
    page.wait_for_selector('#city_code option[value="440600"]', state="attached")
    assert_no_serious_axe_violations(page)
    page.select_option("#city_code", "440600")
    page.get_by_label("单位名称").fill("佛山市工业和信息化局")
    page.get_by_label("统一社会信用代码").fill("11440600mb2c0000 3x")
    page.get_by_label("联系人").fill("陈刚")
    page.get_by_label("手机").fill("13800138000")
    page.get_by_label("电子邮箱").fill("chen@example.gov.cn")
    page.get_by_label("用户名").fill("foshan-miit")
    page.locator("#password").fill("Foshan-City-2023")
    page.get_by_label("确认密码").fill("Foshan-City-2023")
    page.get_by_role("button", name="注册", exact=True).click()

    # The credit code was typed with a wrong check character: the form says so, keeps input.
    assert page.locator("#credit_code-error").inner_text() == (
        "该统一社会信用代码无效：最后一位与校验码不符。请对照营业执照重新填写。")
    assert page.locator("#city_code").input_value() == "440600"
    assert_no_serious_axe_violations(page)
    from smplatform.rules.credit_code import make
    page.get_by_label("统一社会信用代码").fill(make("11440600MB2C00003").lower())
    page.locator("#password").fill("Foshan-City-2023")
    page.get_by_label("确认密码").fill("Foshan-City-2023")
    page.get_by_role("button", name="注册", exact=True).click()

    # Registration signs the organisation's first user (its administrator) in.
    expect(page).to_have_url(live_server.url + "/applicant/")
    assert page.locator("h1").inner_text() == "佛山市工业和信息化局"
    assert page.locator(".flash").inner_text() == (
        "单位注册成功，您已登录。现在可以开始申报，或在“账户”中添加同事。")
    assert_no_serious_axe_violations(page)

    page.get_by_role("button", name="English").click()
    # The URL is the same before and after the switch: wait for the English page itself.
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(live_server.url + "/applicant/")
    assert page.locator("dl.facts").inner_text().count("Foshan") == 1
    assert_no_serious_axe_violations(page)

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(live_server.url + "/")
    assert page.locator(".flash").inner_text() == "You have signed out."
    assert page.get_attribute("html", "lang") == "en"  # the choice outlives the sign-out
    assert_no_serious_axe_violations(page)
    page.goto(live_server.url + "/applicant/")
    assert page.url.startswith(live_server.url + "/account/sign-in")

    assert page.csp_violations == []
    db.session.expire_all()
    org = db.session.scalar(select(Organisation))
    assert (org.org_type, org.unit_code, org.city_code) == ("city_department", "440000", "440600")
