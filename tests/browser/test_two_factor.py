"""Enrolment and the two-step sign-in in a real browser: a provincial officer's first sign-in
sets up the authenticator app from the QR code page, sees the recovery codes once, and later
signs in with the password and then the 6-digit code; every page passes axe-core."""
from __future__ import annotations

import pyotp
import pytest
from playwright.sync_api import expect

from smplatform import clock
from smplatform.extensions import db
from smplatform.models import User
from tests.support.browser import assert_no_serious_axe_violations
from tests.support.factories import PASSWORD
from tests.support.two_factor import fresh_code


@pytest.mark.browser
def test_enrol_at_first_sign_in_then_sign_in_in_two_steps(app, make, live_server,
                                                          browser_page):
    officer = make.province("440000", username="gd-officer")
    user = db.session.get(User, officer.id)
    user.totp_secret, user.totp_confirmed_at = None, None  # never set up
    db.session.commit()
    page, base = browser_page, live_server.url

    page.goto(base + "/account/sign-in")
    page.fill("#username", "gd-officer")
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    expect(page).to_have_url(base + "/account/sign-in/enrol")
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="显示二维码").click()
    qr = page.get_by_role("img", name="供身份验证器应用扫描的二维码")
    expect(qr).to_be_visible()
    assert qr.get_attribute("src").startswith("data:image/svg+xml;base64,")
    assert_no_serious_axe_violations(page)
    secret = page.inner_text("#totp-secret")
    page.get_by_label("应用中的 6 位验证码").fill(pyotp.TOTP(secret).at(clock.now()))
    page.get_by_role("button", name="确认").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    assert_no_serious_axe_violations(page)
    page.get_by_role("link", name="我已保存，继续").click()
    expect(page).to_have_url(base + "/province/")
    assert page.csp_violations == []

    page.click("form[action$='sign-out'] button")
    page.goto(base + "/account/sign-in")
    page.fill("#username", "gd-officer")
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    expect(page).to_have_url(base + "/account/sign-in/code")
    assert page.locator("main input:not([type=hidden])").count() == 1
    assert_no_serious_axe_violations(page)
    page.get_by_label("验证码").fill("000000")
    page.get_by_role("button", name="登录").click()
    expect(page.locator("main")).to_contain_text("验证码不正确")
    page.get_by_label("验证码").fill(fresh_code("gd-officer"))
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(base + "/province/")

    page.goto(base + "/account/")
    expect(page.locator("main")).to_contain_text("当前会话")
    assert_no_serious_axe_violations(page)
