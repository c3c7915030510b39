"""The administrators' pages in Chromium, in both languages: the system administrator's
accounts (creating a city officer), the security administrator's accounts and sign-in policy
(saved through the form), the account page with its sessions; nothing scrolls sideways at 375
or 1280 px and axe-core finds no serious violation. SMPLATFORM_SCREENSHOTS=dir keeps PNGs."""
from __future__ import annotations


import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from smplatform.extensions import db
from smplatform.models import SecurityPolicy, User
from tests.support.browser import check_page, sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_system_administrator_creates_a_city_officer(app, make, live_server, browser_page,
                                                     lang):
    admin = make.system_admin(username=f"sys-{lang}")
    page, base = browser_page, live_server.url
    sign_in(page, base, admin.username, lang)
    page.goto(f"{base}/admin/users")
    check_page(page, f"admin-users-{lang}")
    page.select_option("#role", "city")
    page.select_option("#city_code", "440100")
    page.fill("#username", f"gz-{lang}")
    page.fill("#display_name", "广州市 李四")
    page.fill("#email", "li@example.gov.cn")
    page.fill("#password", "Initial-Secret-9")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    db.session.expire_all()
    user = db.session.scalar(select(User).where(User.username == f"gz-{lang}"))
    assert (user.role, user.city_code) == ("city", "440100")


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_security_administrator_sets_the_sign_in_policy(app, make, live_server, browser_page,
                                                        lang):
    admin = make.security_admin(username=f"sec-{lang}")
    make.province("440000")
    page, base = browser_page, live_server.url
    sign_in(page, base, admin.username, lang)
    page.goto(f"{base}/admin/security")
    check_page(page, f"admin-security-{lang}")
    en = lang == "en"
    page.get_by_label("Applicant" if en else "申报主体", exact=True).first.check()
    page.fill("#session_limit", "2")
    page.get_by_role("button", name="Save the policy" if en else "保存策略").click()
    expect(page.locator(".flashes")).to_contain_text(
        "The sign-in policy is saved." if en else "登录策略已保存。")
    db.session.expire_all()
    policy = db.session.get(SecurityPolicy, 1)
    assert ("applicant" in policy.two_factor_roles, policy.session_limit) == (True, 2)
    page.goto(f"{base}/account/")
    check_page(page, f"admin-account-{lang}")
