"""The separated administrators (三员分立): the security administrator changes roles, lifts
lockouts and issues temporary passwords, but cannot take over or remove another
administrator's account (reset on the server instead); each administrator's actions are
audited and seen by the audit administrator, who can export the log; nobody holds two of the
roles."""
from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from smplatform.enums import ADMIN_ROLES, Role
from smplatform.extensions import db
from smplatform.models import AuditEntry, User
from tests.support.factories import PASSWORD
from tests.support.helpers import EN, flashes
from tests.support.two_factor import pass_second_step

T0 = datetime(2024, 3, 1, 2, 0, tzinfo=UTC)


def _fresh(user):
    db.session.expire_all()
    return db.session.get(User, user.id)


def test_an_account_holds_one_role_so_never_two_administrators():
    assert (len(ADMIN_ROLES), {type(r) for r in ADMIN_ROLES}) == (3, {Role})
    column = User.__table__.c.role
    assert (column.type.length, column.nullable) == (20, False)


def test_security_admin_changes_a_role_and_the_holder_is_signed_out(login_as, make):
    officer = make.province("440000")
    session = login_as(officer)
    c = login_as(make.security_admin())
    response = c.post(f"/admin/users/{officer.id}/role", headers=EN,
                      data={"role": "expert", "unit_code": ""})
    assert response.status_code == 302
    assert flashes(c.get("/admin/security", headers=EN)) == [
        f"{officer.username} is now: Expert."]
    assert (_fresh(officer).role, _fresh(officer).unit_code) == ("expert", None)
    assert session.get("/province/").status_code == 302  # its session ended


def test_security_admin_can_make_an_administrator_but_not_change_itself(login_as, make):
    me = make.security_admin()
    ministry = make.ministry()
    c = login_as(me)
    c.post(f"/admin/users/{ministry.id}/role", data={"role": "audit_admin"})
    assert _fresh(ministry).role == "audit_admin"
    assert c.post(f"/admin/users/{me.id}/role", data={"role": "system_admin"}).status_code \
        == 403
    assert _fresh(me).role == "security_admin"


def test_no_account_becomes_a_city_officer_but_one_can_stop_being_one(login_as, make):
    expert = make.expert()
    officer = make.city("440100")
    c = login_as(make.security_admin())
    response = c.post(f"/admin/users/{expert.id}/role", headers=EN, data={"role": "city"},
                      follow_redirects=True)
    assert "made for its city" in response.get_data(as_text=True)
    assert _fresh(expert).role == "expert"
    c.post(f"/admin/users/{officer.id}/role", data={"role": "expert", "unit_code": ""})
    assert (_fresh(officer).role, _fresh(officer).city_code, _fresh(officer).unit_code) == (
        "expert", None, None)


def test_an_applicants_role_does_not_change(login_as, make):
    applicant = make.applicant()
    c = login_as(make.security_admin())
    response = c.post(f"/admin/users/{applicant.id}/role", headers=EN,
                      data={"role": "ministry"}, follow_redirects=True)
    assert "their role does not change" in response.get_data(as_text=True)
    assert _fresh(applicant).role == "applicant"


def test_security_admin_unlocks_an_account(login_as, make, client, clock):
    clock.set(T0)
    user = make.expert()
    for _ in range(5):
        client.post("/account/sign-in", data={"username": user.username, "password": "no"})
    assert _fresh(user).locked_until == T0 + timedelta(minutes=15)
    login_as(make.security_admin()).post(f"/admin/users/{user.id}/unlock")
    assert _fresh(user).locked_until is None
    assert login_as(user).get("/expert/").status_code == 200


def test_a_temporary_password_must_be_changed_at_the_next_sign_in(login_as, make, client):
    user = make.province("440000")
    old_session = login_as(user)
    c = login_as(make.security_admin())
    shown = c.post(f"/admin/users/{user.id}/temporary-password", headers=EN)
    temporary = re.search(r'<code id="temporary-password">([^<]+)</code>',
                          shown.get_data(as_text=True)).group(1)
    # Shown on that answer only: never in a flashed message (the session cookie).
    assert temporary not in c.get("/admin/security", headers=EN).get_data(as_text=True)
    assert old_session.get("/province/").status_code == 302
    assert client.post("/account/sign-in", data={"username": user.username,
                                                 "password": PASSWORD}).status_code == 200
    response = client.post("/account/sign-in", data={"username": user.username,
                                                      "password": temporary})
    pass_second_step(client, response, user.username)
    assert client.get("/province/").headers["Location"] == "/account/password"
    # The holder is told (and, signing in from another browser, of the new device).
    from smplatform.models import Notification
    assert db.session.scalars(select(Notification.key).where(
        Notification.user_id == user.id).order_by(Notification.id)).all() == [
        "security.password_set", "security.new_device"]


@pytest.mark.parametrize("role", ["system_admin", "audit_admin", "ministry", "province"])
def test_only_the_security_admin_does_security(login_as, make, role):
    target = make.expert()
    c = login_as(getattr(make, role)())
    statuses = [c.post(f"/admin/users/{target.id}/{what}").status_code
                for what in ("unlock", "temporary-password")]
    assert statuses == [403, 403]


@pytest.mark.parametrize("role", ["system_admin", "security_admin", "audit_admin"])
def test_administrators_do_no_ministry_business(login_as, make, role):
    c = login_as(getattr(make, role)())
    assert [c.get(p).status_code for p in ("/ministry/", "/ministry/batches",
                                           "/province/", "/expert/")] == [403] * 4


def test_administrators_actions_are_audited_and_seen_by_the_audit_admin(login_as, make):
    target = make.expert(username="the-target")
    sysadmin = make.system_admin(username="sys-one")
    secadmin = make.security_admin(username="sec-one")
    login_as(sysadmin).post(f"/admin/users/{target.id}/active", data={"active": "0"})
    login_as(secadmin).post(f"/admin/users/{target.id}/unlock")
    html = login_as(make.audit_admin()).get("/admin/audit", headers=EN).get_data(as_text=True)
    assert ("Account changed" in html, "Account unlocked" in html,
            "sys-one" in html, "sec-one" in html) == (True, True, True, True)


def test_audit_export_csv_and_xlsx_follow_the_filter_and_are_audited(login_as, make):
    from smplatform.services.audit import record
    record("probe.keep", actor_name="=HYPERLINK(\"http://evil.example\")")
    record("other.drop", actor_name="bob")
    db.session.commit()
    auditor = make.audit_admin(username="auditor-one")
    c = login_as(auditor)
    text = c.get("/admin/audit/export.csv?action=probe").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert (rows[0][:5], [r[4] for r in rows[1:]], rows[1][2]) == (
        ["seq", "time_cst", "user", "ip", "action"], ["probe.keep"],
        "'=HYPERLINK(\"http://evil.example\")")
    book = load_workbook(io.BytesIO(c.get("/admin/audit/export.xlsx?action=probe").data))
    cell = book.active["C2"]
    assert (cell.value, cell.data_type) == ("=HYPERLINK(\"http://evil.example\")", "s")
    exports = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "audit.export").order_by(AuditEntry.id)).all()
    assert [(e.actor_name, e.detail) for e in exports] == [
        ("auditor-one", {"format": "csv", "action": "probe"}),
        ("auditor-one", {"format": "xlsx", "action": "probe"})]


@pytest.mark.parametrize("role", ["audit_admin", "system_admin", "security_admin"])
def test_the_security_admin_cannot_take_over_or_remove_another_administrator(
        login_as, make, client, clock, role):
    """三员分立: a temporary password plus a reset second factor would hand the security
    administrator another administrator's account, and a role change would remove it. Only a
    lockout may be lifted; the rest is done on the server."""
    clock.set(T0)
    other = getattr(make, role)()
    for _ in range(5):
        client.post("/account/sign-in", data={"username": other.username, "password": "no"})
    c = login_as(make.security_admin())
    before = (_fresh(other).password_hash, _fresh(other).totp_secret, _fresh(other).role)
    assert [c.post(f"/admin/users/{other.id}/{what}", data=data).status_code
            for what, data in (("temporary-password", {}), ("two-factor/reset", {}),
                               ("role", {"role": "expert"}))] == [403, 403, 403]
    assert (_fresh(other).password_hash, _fresh(other).totp_secret, _fresh(other).role) == before
    page = c.get("/admin/security", headers=EN).get_data(as_text=True)
    assert "its password and second factor are reset on the server" in page
    assert c.post(f"/admin/users/{other.id}/unlock").status_code == 302
    assert _fresh(other).locked_until is None


def test_an_administrator_is_reset_on_the_server(app, login_as, make, client):
    audit = make.audit_admin(username="audit-one")
    session = login_as(audit)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["reset-administrator", "--username", "audit-one"],
                           input="Server-Reset-2024\nServer-Reset-2024\n")
    assert result.exit_code == 0, result.output
    user = _fresh(audit)
    assert (user.must_change_password, user.totp_secret, user.has_two_factor) == (
        True, None, False)
    assert session.get("/admin/audit").status_code == 302          # its sessions ended
    response = client.post("/account/sign-in", data={"username": "audit-one",
                                                      "password": "Server-Reset-2024"})
    assert response.headers["Location"] == "/account/sign-in/enrol"
    entry = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "user.administrator_reset")).one()
    assert (entry.actor_name, entry.object_id) == ("cli", str(audit.id))
    refused = runner.invoke(args=["reset-administrator", "--username",
                                  make.expert(username="an-expert").username],
                            input="Server-Reset-2024\nServer-Reset-2024\n")
    assert refused.exit_code == 1 and "不是管理员账号" in refused.output, \
        refused.output
