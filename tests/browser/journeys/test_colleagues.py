"""An organisation's accounts, clicked through from the home page: the administrator (the
organisation's first user) adds two colleagues; one signs in with the initial password and
must choose their own; the administrator disables the other and hands the role to the first;
from then on the new administrator manages the accounts and the former one only reads them."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.factories import PASSWORD

ORG = "广州明达精密制造有限公司"
INITIAL = "Colleague-Init-2023"
OWN = "Colleague-Own-2024"


@pytest.fixture
def organisation(app, make):
    """An enterprise registered by its first user, who administers its accounts."""
    return make.applicant(unit="440000", name=ORG, username="mingda-admin")


@pytest.mark.browser
def test_administrator_adds_colleagues_disables_one_and_hands_over(journey, organisation):
    t = journey.t
    admin = journey.person("administrator")
    admin.start()
    admin.sign_in("mingda-admin", PASSWORD)
    admin.link(t("Add colleagues and manage their accounts"))
    for name, username in (("李文", "mingda-li"), ("赵强", "mingda-zhao")):
        adding = admin.region(t("Add a colleague"))
        admin.fill(t("Full name"), name, scope=adding)
        admin.fill(t("E-mail"), f"{username}@example.com", scope=adding)
        admin.fill(t("User name"), username, scope=adding)
        admin.fill(t("Initial password"), INITIAL, scope=adding)
        admin.button(t("Add the account"), scope=adding)
        admin.expect_flash(t("Account %(name)s added. Give your colleague the user name and the "
                             "initial password; they choose their own at the first sign-in.",
                             name=username))
        expect(admin.row(username)).to_contain_text(t("Active"))

    # The colleague signs in with the initial password and must choose their own first.
    li = journey.person("colleague")
    li.start()
    li.sign_in("mingda-li", INITIAL)
    expect(li.page.locator("h1")).to_have_text(t("Change password"))
    li.expect_flash(t("Your password was set by someone else. Choose your own password to "
                      "continue."))
    li.fill(t("Current password"), INITIAL)
    li.fill(t("New password"), OWN)
    li.fill(t("Repeat the new password"), OWN)
    li.button(t("Change password"), scope=li.page.locator("main"))
    expect(li.page.locator("h1")).to_have_text(ORG)
    li.link(t("Your organisation's accounts"))
    expect(li.page.locator("#administrator-note")).to_contain_text("mingda-admin")
    expect(li.region(t("Add a colleague"))).to_have_count(0)

    # The administrator disables the colleague who left, then hands the role over.
    admin.button(f'{t("Disable")} mingda-zhao', scope=admin.row("mingda-zhao"))
    admin.expect_flash(t("Account %(name)s disabled.", name="mingda-zhao"))
    expect(admin.row("mingda-zhao")).to_contain_text(t("Disabled"))
    # Handing over cannot be undone by the one who does it: the first press says so.
    admin.row("mingda-li").locator("summary", has_text=t("Make administrator")).click()
    expect(admin.row("mingda-li")).to_contain_text(
        t("%(name)s will manage your organisation's accounts instead of you, and you cannot "
          "take the role back yourself.", name="李文"))
    admin.button(t("Hand over to %(name)s", name="mingda-li"), scope=admin.row("mingda-li"))
    admin.expect_flash(t("%(name)s is now your organisation's administrator.", name="李文"))
    expect(admin.page.locator("#administrator-note")).to_contain_text("mingda-li")
    expect(admin.region(t("Add a colleague"))).to_have_count(0)
    expect(admin.page.get_by_role("button", name=t("Disable"), exact=False)).to_have_count(0)

    # The new administrator now manages the accounts, from the dashboard.
    li.nav(t("My organisation"))
    li.link(t("Add colleagues and manage their accounts"))
    expect(li.region(t("Add a colleague"))).to_be_visible()
    expect(li.row("mingda-admin")).to_contain_text(t("Active"))
    expect(li.page.get_by_role("button", name=f'{t("Enable")} mingda-zhao')).to_be_visible()

    # The colleague who left can no longer sign in.
    zhao = journey.person("former-colleague")
    zhao.start()
    zhao.sign_in("mingda-zhao", INITIAL)
    expect(zhao.page.locator("h1")).to_have_text(t("Sign in"))
    expect(zhao.page.locator("main")).to_contain_text(
        t("The user name or password is wrong, or the account is locked. After %(n)d failed "
          "attempts an account is locked for %(m)d minutes.",
          n=journey.app.config["LOCKOUT_THRESHOLD"],
          m=int(journey.app.config["LOCKOUT_DURATION"].total_seconds() // 60)))
