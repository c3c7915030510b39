"""Two-factor sign-in (TOTP, RFC 6238) through the real forms: the second step, enrolment at
the first sign-in, recovery codes, replay and lockout, applicants' optional set-up, the
security administrator's reset, and notices."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from sqlalchemy import select

from smplatform.extensions import db
from smplatform.models import AuditEntry, Notification, RecoveryCode, User
from tests.support.factories import PASSWORD
from tests.support.helpers import EN, field_error
from tests.support.two_factor import fresh_code

T0 = datetime(2024, 5, 6, 2, 0, 10, tzinfo=UTC)


def _password(client, user, **kw):
    return client.post("/account/sign-in", headers=EN, data={"username": user.username,
                                                              "password": PASSWORD}, **kw)


def _code(client, code):
    return client.post("/account/sign-in/code", headers=EN, data={"code": code})


def _keys(user):
    return db.session.scalars(select(Notification.key).where(
        Notification.user_id == user.id).order_by(Notification.id)).all()


def test_staff_sign_in_needs_the_code(client, make, clock):
    clock.set(T0)
    user = make.province("440000")
    response = _password(client, user)
    assert response.headers["Location"] == "/account/sign-in/code"
    # The password alone opens nothing.
    assert client.get("/province/").status_code == 302
    page = client.get("/account/sign-in/code", headers=EN).get_data(as_text=True)
    main = page[page.index("<main"):page.index("</main>")]
    inputs = re.findall(r"<input[^>]*>", main)
    assert [re.search(r'name="(\w+)"', i).group(1) for i in inputs
            if 'type="hidden"' not in i] == ["code"]  # one input for the code
    done = _code(client, fresh_code(user.username))
    assert done.headers["Location"] == "/province/"
    assert client.get("/province/").status_code == 200


def test_a_wrong_code_is_refused_and_counts_toward_the_lockout(client, make, clock):
    clock.set(T0)
    user = make.expert()
    _password(client, user)
    for _ in range(4):
        wrong = _code(client, "000000")
        assert "That code is not right" in field_error(wrong, "code")
    locked = _code(client, "000001")
    assert "The account is locked" in field_error(locked, "code")
    db.session.expire_all()
    assert db.session.get(User, user.id).locked_until == T0 + timedelta(minutes=15)
    assert _keys(user) == ["security.lockout"]


def test_the_password_again_buys_no_fresh_guesses_at_the_code(client, make, clock):
    clock.set(T0)
    user = make.expert()
    _password(client, user)
    for _ in range(4):
        _code(client, "000000")
    _password(client, user)  # right again
    locked = _code(client, "000002")
    assert "The account is locked" in field_error(locked, "code")


def test_a_code_is_accepted_once(make, client, app, clock):
    clock.set(T0)
    user = make.ministry()
    code = fresh_code(user.username)
    _password(client, user)
    assert _code(client, code).status_code == 302
    other = app.test_client()
    _password(other, user)
    replay = _code(other, code)
    assert (replay.status_code, "That code is not right" in field_error(replay, "code")) == (
        200, True)


def test_codes_of_the_neighbouring_steps_are_accepted(make, client, clock):
    clock.set(T0)
    user = make.ministry()
    secret = db.session.get(User, user.id).totp_secret
    _password(client, user)
    earlier = pyotp.TOTP(secret).at(T0 - timedelta(seconds=30))
    assert _code(client, earlier).headers["Location"] == "/ministry/"


def test_the_pending_sign_in_expires(make, client, clock):
    clock.set(T0)
    user = make.expert()
    _password(client, user)
    clock.advance(minutes=6)
    response = _code(client, fresh_code(user.username))
    assert response.headers["Location"] == "/account/sign-in"


def test_first_sign_in_enrols_with_a_qr_code_and_shows_recovery_codes(make, client, clock):
    clock.set(T0)
    user = make.province("440000")
    db.session.get(User, user.id).totp_confirmed_at = None
    db.session.get(User, user.id).totp_secret = None
    db.session.commit()
    assert _password(client, user).headers["Location"] == "/account/sign-in/enrol"
    intro = client.get("/account/sign-in/enrol", headers=EN).get_data(as_text=True)
    assert "Show the QR code" in intro and "data:image/svg+xml" not in intro
    client.post("/account/sign-in/enrol/start")
    page = client.get("/account/sign-in/enrol", headers=EN).get_data(as_text=True)
    secret = re.search(r'<code class="secret" id="totp-secret">([A-Z2-7]+)</code>', page).group(1)
    assert 'src="data:image/svg+xml;base64,' in page
    wrong = client.post("/account/sign-in/enrol", headers=EN, data={"code": "123456"})
    assert wrong.status_code == 400
    shown = client.post("/account/sign-in/enrol", headers=EN,
                        data={"code": pyotp.TOTP(secret).at(T0)})
    codes = re.findall(r"<li><code>([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})</code>",
                       shown.get_data(as_text=True))
    assert (shown.status_code, len(codes)) == (200, 10)
    assert client.get("/province/").status_code == 200  # signed in
    stored = db.session.scalars(select(RecoveryCode.code_hash).where(
        RecoveryCode.user_id == user.id)).all()
    assert (len(stored), any(c.replace("-", "") in "".join(stored) for c in codes)) == (
        10, False)  # kept hashed
    assert "security.second_factor_changed" in _keys(user)


def test_a_recovery_code_works_once(make, client, app, login_as, clock):
    clock.set(T0)
    user = make.province("440000")
    signed_in = login_as(user)
    shown = signed_in.post("/account/two-factor/recovery-codes", headers=EN)
    codes = re.findall(r"<li><code>([^<]+)</code>", shown.get_data(as_text=True))
    _password(client, user)
    assert _code(client, codes[3].lower()).headers["Location"] == "/province/"
    again = app.test_client()
    _password(again, user)
    assert _code(again, codes[3]).status_code == 200  # used up
    assert ("auth.recovery_code_used" in db.session.scalars(select(AuditEntry.action)).all())


def test_applicants_sign_in_without_a_code_and_may_enrol(make, client, login_as, clock):
    clock.set(T0)
    applicant = make.applicant()
    assert _password(client, applicant).headers["Location"] == "/applicant/"
    own = login_as(applicant)
    own.post("/account/two-factor/start")
    page = own.get("/account/two-factor", headers=EN).get_data(as_text=True)
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)
    own.post("/account/two-factor", data={"code": pyotp.TOTP(secret).at(T0)})
    fresh = client.application.test_client()
    assert _password(fresh, applicant).headers["Location"] == "/account/sign-in/code"
    # An applicant may turn it off again (its role does not require it).
    own.post("/account/two-factor/disable")
    db.session.expire_all()
    assert db.session.get(User, applicant.id).has_two_factor is False


def test_staff_cannot_turn_it_off(login_as, make):
    user = make.expert()
    c = login_as(user)
    response = c.post("/account/two-factor/disable", headers=EN, follow_redirects=True)
    assert "Your role must sign in with a second factor." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).has_two_factor is True


def test_enforcement_per_role_is_a_setting(app, make, client):
    app.config["TWO_FACTOR_ROLES"] = ("ministry",)
    expert = make.expert()
    db.session.get(User, expert.id).totp_confirmed_at = None
    db.session.commit()
    assert _password(client, expert).headers["Location"] == "/expert/"


def test_the_security_admin_resets_a_lost_second_factor(make, login_as, client):
    user = make.expert()
    login_as(make.security_admin()).post(f"/admin/users/{user.id}/two-factor/reset")
    db.session.expire_all()
    assert (db.session.get(User, user.id).has_two_factor,
            _password(client, user).headers["Location"]) == (False, "/account/sign-in/enrol")
    assert _keys(user)[-1] == "security.second_factor_changed"


@pytest.mark.parametrize("role", ["ministry", "system_admin", "audit_admin"])
def test_only_the_security_admin_resets_it(make, login_as, role):
    user = make.expert()
    c = login_as(getattr(make, role)())
    assert c.post(f"/admin/users/{user.id}/two-factor/reset").status_code == 403
