"""Issue 14's separation, by clicking in Chromium, in both languages: the system
administrator creates an expert's account (and is told the ministry's next step); the
ministry officer opens the expert pool from the navigation, finds the new account without a
profile and gives it one, after which the expert can be assigned reviews. No ministry page of
the way has a password field; nothing scrolls sideways at 375 or 1280 px and axe-core finds
no serious violation. SMPLATFORM_SCREENSHOTS=dir keeps PNGs."""
from __future__ import annotations


import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from smplatform.extensions import db
from smplatform.models import User
from smplatform.services import experts as expert_service
from tests.support.browser import check_page, sign_in

pytestmark = pytest.mark.browser

TEXT = {
    "zh_CN": {
        "accounts": "账号管理", "create": "创建账号", "pool": "专家库", "give": "填写专家信息",
        "save": "保存信息",
        "created": "账号 {name} 已创建。下一步：由工业和信息化部在专家库中为该专家填写专家信息",
        "note": "评审专家账号由系统管理员创建",
        "missing": "有 1 个专家账号尚未填写专家信息。",
        "saved": "专家 {name} 的信息已保存。",
    },
    "en": {
        "accounts": "Accounts", "create": "Create account", "pool": "Expert pool",
        "give": "Give profile", "save": "Save profile",
        "created": "Account {name} created. Next step: the ministry gives this expert a "
                   "profile in the expert pool",
        "note": "Expert accounts are created by the system administrator",
        "missing": "1 expert account(s) have no profile yet.",
        "saved": "Profile of expert {name} saved.",
    },
}


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_admin_creates_the_expert_account_then_the_ministry_gives_it_a_profile(
        app, make, live_server, browser_page, lang):
    text, name = TEXT[lang], f"expert-{lang.lower()}"
    admin = make.system_admin(username=f"sys-{lang}")
    officer = make.ministry(username=f"moi-{lang}")
    page, base = browser_page, live_server.url
    nav = page.locator("nav.main-nav")

    sign_in(page, base, admin.username, lang)
    nav.get_by_role("link", name=text["accounts"], exact=True).click()
    page.select_option("#role", "expert")
    page.fill("#username", name)
    page.fill("#display_name", "张教授")
    page.fill("#email", "zhang@example.edu.cn")
    page.fill("#password", "Initial-Secret-9")
    page.get_by_role("button", name=text["create"]).click()
    expect(page.locator(".flashes")).to_contain_text(text["created"].format(name=name))
    check_page(page, f"experts-admin-created-{lang}")
    page.click("form[action$='sign-out'] button")
    page.wait_for_load_state()

    sign_in(page, base, officer.username, lang)
    nav.get_by_role("link", name=text["pool"], exact=True).click()
    expect(page).to_have_url(f"{base}/ministry/experts")
    expect(page.locator("#expert-accounts-note")).to_contain_text(text["note"])
    expect(page.locator("#expert-accounts-note")).to_contain_text(text["missing"])
    assert page.locator("main input[type=password]").count() == 0
    check_page(page, f"experts-pool-{lang}")
    page.get_by_role("link", name=f"{text['give']} {name}").click()
    expect(page).to_have_url(f"{base}/ministry/experts/"
                             f"{db.session.scalar(select(User.id).where(User.username == name))}"
                             "/edit")
    assert page.locator("main input[type=password]").count() == 0
    check_page(page, f"experts-profile-{lang}")
    page.fill("#organisation_name", "某某大学")
    page.select_option("#unit_code", "110000")
    page.check("input[name=expertise][value=industrial_design]")
    page.get_by_role("button", name=text["save"]).click()
    expect(page.locator(".flashes")).to_contain_text(text["saved"].format(name=name))
    expect(page).to_have_url(f"{base}/ministry/experts")
    expect(page.locator("#expert-accounts-note")).not_to_contain_text(text["missing"])

    db.session.expire_all()
    user = db.session.scalar(select(User).where(User.username == name))
    profile = expert_service.profile_of(user)
    assert (profile.organisation_name, profile.unit_code, profile.fields, profile.active) == (
        "某某大学", "110000", ["industrial_design"], True)
    assert user.id in [e.id for e in expert_service.assignment_pool()]
