"""The security administrator's sign-in policy (GB/T 22239 8.1.4.1: identification and
authentication policies set by the security administrator): which roles need a second factor,
password expiry per role, the concurrent sessions of privileged accounts. Through the real form
on /admin/security; each change is audited and takes effect at once."""
from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from smplatform.enums import Role
from smplatform.extensions import db
from smplatform.models import AuditEntry, SecurityPolicy
from tests.support.factories import PASSWORD
from tests.support.helpers import EN, field_error, flashes

T0 = datetime(2024, 3, 1, 2, 0, tzinfo=UTC)
STAFF = ["province", "ministry", "expert", "city"]


def policy_form(two_factor=STAFF, ages=None, session_limit=3):
    ages = {"applicant": 0, **{r.value: 90 for r in Role if r != Role.APPLICANT},
            **(ages or {})}
    data = {"two_factor_roles": list(two_factor), "session_limit": str(session_limit)}
    data.update({f"max_age_{role}": str(days) for role, days in ages.items()})
    return data


def test_the_page_shows_the_policy_in_force(login_as, make, app):
    app.config["SESSION_LIMIT_PRIVILEGED"] = 4
    html = login_as(make.security_admin()).get("/admin/security", headers=EN).get_data(
        as_text=True)
    checked = re.findall(r'name="two_factor_roles" value="(\w+)"[^>]* checked', html)
    assert checked == ["province", "ministry", "expert", "city", "system_admin",
                       "security_admin", "audit_admin"]
    assert re.search(r'name="max_age_applicant"[^>]*value="0"', html)
    assert re.search(r'name="max_age_ministry"[^>]*value="90"', html)
    assert re.search(r'name="session_limit"[^>]*value="4"', html)


def test_applicants_must_use_a_second_factor_once_the_policy_says_so(login_as, make, client):
    applicant = make.applicant()
    c = login_as(make.security_admin(username="sec-policy"))
    response = c.post("/admin/policy", headers=EN,
                      data=policy_form(two_factor=["applicant", *STAFF]))
    assert response.headers["Location"] == "/admin/security"
    assert flashes(c.get("/admin/security", headers=EN)) == ["The sign-in policy is saved."]
    signing_in = client.post("/account/sign-in", data={"username": applicant.username,
                                                        "password": PASSWORD})
    assert signing_in.headers["Location"] == "/account/sign-in/enrol"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "security.policy"))
    assert (entry.actor_name, entry.detail) == ("sec-policy", {"two_factor_roles": (
        "audit_admin, city, expert, ministry, province, security_admin, system_admin → "
        "applicant, audit_admin, city, expert, ministry, province, security_admin, "
        "system_admin")})


def test_the_administrators_always_keep_the_second_factor(login_as, make, client):
    c = login_as(make.security_admin())
    c.post("/admin/policy", data=policy_form(two_factor=[]))
    assert sorted(db.session.get(SecurityPolicy, 1).two_factor_roles) == [
        "audit_admin", "security_admin", "system_admin"]
    auditor = make.audit_admin()
    db.session.get(type(auditor), auditor.id).totp_confirmed_at = None
    db.session.commit()
    response = client.post("/account/sign-in", data={"username": auditor.username,
                                                      "password": PASSWORD})
    assert response.headers["Location"] == "/account/sign-in/enrol"


def test_expiry_per_role_follows_the_policy(login_as, make, clock):
    clock.set(T0)
    applicant = make.applicant()
    officer = make.province("440000")
    clock.advance(days=31)
    c = login_as(make.security_admin())
    c.post("/admin/policy", data=policy_form(ages={"applicant": 30, "province": 0}))
    assert login_as(applicant).get("/applicant/").headers["Location"] == "/account/password"
    assert login_as(officer).get("/province/").status_code == 200


def test_the_session_limit_follows_the_policy(login_as, make):
    c = login_as(make.security_admin())
    c.post("/admin/policy", data=policy_form(session_limit=1))
    user = make.ministry()
    first, second = login_as(user), login_as(user)
    assert [first.get("/ministry/").status_code, second.get("/ministry/").status_code] == [
        302, 200]


@pytest.mark.parametrize("field, value, message", [
    ("max_age_ministry", "-1", "From 0 to 365."),
    ("max_age_applicant", "400", "From 0 to 365."),
    ("max_age_expert", "", "This field is required."),
    ("session_limit", "two", "Enter a whole number."),
    ("session_limit", "21", "From 0 to 20."),
])
def test_numbers_out_of_range_are_refused_and_nothing_changes(login_as, make, field, value,
                                                              message):
    c = login_as(make.security_admin())
    response = c.post("/admin/policy", headers=EN, data={**policy_form(), field: value})
    assert (response.status_code, field_error(response, field)) == (400, message)
    assert db.session.get(SecurityPolicy, 1) is None


def test_saving_the_same_policy_changes_nothing(login_as, make):
    c = login_as(make.security_admin())
    c.post("/admin/policy", headers=EN, data=policy_form())
    assert flashes(c.get("/admin/security", headers=EN)) == ["Nothing was changed."]
    assert db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "security.policy")) is None


@pytest.mark.parametrize("role", ["system_admin", "audit_admin", "ministry", "applicant"])
def test_only_the_security_admin_sets_the_policy(login_as, make, role):
    c = login_as(getattr(make, role)())
    assert c.post("/admin/policy", data=policy_form(two_factor=[])).status_code == 403
    assert db.session.get(SecurityPolicy, 1) is None
