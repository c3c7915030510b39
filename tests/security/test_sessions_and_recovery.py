"""Sessions (the account page lists and ends them, a limit for privileged roles, a notice on
a new device), re-authentication before sensitive actions, password expiry per role, and
password recovery by e-mail against a real SMTP server (aiosmtpd)."""
from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from smplatform.extensions import db
from smplatform.models import AuditEntry, Notification, OutboxEmail, PasswordReset, User
from smplatform.services.notifications import deliver_outbox
from tests.support.factories import PASSWORD
from tests.support.helpers import EN, field_error, flashes
from tests.services.test_outbox_backoff import smtp  # noqa: F401  (fixture)
from tests.support.two_factor import pass_second_step

T0 = datetime(2024, 5, 6, 2, 0, tzinfo=UTC)
UA = {"User-Agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
                    "(KHTML, like Gecko) Chrome/120.0 Safari/537.36"}


def _body(mail) -> str:
    return mail.get_payload(decode=True).decode("utf-8")


def _link(mail) -> str:
    return __import__("re").search(r"http://localhost(/account/reset/[\w-]+)",
                                   _body(mail)).group(1)


def _keys(user):
    return db.session.scalars(select(Notification.key).where(
        Notification.user_id == user.id).order_by(Notification.id)).all()


# --------------------------------------------------------------------------- sessions


def test_account_page_lists_sessions_and_ends_another(make, login_as, app):
    user = make.applicant()
    phone = login_as(user)
    desk = app.test_client()
    desk.post("/account/sign-in", headers=UA, data={"username": user.username,
                                                    "password": PASSWORD})
    page = desk.get("/account/", headers=EN).get_data(as_text=True)
    assert ("Chrome · Windows" in page, "127.0.0.1" in page, "This session" in page,
            page.count("End this session")) == (True, True, True, 1)
    other = re.search(r'name="session" value="([0-9a-f]{64})"', page).group(1)
    desk.post("/account/sessions/end", data={"session": other})
    assert (phone.get("/applicant/").status_code, desk.get("/applicant/").status_code) == (
        302, 200)
    assert "auth.session_end" in db.session.scalars(select(AuditEntry.action)).all()


def test_nobody_ends_anothers_session(make, login_as):
    victim = make.applicant()
    login_as(victim)
    from smplatform.models import UserSession
    token_hash = db.session.scalar(select(UserSession.token_hash).where(
        UserSession.user_id == victim.id))
    attacker = login_as(make.applicant())
    attacker.post("/account/sessions/end", data={"session": token_hash})
    assert db.session.scalar(select(UserSession.revoked_at).where(
        UserSession.token_hash == token_hash)) is None


def test_privileged_roles_keep_at_most_the_session_limit(make, login_as, app):
    app.config["SESSION_LIMIT_PRIVILEGED"] = 2
    user = make.ministry()
    first, second, third = (login_as(user) for _ in range(3))
    assert [c.get("/ministry/").status_code for c in (first, second, third)] == [302, 200, 200]
    applicant = make.applicant()
    many = [login_as(applicant) for _ in range(4)]
    assert [c.get("/applicant/").status_code for c in many] == [200] * 4


def test_a_sign_in_from_a_new_device_is_noticed(make, app, smtp):  # noqa: F811
    user = make.applicant()
    browser = app.test_client()

    def sign_in(client):
        client.post("/account/sign-in", headers=UA,
                    data={"username": user.username, "password": PASSWORD})
    sign_in(browser)            # the first sign-in: nothing to compare with
    sign_in(browser)            # the same device (its cookie): no notice
    assert _keys(user) == []
    def sign_in_elsewhere():
        app.test_client().post("/account/sign-in", headers=UA,
                               data={"username": user.username, "password": PASSWORD})
    sign_in_elsewhere()  # another device (no device cookie yet)
    assert _keys(user) == ["security.new_device"]
    deliver_outbox()
    db.session.commit()  # the test's session ends its transaction (SQLite: one writer)
    [mail] = smtp.messages
    assert ("Chrome · Windows" in _body(mail), mail["To"]) == (True, user.email)


# ------------------------------------------------------------------- re-authentication


def test_sensitive_actions_need_a_recent_proof_of_identity(make, login_as, clock):
    clock.set(T0)
    target = make.expert()
    admin = make.system_admin()
    c = login_as(admin)
    clock.advance(minutes=16)
    c.get("/admin/users")  # keeps the session alive; the proof is older than 15 minutes
    response = c.post(f"/admin/users/{target.id}/active", data={"active": "0"},
                      headers={**EN, "Referer": "http://localhost/admin/users"})
    assert (response.status_code, response.headers["Location"]) == (
        303, "/account/confirm?next=/admin/users")
    db.session.expire_all()
    assert db.session.get(User, target.id).active is True
    wrong = c.post("/account/confirm?next=/admin/users", headers=EN,
                   data={"password": "nope", "code": ""})
    assert field_error(wrong, "password") == "The password is wrong."
    from tests.support.two_factor import fresh_code
    done = c.post("/account/confirm?next=/admin/users", headers=EN,
                  data={"password": PASSWORD, "code": fresh_code(admin.username)})
    assert done.headers["Location"] == "/admin/users"
    c.post(f"/admin/users/{target.id}/active", data={"active": "0"})
    db.session.expire_all()
    assert db.session.get(User, target.id).active is False


def test_publication_and_batches_ask_for_it_too(make, login_as, clock):
    from tests.support import selection as helpers
    clock.set(T0)
    batch = helpers.make_batch()
    c = login_as(make.ministry())
    clock.advance(minutes=20)
    c.get("/ministry/")
    paths = [f"/ministry/batches/{batch.id}/{p}" for p in ("publish", "close", "quotas")]
    answers = [c.post(p) for p in paths]
    assert [(a.status_code, a.headers["Location"].split("?")[0]) for a in answers] == [
        (303, "/account/confirm")] * 3


def test_confirming_needs_the_code_when_the_account_has_one(make, login_as, clock):
    clock.set(T0)
    user = make.ministry()
    c = login_as(user)
    response = c.post("/account/confirm", headers=EN, data={"password": PASSWORD, "code": ""})
    assert "That code is not right" in field_error(response, "code")


# ------------------------------------------------------------------- password expiry


def test_privileged_passwords_expire_after_90_days_applicants_never(make, login_as, clock):
    clock.set(T0)
    officer = make.province("440000")
    applicant = make.applicant()
    clock.advance(days=91)
    c = login_as(officer)
    response = c.get("/province/", headers=EN)
    assert response.headers["Location"] == "/account/password"
    assert flashes(c.get("/account/password", headers=EN)) == [
        "Your password is older than 90 days. Choose a new one to continue."]
    assert login_as(applicant).get("/applicant/").status_code == 200


# ---------------------------------------------------------------- password recovery


def _forgot(client, identifier):
    return client.post("/account/forgot", headers=EN, data={"identifier": identifier})


def test_the_answer_is_the_same_whether_or_not_the_account_exists(client, make):
    make.applicant(username="real-user")
    known = _forgot(client, "real-user")
    unknown = _forgot(client, "nobody-at-all")
    assert (known.status_code, known.headers["Location"]) == (
        unknown.status_code, unknown.headers["Location"])
    texts = [flashes(client.get("/account/sign-in", headers=EN)) for _ in range(1)]
    assert texts[0][0].startswith("If an account has this user name or e-mail address")
    assert db.session.query(OutboxEmail).count() == 1


def test_reset_link_by_e_mail_works_once_and_signs_out_everywhere(client, make, login_as, app,
                                                                  smtp, clock):  # noqa: F811
    clock.set(T0)
    user = make.applicant()
    old_session = login_as(user)
    _forgot(client, user.email.upper())  # the address, found by its blind index
    assert deliver_outbox() == (1, 0)
    db.session.commit()
    [mail] = smtp.messages
    link = _link(mail)
    token = link.rsplit("/", 1)[1]
    stored = db.session.scalar(select(PasswordReset.token_hash))
    assert (token in stored, len(stored), mail["To"]) == (False, 64, user.email)
    assert client.get(link).status_code == 200
    done = client.post(link, headers=EN, data={"new_password": "Fresh-Start-2024",
                                                "new_password_confirm": "Fresh-Start-2024"})
    assert done.headers["Location"] == "/account/sign-in"
    assert old_session.get("/applicant/").status_code == 302
    assert client.get(link).status_code == 404  # used
    again = client.post("/account/sign-in", data={"username": user.username,
                                                  "password": "Fresh-Start-2024"})
    assert again.headers["Location"] == "/applicant/"
    assert "security.password_changed" in _keys(user)


def test_reset_link_expires_after_30_minutes(client, make, smtp, clock):  # noqa: F811
    clock.set(T0)
    user = make.applicant()
    _forgot(client, user.username)
    deliver_outbox()
    db.session.commit()  # the test's session ends its transaction (SQLite: one writer)
    link = _link(smtp.messages[0])
    clock.advance(minutes=31)
    assert client.get(link).status_code == 404


def test_reset_keeps_the_second_factor(client, make, smtp, clock):  # noqa: F811
    clock.set(T0)
    user = make.expert()
    _forgot(client, user.username)
    deliver_outbox()
    db.session.commit()  # the test's session ends its transaction (SQLite: one writer)
    link = _link(smtp.messages[0])
    client.post(link, data={"new_password": "Fresh-Start-2024",
                            "new_password_confirm": "Fresh-Start-2024"})
    response = client.post("/account/sign-in", data={"username": user.username,
                                                      "password": "Fresh-Start-2024"})
    assert response.headers["Location"] == "/account/sign-in/code"
    assert pass_second_step(client, response, user.username).headers["Location"] == "/expert/"


def test_reset_refuses_a_weak_password(client, make, smtp, clock):  # noqa: F811
    clock.set(T0)
    user = make.applicant()
    _forgot(client, user.username)
    deliver_outbox()
    db.session.commit()  # the test's session ends its transaction (SQLite: one writer)
    link = _link(smtp.messages[0])
    response = client.post(link, headers=EN, data={"new_password": "short",
                                                   "new_password_confirm": "short"})
    assert field_error(response, "new_password") == (
        "The password must be at least 10 characters long.")


@pytest.mark.parametrize("path", ["/account/forgot", "/account/reset/x"])
def test_recovery_posts_are_rate_limited(app, client, path):
    from smplatform.extensions import limiter
    app.config["RATELIMIT_SIGN_IN"] = "2 per minute"
    limiter.reset()
    statuses = [client.post(path, data={"identifier": "x"}).status_code for _ in range(3)]
    assert statuses[-1] == 429
