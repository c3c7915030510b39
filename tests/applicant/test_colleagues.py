"""An organisation's accounts (issue 16, item 7): the first user administers them, adds
colleagues, disables and enables them and hands the role over, audited, through the pages."""
from __future__ import annotations

import re

from sqlalchemy import select

from smplatform.extensions import db
from smplatform.models import AuditEntry, Notification, User
from smplatform.presenters.audit import detail_rows
from tests.support.factories import PASSWORD
from tests.support.helpers import EN, field_error, flashes

COLLEAGUE_PASSWORD = "Colleague-Pass-2026"
OWN_PASSWORD = "Wang-Own-Choice-88"


def add(client, **overrides):
    data = {"display_name": "王芳", "email": "wangfang@example.com", "username": "wang-fang",
            "password": COLLEAGUE_PASSWORD}
    data.update(overrides)
    return client.post("/applicant/accounts", data=data, headers=EN)


def first_sign_in(login_as, colleague):
    """The colleague's first sign-in: the initial password was set by someone else, so the
    password page comes first; the colleague chooses OWN_PASSWORD and goes on."""
    client = login_as(colleague, COLLEAGUE_PASSWORD)
    assert client.get("/applicant/").headers["Location"] == "/account/password"
    changed = client.post("/account/password", data={
        "current_password": COLLEAGUE_PASSWORD, "new_password": OWN_PASSWORD,
        "new_password_confirm": OWN_PASSWORD})
    assert changed.status_code in (302, 303)
    return client


def user(username: str) -> User:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.username == username))


def last_audit(action: str) -> AuditEntry:
    db.session.expire_all()
    return db.session.scalar(select(AuditEntry).where(AuditEntry.action == action)
                             .order_by(AuditEntry.id.desc()))


def buttons(html: str) -> list[str]:
    """The texts of the page's buttons and disclosure controls (a hand-over first opens what
    it will do)."""
    return [re.sub(r"<[^>]+>", "", b).strip()
            for _tag, b in re.findall(r"<(button|summary)[^>]*>(.*?)</\1>", html, re.S)]


def test_accounts_reachable_from_navigation_and_dashboard(make, login_as):
    admin = make.applicant()
    client = login_as(admin)
    dashboard = client.get("/applicant/", headers=EN).get_data(as_text=True)
    assert dashboard.count('href="/applicant/accounts"') == 2  # the menu and the overview
    assert ">Add colleagues and manage their accounts</a>" in dashboard


def test_administrator_adds_a_colleague_who_can_sign_in(make, login_as, app):
    admin = make.applicant()
    client = login_as(admin)
    response = add(client)
    assert (response.status_code, response.headers["Location"]) == (302, "/applicant/accounts")
    page = client.get("/applicant/accounts", headers=EN)
    assert flashes(page) == [
        "Account wang-fang added. Give your colleague the user name and the initial password; "
        "they choose their own at the first sign-in."]
    colleague = user("wang-fang")
    assert (colleague.organisation_id, colleague.role, colleague.is_org_admin,
            colleague.active) == (admin.organisation_id, "applicant", False, True)
    entry = last_audit("organisation.add_user")
    assert (entry.actor_name, entry.object_id, entry.detail["username"]) == (
        admin.username, str(colleague.id), "wang-fang")
    # The colleague works in the same organisation and sees who administers it.
    other = first_sign_in(login_as, colleague)
    html = other.get("/applicant/accounts", headers=EN).get_data(as_text=True)
    assert re.search(r'id="administrator-note">(.*?)</p>', html).group(1) == (
        f"{admin.display_name} ({admin.username}) administers your organisation's accounts: "
        "ask them to add a colleague or to disable an account.")
    assert (buttons(html).count("Disable wang-fang"), "Add the account" in buttons(html)) == (
        0, False)


def test_colleague_form_shows_every_problem_at_once(make, login_as):
    admin = make.applicant()
    client = login_as(admin)
    response = add(client, username=admin.username.upper(), password="short", email="x@")
    assert response.status_code == 400
    assert {f: field_error(response, f) for f in ("username", "password", "email")} == {
        "username": "This user name is taken. Choose another.",
        "password": "The password must be at least 10 characters long. The password must mix "
                    "at least 3 of: lower-case letters, upper-case letters, digits and symbols.",
        "email": "Enter a valid e-mail address."}
    assert user("wang-fang") is None


def test_only_the_administrator_manages_accounts(make, login_as):
    admin = make.applicant()
    add(login_as(admin))
    colleague = user("wang-fang")
    client = first_sign_in(login_as, colleague)
    assert add(client, username="third").status_code == 403
    assert client.post(f"/applicant/accounts/{admin.id}/active",
                       data={"active": "0"}).status_code == 403
    assert client.post(f"/applicant/accounts/{admin.id}/administrator").status_code == 403
    assert (user(admin.username).active, user(admin.username).is_org_admin) == (True, True)


def test_administrator_cannot_touch_another_organisations_accounts(make, login_as):
    admin = make.applicant()
    stranger = make.applicant()
    client = login_as(admin)
    assert client.post(f"/applicant/accounts/{stranger.id}/active",
                       data={"active": "0"}).status_code == 403
    assert client.post(f"/applicant/accounts/{stranger.id}/administrator").status_code == 403
    assert (user(stranger.username).active, user(stranger.username).is_org_admin) == (True, True)


def test_disabling_a_colleague_ends_their_session_and_is_audited(make, login_as):
    admin = make.applicant()
    client = login_as(admin)
    add(client)
    colleague = user("wang-fang")
    theirs = first_sign_in(login_as, colleague)
    assert theirs.get("/applicant/").status_code == 200
    html = client.get("/applicant/accounts", headers=EN).get_data(as_text=True)
    assert "Disable wang-fang" in buttons(html)
    response = client.post(f"/applicant/accounts/{colleague.id}/active", data={"active": "0"},
                           headers=EN)
    assert response.status_code == 302
    assert flashes(client.get("/applicant/accounts", headers=EN)) == [
        "Account wang-fang disabled."]
    assert user("wang-fang").active is False
    assert theirs.get("/applicant/").status_code == 302  # signed out at once
    refused = theirs.post("/account/sign-in", data={"username": "wang-fang",
                                                     "password": OWN_PASSWORD})
    assert refused.status_code == 200
    entry = last_audit("organisation.disable_user")
    assert [(r.label, r.before, r.value) for r in detail_rows(entry.action, entry.detail)] == [
        ("用户名", None, "wang-fang"), ("正常", "是", "否")]
    # Enabled again, the colleague signs in.
    client.post(f"/applicant/accounts/{colleague.id}/active", data={"active": "1"})
    assert user("wang-fang").active is True
    login_as(colleague, OWN_PASSWORD)
    assert last_audit("organisation.enable_user").detail["active"] == {"old": False,
                                                                        "new": True}


def test_administrator_cannot_disable_own_account(make, login_as):
    admin = make.applicant()
    client = login_as(admin)
    html = client.get("/applicant/accounts", headers=EN).get_data(as_text=True)
    assert [b for b in buttons(html) if b.startswith(("Disable", "Make administrator"))] == []
    client.post(f"/applicant/accounts/{admin.id}/active", data={"active": "0"}, headers=EN)
    assert flashes(client.get("/applicant/accounts", headers=EN)) == [
        "You cannot disable your own account. Hand the administrator role to a colleague "
        "first; they can then disable yours."]
    assert user(admin.username).active is True


def test_handing_over_the_administrator_role(make, login_as):
    admin = make.applicant()
    client = login_as(admin)
    add(client)
    colleague = user("wang-fang")
    response = client.post(f"/applicant/accounts/{colleague.id}/administrator", headers=EN)
    assert response.status_code == 302
    assert flashes(client.get("/applicant/accounts", headers=EN)) == [
        "王芳 is now your organisation's administrator."]
    assert (user(admin.username).is_org_admin, user("wang-fang").is_org_admin) == (False, True)
    entry = last_audit("organisation.hand_over_admin")
    assert [(r.label, r.before, r.value) for r in detail_rows(entry.action, entry.detail)] == [
        ("单位管理员", admin.username, "wang-fang")]
    note = db.session.scalar(select(Notification).where(Notification.user_id == colleague.id))
    assert note.key == "organisation.hand_over_admin"
    # The former administrator can no longer manage; the new one can, and may disable them.
    assert add(client, username="third").status_code == 403
    theirs = first_sign_in(login_as, colleague)
    theirs.post(f"/applicant/accounts/{admin.id}/active", data={"active": "0"})
    assert user(admin.username).active is False


def test_role_cannot_go_to_a_disabled_account(make, login_as):
    admin = make.applicant()
    client = login_as(admin)
    add(client)
    colleague = user("wang-fang")
    client.post(f"/applicant/accounts/{colleague.id}/active", data={"active": "0"})
    client.post(f"/applicant/accounts/{colleague.id}/administrator", headers=EN)
    assert flashes(client.get("/applicant/accounts", headers=EN)) == [
        "Enable this account before handing the administrator role to it."]
    assert (user(admin.username).is_org_admin, user("wang-fang").is_org_admin) == (True, False)


def test_accounts_page_in_chinese(make, login_as):
    admin = make.applicant()
    client = login_as(admin, PASSWORD)
    add(client)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    html = client.get("/applicant/accounts").get_data(as_text=True)
    assert ("添加同事", "设为管理员 wang-fang", "停用 wang-fang") == (
        re.search(r'<h2 id="add-heading">(.*?)</h2>', html).group(1),
        next(b for b in buttons(html) if b.startswith("设为管理员")),
        next(b for b in buttons(html) if b.startswith("停用")))
