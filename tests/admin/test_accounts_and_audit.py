"""The system administrator creates staff accounts and enables or disables them; the audit
administrator reads the audit log (and only they do)."""
from __future__ import annotations

from datetime import datetime, timedelta, UTC

import pytest
from sqlalchemy import select

from smplatform.extensions import db
from smplatform.models import AuditEntry, User
from smplatform.services.audit import record
from tests.support.factories import PASSWORD
from tests.support.helpers import EN, audit_actions, count, field_error, flashes


def staff_form(**overrides) -> dict:
    data = {"role": "province", "unit_code": "330000", "username": "zj-officer",
            "display_name": "浙江省经济和信息化厅 张三", "email": "zhang@example.gov.cn",
            "password": "Initial-Secret-9"}
    data.update(overrides)
    return data


def test_admin_creates_a_provincial_officer_scoped_to_a_unit(login_as, make, client):
    admin = make.system_admin()
    c = login_as(admin)
    response = c.post("/admin/users", data=staff_form(), headers=EN)
    assert (response.status_code, response.headers["Location"]) == (302, "/admin/users")
    assert flashes(c.get("/admin/users", headers=EN)) == ["Account zj-officer created."]
    user = db.session.scalar(select(User).where(User.username == "zj-officer"))
    assert (user.role, user.unit_code, user.must_change_password) == ("province", "330000", True)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.create"
                                                       ).order_by(AuditEntry.id.desc()))
    assert (entry.actor_name, entry.object_id, entry.unit_code) == (
        admin.username, str(user.id), "330000")
    response = client.post("/account/sign-in", data={"username": "zj-officer",
                                                      "password": "Initial-Secret-9"})
    # A provincial officer signs in with a second factor: set up at the first sign-in.
    assert response.headers["Location"] == "/account/sign-in/enrol"


@pytest.mark.parametrize("role, landing", [("ministry", "/ministry/"), ("expert", "/expert/")])
def test_admin_creates_ministry_staff_and_experts_without_unit(login_as, make, role, landing):
    c = login_as(make.system_admin())
    c.post("/admin/users", data=staff_form(role=role, username=f"new-{role}"))
    user = db.session.scalar(select(User).where(User.username == f"new-{role}"))
    assert (user.role, user.unit_code) == (role, None)


def test_admin_creates_a_city_officer_for_its_city(login_as, make, client):
    c = login_as(make.system_admin())
    page = c.get("/admin/users", headers=EN).get_data(as_text=True)
    assert '<option value="440100">Guangdong · Guangzhou</option>' in page
    response = c.post("/admin/users", headers=EN, data=staff_form(
        role="city", unit_code="", city_code="440100", username="gz-officer"))
    assert (response.status_code, response.headers["Location"]) == (302, "/admin/users")
    user = db.session.scalar(select(User).where(User.username == "gz-officer"))
    assert (user.role, user.city_code, user.unit_code, user.must_change_password) == (
        "city", "440100", "440000", True)
    listed = c.get("/admin/users?role=city", headers=EN).get_data(as_text=True)
    assert "<td>Guangdong · Guangzhou</td>" in listed
    response = client.post("/account/sign-in", data={"username": "gz-officer",
                                                      "password": "Initial-Secret-9"})
    # A city officer signs in with a second factor too: set up at the first sign-in.
    assert response.headers["Location"] == "/account/sign-in/enrol"


def test_a_city_officer_needs_its_city(login_as, make):
    c = login_as(make.system_admin())
    response = c.post("/admin/users", headers=EN,
                      data=staff_form(role="city", unit_code="440000", city_code=""))
    assert (response.status_code, field_error(response, "city_code")) == (
        200, "A city industry and IT officer needs its prefecture-level city.")
    assert count(User) == 1


@pytest.mark.parametrize("role", ["system_admin", "security_admin", "audit_admin"])
def test_the_system_administrator_creates_no_administrator(login_as, make, role):
    c = login_as(make.system_admin())
    response = c.post("/admin/users", data=staff_form(role=role, username="admin2"), headers=EN)
    assert (response.status_code, count(User)) == (200, 1)


def test_provincial_officer_needs_a_unit(login_as, make):
    c = login_as(make.system_admin())
    response = c.post("/admin/users", data=staff_form(unit_code=""), headers=EN)
    assert field_error(response, "unit_code") == "A provincial officer needs a provincial-level unit."
    assert count(User) == 1


def test_staff_account_weak_password_refused(login_as, make):
    c = login_as(make.system_admin())
    response = c.post("/admin/users", data=staff_form(password="password"), headers=EN)
    assert field_error(response, "password") == "The password must be at least 10 characters long."


def test_staff_account_taken_username_refused(login_as, make):
    officer = make.province()
    c = login_as(make.system_admin())
    response = c.post("/admin/users", data=staff_form(username=officer.username.upper()),
                      headers=EN)
    assert field_error(response, "username") == "This user name is taken. Choose another."


@pytest.mark.parametrize("role", ["ministry", "security_admin", "audit_admin"])
def test_nobody_else_manages_accounts(login_as, make, role):
    c = login_as(getattr(make, role)())
    assert c.get("/admin/users").status_code == 403
    assert c.post("/admin/users", data=staff_form()).status_code == 403
    assert count(User) == 1


def test_admin_disables_and_enables_an_account(login_as, make):
    expert = make.expert()
    c = login_as(make.system_admin())
    c.post(f"/admin/users/{expert.id}/active", data={"active": "0"})
    db.session.expire_all()
    assert db.session.get(User, expert.id).active is False
    c.post(f"/admin/users/{expert.id}/active", data={"active": "1"})
    db.session.expire_all()
    assert db.session.get(User, expert.id).active is True
    assert audit_actions()[-2:] == [("user.update", "success"), ("user.update", "success")]


def test_admin_cannot_disable_self(login_as, make):
    admin = make.system_admin()
    c = login_as(admin)
    c.post(f"/admin/users/{admin.id}/active", data={"active": "0"})
    db.session.expire_all()
    assert db.session.get(User, admin.id).active is True


def test_set_active_unknown_user_is_404(login_as, make):
    c = login_as(make.system_admin())
    assert c.post("/admin/users/999999/active", data={"active": "0"}).status_code == 404


def test_users_list_filters_by_role(login_as, make):
    make.expert(username="the-expert")
    make.applicant(username="the-applicant")
    c = login_as(make.system_admin())
    html = c.get("/admin/users?role=expert").get_data(as_text=True)
    assert ("the-expert" in html, "the-applicant" in html) == (True, False)


# Audit log ---------------------------------------------------------------------------------

def _entries(c, query: str) -> str:
    return c.get(f"/admin/audit?{query}", headers=EN).get_data(as_text=True)


def test_audit_log_lists_sign_in_events_with_time_ip_and_outcome(login_as, make, clock, client):
    clock.set(datetime(2023, 4, 1, 1, 2, 3, tzinfo=UTC))
    user = make.applicant(username="audited-user")
    client.post("/account/sign-in", data={"username": "audited-user", "password": "wrong"})
    c = login_as(make.audit_admin())
    html = _entries(c, "actor=audited-user")
    assert "2023-04-01 09:02:03" in html  # shown in China Standard Time
    assert 'datetime="2023-04-01T01:02:03+00:00"' in html  # stored in UTC
    assert "Failed sign-in" in html and "127.0.0.1" in html
    assert "<span class=\"detail-label\">Reason</span>: Wrong password" in html
    assert user.username in html


def test_audit_log_filters(login_as, make, clock):
    clock.set(datetime(2023, 4, 1, 4, 0, tzinfo=UTC))
    record("probe.one", actor_name="alice")
    clock.set(datetime(2023, 4, 3, 4, 0, tzinfo=UTC))
    record("probe.two", actor_name="bob", outcome="failure")
    db.session.commit()
    c = login_as(make.audit_admin())
    assert ("probe.one" in _entries(c, "actor=alice"),
            "probe.two" in _entries(c, "actor=alice")) == (True, False)
    assert ("probe.one" in _entries(c, "action=probe.t"),
            "probe.two" in _entries(c, "action=probe.t")) == (False, True)
    assert ("probe.one" in _entries(c, "outcome=failure"),
            "probe.two" in _entries(c, "outcome=failure")) == (False, True)
    on_2nd = _entries(c, "date_from=2023-04-02&date_to=2023-04-03")
    assert ("probe.one" in on_2nd, "probe.two" in on_2nd) == (False, True)
    up_to_1st = _entries(c, "date_to=2023-04-01")
    assert ("probe.one" in up_to_1st, "probe.two" in up_to_1st) == (True, False)


def test_audit_log_dates_are_china_days(login_as, make, clock):
    # 2023-04-01 17:00 UTC is 2023-04-02 01:00 in China.
    clock.set(datetime(2023, 4, 1, 17, 0, tzinfo=UTC))
    record("probe.late", actor_name="carol")
    db.session.commit()
    clock.current = None
    c = login_as(make.audit_admin())
    assert "probe.late" in _entries(c, "date_from=2023-04-02&date_to=2023-04-02")
    assert "probe.late" not in _entries(c, "date_to=2023-04-01")


def test_audit_log_is_paginated(login_as, make):
    for i in range(60):
        record(f"probe.n{i:02d}", actor_name="bulk")
    db.session.commit()
    c = login_as(make.audit_admin())
    first = _entries(c, "actor=bulk")
    second = _entries(c, "actor=bulk&page=2")
    assert ("probe.n59" in first, "probe.n00" in first, "probe.n00" in second) == (
        True, False, True)
    assert "Page 1 of 2" in first


def test_audit_log_in_chinese(login_as, make):
    c = login_as(make.audit_admin())
    html = c.get("/admin/audit").get_data(as_text=True)
    assert ("审计日志" in html, "时间（北京时间）" in html, "登录" in html) == (True, True, True)


def test_administrator_sign_in_is_recorded(login_as, make):
    admin = make.audit_admin()
    login_as(admin)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "auth.sign_in"))
    assert (entry.actor_id, entry.ip, entry.outcome) == (admin.id, "127.0.0.1", "success")
    assert entry.at > datetime.now(UTC) - timedelta(minutes=5)
    assert PASSWORD not in str(entry.detail)
