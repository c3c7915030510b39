"""Defects 1 and 3 of issue 14, through the real forms: no open redirect after sign-in, and
guesses at the current password on the password page count toward the lockout and are
rate-limited like sign-in."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from smplatform.extensions import db, limiter
from smplatform.models import Notification, User
from smplatform.web import safe_next
from tests.support.factories import PASSWORD
from tests.support.helpers import EN, audit_actions, field_error

T0 = datetime(2023, 4, 1, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize("target", [
    "/%09/evil.example", "/\t/evil.example", "/\n/evil.example", "/ /evil.example",
    "/\r\n/evil.example/x", "//evil.example", "/\\evil.example", "\\/evil.example",
    "https://evil.example/", "javascript:alert(1)", "/\x00/evil.example",
    "\u2028//evil.example"])
def test_sign_in_never_redirects_off_site(client, make, target):
    user = make.applicant()
    response = client.post("/account/sign-in", query_string={"next": target},
                           data={"username": user.username, "password": PASSWORD})
    assert response.headers["Location"] == "/applicant/"


def test_the_reported_redirect(client, make):
    """`/account/sign-in?next=/%09/evil.example` answered `Location: //evil.example`."""
    user = make.applicant()
    response = client.post("/account/sign-in?next=/%09/evil.example",
                           data={"username": user.username, "password": PASSWORD})
    assert (response.status_code, response.headers["Location"]) == (302, "/applicant/")


def test_same_site_next_is_followed(client, make):
    user = make.applicant()
    response = client.post("/account/sign-in?next=/applicant/evaluation?x=1",
                           data={"username": user.username, "password": PASSWORD})
    assert response.headers["Location"] == "/applicant/evaluation?x=1"
    assert (safe_next("/a b"), safe_next("/a\tb")) == ("/ab", "/ab")


def _change(client, current, new="Brand-New-Pass-77"):
    return client.post("/account/password", headers=EN, data={
        "current_password": current, "new_password": new, "new_password_confirm": new})


def test_wrong_current_passwords_lock_the_account_and_end_its_sessions(make, login_as,
                                                                         clock):
    clock.set(T0)
    user = make.applicant()
    client = login_as(user)
    for attempt in range(4):
        response = _change(client, f"Wrong-Guess-{attempt}")
        assert field_error(response, "current_password") == "The current password is wrong."
    locked = _change(client, "Wrong-Guess-5")
    assert "the account is locked for 15 minutes" in locked.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).locked_until == T0 + timedelta(minutes=15)
    # The session that guessed is over, and sign-in is refused until the lock ends.
    assert client.get("/account/password").status_code == 302
    again = client.post("/account/sign-in", headers=EN,
                        data={"username": user.username, "password": PASSWORD})
    assert "account is locked" in field_error(again, "password")
    assert audit_actions().count(("auth.lockout", "failure")) == 1
    # The holder is told (in the application and by e-mail).
    keys = db.session.scalars(select(Notification.key).where(
        Notification.user_id == user.id)).all()
    assert keys == ["security.lockout"]


def test_failures_on_both_pages_add_up(make, login_as, client, clock):
    clock.set(T0)
    user = make.applicant()
    signed_in = login_as(user)
    for _ in range(3):
        client.post("/account/sign-in", data={"username": user.username, "password": "nope"})
    for _ in range(2):
        _change(signed_in, "Wrong-Guess")
    db.session.expire_all()
    assert db.session.get(User, user.id).locked_until == T0 + timedelta(minutes=15)


def test_the_password_page_is_rate_limited_like_sign_in(app, make, login_as):
    app.config["RATELIMIT_SIGN_IN"] = "3 per minute"
    limiter.reset()
    client = login_as(make.applicant())
    statuses = [_change(client, f"Wrong-{n}").status_code for n in range(4)]
    assert statuses == [200, 200, 200, 429]
