"""The three separated administrators (三员分立), clicked through from the home page: the system
administrator creates a provincial officer's account; the security administrator issues it a
temporary password (the initial one went astray); the officer signs in with it, sets up
two-factor sign-in and must choose a password of their own; the audit administrator finds
each of these steps in the audit log, in words."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from smplatform.enums import Role
from tests.support.factories import PASSWORD
from tests.support.journeys import TOTP

OFFICER = "gd-liu"
OWN = "Officer-Own-2024"


@pytest.fixture
def administrators(app, make):
    """The three administrators, each enrolled in two-factor sign-in (as the seed does)."""
    return (make.system_admin(username="sys-admin"), make.security_admin(username="sec-admin"),
            make.audit_admin(username="audit-admin"))


@pytest.mark.browser
def test_administrators_create_an_officer_reset_its_password_and_read_the_log(
        journey, administrators):
    t, j = journey.t, journey

    # The system administrator creates the provincial officer's account.
    system = j.person("system-admin")
    system.start()
    system.sign_in("sys-admin", PASSWORD)
    expect(system.page.locator("h1")).to_have_text(j.label(Role.SYSTEM_ADMIN))
    system.link(t("Accounts"), scope=system.page.locator("main"))
    creating = system.region(t("Create a staff account"))
    system.choose(t("Role"), j.label(Role.PROVINCE), scope=creating)
    system.choose_with(t("Provincial-level unit (provincial officers only)"), "440000",
                       scope=creating)
    system.fill(t("User name"), OFFICER, scope=creating)
    system.fill(t("Full name"), "刘芳", scope=creating)
    system.fill(t("E-mail"), "liufang@gdei.gov.cn", scope=creating)
    system.fill(t("Initial password"), "Initial-Secret-2023", scope=creating)
    system.button(t("Create account"), scope=creating)
    system.expect_flash(t("Account %(name)s created.", name=OFFICER))
    expect(system.row(OFFICER)).to_contain_text(j.label(Role.PROVINCE))

    # The initial password went astray: the security administrator issues a temporary one.
    security = j.person("security-admin")
    security.start()
    security.sign_in("sec-admin", PASSWORD)
    security.link(t("Roles and sign-in security"), scope=security.page.locator("main"))
    expect(security.row(OFFICER)).to_contain_text(t("must change password"))
    security.button(f'{t("Issue a temporary password")} {OFFICER}',
                    scope=security.row(OFFICER))
    temporary = security.page.locator("#temporary-password").inner_text().strip()
    assert re.fullmatch(r"(\w{4}-){3}\w{4}", temporary), temporary
    security.link(t("Back to roles and sign-in security"))

    # The officer signs in with it, sets up the authenticator app and chooses a password.
    officer = j.person("officer")
    officer.start()
    app = TOTP()
    officer.sign_in(OFFICER, temporary, totp=app)
    assert app.secret
    expect(officer.page.locator("h1")).to_have_text(t("Change password"))
    officer.fill(t("Current password"), temporary)
    officer.fill(t("New password"), OWN)
    officer.fill(t("Repeat the new password"), OWN)
    officer.button(t("Change password"), scope=officer.page.locator("main"))
    officer.expect_flash(t("Your password has been changed. Your other sessions were signed "
                           "out."))
    officer.nav(t("Review queue"))

    # The audit administrator finds each step, by whom, in words; then one action by name.
    audit = j.person("audit-admin")
    audit.start()
    audit.sign_in("audit-admin", PASSWORD)
    audit.link(t("Audit log"), scope=audit.page.locator("main"))
    log = audit.page.locator("table.audit-log")
    for actor, action in (("sys-admin", t("Account created")),
                          ("sec-admin", t("Temporary password issued")),
                          (OFFICER, t("Two-factor sign-in set up")),
                          (OFFICER, t("Password change"))):
        rows = log.get_by_role("row").filter(has_text=action).filter(has_text=OFFICER)
        expect(rows).to_have_count(1)
        expect(rows.locator("td").nth(1)).to_have_text(actor)  # who did it
        if action == t("Account created"):  # the new account's role, by its name
            expect(rows).to_contain_text(j.label(Role.PROVINCE))
    text = log.inner_text()
    assert not re.search(r"\b(user|auth|organisation)\.[a-z_]+\b", text), text
    assert "None" not in text and "True" not in text, text
    audit.choose(t("Action"), t("Temporary password issued"))
    audit.button(t("Filter"))
    expect(log.locator("tbody tr")).to_have_count(1)
    expect(log).to_contain_text(OFFICER)
