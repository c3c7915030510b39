"""Server-side sessions: idle and absolute expiry, copied cookies after sign-out, cookie flags,
and CSRF on every state-changing request (htmx included)."""
from __future__ import annotations

from datetime import datetime, timedelta, UTC

from sqlalchemy import select

from smplatform.extensions import db
from smplatform.models import User, UserSession
from tests.support.clients import CSRF_RE
from tests.support.factories import PASSWORD
from tests.support.helpers import audit_actions, count

T0 = datetime(2023, 4, 1, 0, 0, tzinfo=UTC)


def test_session_expires_after_30_idle_minutes(login_as, make, clock):
    clock.set(T0)
    c = login_as(make.applicant())
    clock.set(T0 + timedelta(minutes=29))
    assert c.get("/applicant/").status_code == 200  # activity moves the idle limit on
    clock.set(T0 + timedelta(minutes=29 + 30))
    assert c.get("/applicant/").status_code == 200
    clock.set(T0 + timedelta(minutes=29 + 30 + 31))
    response = c.get("/applicant/")
    assert (response.status_code, response.headers["Location"]) == (
        302, "/account/sign-in?next=%2Fapplicant%2F")


def test_session_expires_after_12_hours_even_when_active(login_as, make, clock):
    clock.set(T0)
    c = login_as(make.province())
    statuses = []
    for step in range(1, 31):  # a request every 25 minutes: never idle
        clock.set(T0 + timedelta(minutes=25 * step))
        statuses.append((step * 25 <= 12 * 60, c.get("/province/").status_code))
    assert statuses == [(within, 200 if within else 302) for within, _ in statuses]
    assert statuses[-1] == (False, 302)


def test_idle_and_absolute_limits_are_configurable(login_as, make, clock, app):
    app.config["SESSION_IDLE_TIMEOUT"] = timedelta(minutes=5)
    clock.set(T0)
    c = login_as(make.expert())
    clock.set(T0 + timedelta(minutes=6))
    assert c.get("/expert/").status_code == 302


def test_sign_out_invalidates_a_copied_cookie(login_as, make, app):
    c = login_as(make.applicant())
    stolen = c.get_cookie("smp_session").value
    c.post("/account/sign-out")
    thief = app.test_client()
    thief.set_cookie("smp_session", stolen)
    response = thief.get("/applicant/")
    assert response.status_code == 302


def test_copied_cookie_works_until_sign_out(login_as, make, app):
    """The control for the test above: the copy is a real session while it lasts."""
    c = login_as(make.applicant())
    copy = app.test_client()
    copy.set_cookie("smp_session", c.get_cookie("smp_session").value)
    assert copy.get("/applicant/").status_code == 200


def test_every_sign_in_opens_a_new_server_session(login_as, make):
    user = make.expert()
    first, second = login_as(user), login_as(user)
    assert count(UserSession) == 2
    assert first.get_cookie("smp_session").value != second.get_cookie("smp_session").value


def test_sign_in_replaces_the_anonymous_session(client, make):
    """Whatever an attacker planted in the session before sign-in does not survive it."""
    user = make.expert()
    client.get("/account/sign-in")
    with client.session_transaction() as sess:
        sess["planted"] = "by-attacker"
    client.post("/account/sign-in", data={"username": user.username, "password": PASSWORD})
    with client.session_transaction() as sess:
        assert "planted" not in sess


def test_session_cookie_flags(client, make):
    user = make.applicant()
    response = client.post("/account/sign-in", data={"username": user.username,
                                                      "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert ("HttpOnly" in cookie, "SameSite=Lax" in cookie, "Secure" in cookie) == (
        True, True, False)


def test_disabling_an_account_ends_its_sessions(login_as, make):
    user = make.expert()
    c = login_as(user)
    admin = login_as(make.system_admin())
    admin.post(f"/admin/users/{user.id}/active", data={"active": "0"})
    assert c.get("/expert/").status_code == 302


# CSRF --------------------------------------------------------------------------------------

def test_csrf_missing_on_sign_in_refused(client, make):
    user = make.applicant()
    response = client.post("/account/sign-in", csrf=False,
                           data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 400
    assert count(UserSession) == 0


def test_csrf_missing_on_registration_refused(client):
    from tests.support.registration import form
    response = client.post("/account/register", data=form(), csrf=False)
    assert response.status_code == 400
    assert count(User) == 0


def test_csrf_missing_on_password_change_refused(login_as, make):
    user = make.expert()
    c = login_as(user)
    response = c.post("/account/password", csrf=False, data={
        "current_password": PASSWORD, "new_password": "Another-Secret-77",
        "new_password_confirm": "Another-Secret-77"})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == user.password_hash


def test_csrf_missing_on_sign_out_refused(login_as, make):
    c = login_as(make.applicant())
    assert c.post("/account/sign-out", csrf=False).status_code == 400
    assert c.get("/applicant/").status_code == 200
    assert audit_actions()[-1] == ("auth.sign_in", "success")


def test_csrf_wrong_token_refused(client):
    response = client.post("/language", data={"lang": "en", "csrf_token": "forged"})
    assert response.status_code == 400
    assert '<html lang="zh-CN">' in client.get("/").get_data(as_text=True)


def test_csrf_error_page_is_translated(client):
    response = client.post("/language", data={"lang": "en"}, csrf=False,
                           headers={"Accept-Language": "en"})
    assert "The form expired or did not come from this site." in response.get_data(as_text=True)


def test_csrf_htmx_header_token_accepted(client):
    page = client.get("/").get_data(as_text=True)
    token = CSRF_RE.search(page).group(1)
    response = client.post("/language", data={"lang": "en"}, csrf=False,
                           headers={"X-CSRFToken": token, "HX-Request": "true"})
    assert response.status_code == 302
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


def test_csrf_htmx_without_header_refused(client):
    response = client.post("/language", data={"lang": "en"}, csrf=False,
                           headers={"HX-Request": "true"})
    assert response.status_code == 400


def test_csrf_token_is_on_body_for_htmx(client):
    page = client.get("/").get_data(as_text=True)
    assert '<body hx-headers=\'{"X-CSRFToken": "' in page


def test_session_rows_hold_only_token_hashes(login_as, make):
    c = login_as(make.applicant())
    cookie = c.get_cookie("smp_session").value
    stored = db.session.scalar(select(UserSession.token_hash))
    assert (len(stored), stored in cookie) == (64, False)
