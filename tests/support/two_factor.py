"""Passing the second step of signing in, in tests, as a user with the authenticator app.

The code is computed from the secret the account enrolled (pyotp, at the time the server sees:
the `clock` fixture's when set). A time step is accepted only once (RFC 6238 §5.2), and tests
sign the same account in many times a second: before each sign-in the helper forgets the
account's last accepted step, as if the next 30-second step had come. The server's check is
the production one; only this marker is reset.
"""
from __future__ import annotations

import pyotp
from sqlalchemy import select

from smplatform import clock
from smplatform.extensions import db
from smplatform.models import User

CODE_PAGE = "/account/sign-in/code"
ENROL_PAGE = "/account/sign-in/enrol"


def fresh_code(username: str) -> str:
    """The account's current code, its replay marker reset (commits)."""
    db.session.expire_all()
    user = db.session.scalar(select(User).where(User.username == username))
    user.totp_last_step = None
    secret = user.totp_secret
    db.session.commit()
    return pyotp.TOTP(secret).at(clock.now())


def enrol(user: User, secret: str | None = None) -> str:
    """Enrol the account directly (as the demo seed does); returns the secret (commits)."""
    user.totp_secret = secret or pyotp.random_base32()
    user.totp_confirmed_at = clock.now()
    user.totp_last_step = None
    db.session.commit()
    return user.totp_secret


def pass_second_step(client, response, username: str):
    """After the password's answer: if it leads to the code page, enter the code."""
    if response.status_code in (302, 303) and response.headers.get("Location") == CODE_PAGE:
        return client.post(CODE_PAGE, data={"code": fresh_code(username)})
    return response


def browser_second_step(page, username: str) -> None:
    """In a browser, after the password: enter the code when the code page shows."""
    page.wait_for_load_state()
    if page.url.split("?")[0].endswith(CODE_PAGE):
        page.fill("input[name=code]", fresh_code(username))
        page.click("main button[type=submit]")
        page.wait_for_load_state()
