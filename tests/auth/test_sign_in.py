"""Sign-in, lockout, the per-IP rate limit, sign-out and password change, through the forms."""
from __future__ import annotations

from datetime import datetime, timedelta, UTC

import pytest
from sqlalchemy import select

from smplatform.extensions import db
from smplatform.models import AuditEntry, User, UserSession
from tests.support.factories import PASSWORD
from tests.support.helpers import EN, audit_actions, field_error, flashes
from tests.support.two_factor import pass_second_step

T0 = datetime(2023, 4, 1, 2, 0, tzinfo=UTC)
NEUTRAL = ("The user name or password is wrong, or the account is locked. After 5 failed "
           "attempts an account is locked for 15 minutes.")


def sign_in(client, username, password=PASSWORD, **kw):
    """The sign-in form, then (for staff) the second step with the app's code."""
    response = client.post("/account/sign-in", data={"username": username, "password": password},
                           headers=EN, **kw)
    return pass_second_step(client, response, username)


@pytest.mark.parametrize("role, landing", [
    ("applicant", "/applicant/"), ("province", "/province/"), ("ministry", "/ministry/"),
    ("expert", "/expert/")])
def test_sign_in_lands_on_role_dashboard(client, make, role, landing):
    user = getattr(make, role)()
    response = sign_in(client, user.username)
    assert (response.status_code, response.headers["Location"]) == (302, landing)
    assert client.get(landing).status_code == 200


def test_sign_in_wrong_password_and_unknown_user_look_the_same(client, make):
    user = make.applicant()
    wrong = sign_in(client, user.username, "Wrong-Password-1")
    unknown = sign_in(client, "nobody-here", "Wrong-Password-1")
    assert (wrong.status_code, unknown.status_code) == (200, 200)
    assert field_error(wrong, "password") == field_error(unknown, "password") == NEUTRAL


def test_sign_in_failures_are_audited_with_name_and_ip(client, make, clock):
    clock.set(T0)
    user = make.applicant()
    sign_in(client, user.username, "Wrong-Password-1")
    sign_in(client, "nobody-here", "x")
    entries = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "auth.sign_in_failed").order_by(AuditEntry.id)).all()
    assert [(e.actor_name, e.actor_id, e.ip, e.outcome, e.at) for e in entries] == [
        (user.username, user.id, "127.0.0.1", "failure", T0),
        ("nobody-here", None, "127.0.0.1", "failure", T0)]


def test_sign_in_disabled_account_refused_with_neutral_message(client, make):
    user = make.expert()
    user.active = False
    db.session.commit()
    response = sign_in(client, user.username)
    assert field_error(response, "password") == NEUTRAL


def test_sign_in_follows_safe_next_only(client, make):
    user = make.ministry()
    response = client.post("/account/sign-in?next=/ministry/experts",
                           data={"username": user.username, "password": PASSWORD})
    response = pass_second_step(client, response, user.username)
    assert response.headers["Location"] == "/ministry/experts"
    other = make.ministry()
    fresh = client.__class__(client.application)
    response = fresh.post("/account/sign-in?next=//evil.example/x",
                          data={"username": other.username, "password": PASSWORD})
    response = pass_second_step(fresh, response, other.username)
    assert response.headers["Location"] == "/ministry/"


def test_lockout_after_five_failures_and_unlock_after_fifteen_minutes(client, make, clock):
    clock.set(T0)
    user = make.applicant()
    for _ in range(5):
        sign_in(client, user.username, "Wrong-Password-1")
    db.session.expire_all()
    assert db.session.get(User, user.id).locked_until == T0 + timedelta(minutes=15)
    # The right password is refused while locked, with the same neutral message.
    clock.set(T0 + timedelta(minutes=14, seconds=59))
    response = sign_in(client, user.username)
    assert (response.status_code, field_error(response, "password")) == (200, NEUTRAL)
    clock.set(T0 + timedelta(minutes=15))
    response = sign_in(client, user.username)
    assert (response.status_code, response.headers["Location"]) == (302, "/applicant/")
    actions = audit_actions()
    assert actions[1:] == [("auth.sign_in_failed", "failure")] * 5 + [
        ("auth.lockout", "failure"), ("auth.sign_in_failed", "failure"),
        ("auth.sign_in", "success")]


def test_lockout_threshold_and_duration_are_configurable(client, make, clock, app):
    app.config["LOCKOUT_THRESHOLD"] = 3
    app.config["LOCKOUT_DURATION"] = timedelta(minutes=60)
    clock.set(T0)
    user = make.applicant()
    for _ in range(3):
        response = sign_in(client, user.username, "Wrong-Password-1")
    assert field_error(response, "password") == (
        "The user name or password is wrong, or the account is locked. After 3 failed "
        "attempts an account is locked for 60 minutes.")
    clock.set(T0 + timedelta(minutes=59))
    assert sign_in(client, user.username).status_code == 200
    clock.set(T0 + timedelta(minutes=60))
    assert sign_in(client, user.username).status_code == 302


def test_successful_sign_in_resets_the_failure_count(client, make):
    user = make.applicant()
    for _ in range(4):
        sign_in(client, user.username, "Wrong-Password-1")
    sign_in(client, user.username)
    db.session.expire_all()
    assert db.session.get(User, user.id).failed_sign_ins == 0


def test_rate_limit_per_ip_answers_429(client, make, app):
    app.config["RATELIMIT_SIGN_IN"] = "3 per minute"
    statuses = [sign_in(client, "nobody", "x").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    # Another address is not affected.
    other = sign_in(client, "nobody", "x", environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert other.status_code == 200


def test_rate_limit_page_is_translated(client, app):
    app.config["RATELIMIT_SIGN_IN"] = "1 per minute"
    client.post("/account/sign-in", data={"username": "a", "password": "b"})
    response = client.post("/account/sign-in", data={"username": "a", "password": "b"})
    assert response.status_code == 429
    assert "短时间内尝试次数过多，请稍候一分钟再试。" in response.get_data(as_text=True)


def test_sign_out_revokes_the_session_and_is_audited(login_as, make):
    user = make.applicant()
    c = login_as(user)
    response = c.post("/account/sign-out", headers=EN)
    assert (response.status_code, response.headers["Location"]) == (302, "/")
    assert flashes(c.get("/", headers=EN)) == ["You have signed out."]
    assert c.get("/applicant/").status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(UserSession.revoked_at)) is not None
    assert audit_actions()[-1] == ("auth.sign_out", "success")


def test_sign_out_needs_post(login_as, make):
    c = login_as(make.applicant())
    assert c.get("/account/sign-out").status_code == 405
    assert c.get("/applicant/").status_code == 200


def test_change_password_then_sign_in_with_new_one(login_as, make, client):
    user = make.province()
    c = login_as(user)
    response = c.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "Another-Secret-77",
        "new_password_confirm": "Another-Secret-77"}, headers=EN)
    assert (response.status_code, response.headers["Location"]) == (302, "/province/")
    assert sign_in(client, user.username).status_code == 200
    assert sign_in(client, user.username, "Another-Secret-77").status_code == 302
    assert ("auth.password_change", "success") in audit_actions()


def test_change_password_signs_out_other_sessions_only(login_as, make):
    user = make.expert()
    here, elsewhere = login_as(user), login_as(user)
    here.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "Another-Secret-77",
        "new_password_confirm": "Another-Secret-77"})
    assert (here.get("/expert/").status_code, elsewhere.get("/expert/").status_code) == (200, 302)


def test_change_password_wrong_current_refused_and_audited(login_as, make):
    c = login_as(make.expert())
    response = c.post("/account/password", data={
        "current_password": "Not-The-Password-1", "new_password": "Another-Secret-77",
        "new_password_confirm": "Another-Secret-77"}, headers=EN)
    assert field_error(response, "current_password") == "The current password is wrong."
    assert audit_actions()[-1] == ("auth.password_change", "failure")


@pytest.mark.parametrize("new, message", [
    ("short-1A", "The password must be at least 10 characters long."),
    (PASSWORD, "The new password must differ from the current one."),
])
def test_change_password_bad_new_password_refused(login_as, make, new, message):
    user = make.expert()
    before = user.password_hash
    c = login_as(user)
    response = c.post("/account/password", data={
        "current_password": PASSWORD, "new_password": new, "new_password_confirm": new},
        headers=EN)
    assert field_error(response, "new_password") == message
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == before
