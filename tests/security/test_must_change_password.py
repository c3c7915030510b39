"""A password set by someone else must be changed at the next sign-in (issue 14)."""
from __future__ import annotations

from sqlalchemy import select

from smplatform.enums import Role
from smplatform.extensions import db
from smplatform.models import User
from smplatform.services import accounts
from tests.support.helpers import EN
from tests.support.two_factor import enrol, pass_second_step

TEMPORARY = "Temporary-Pass-2024"


def _staff(role=Role.PROVINCE):
    user = accounts.create_staff_user(actor=None, username="officer-temp",
                                      display_name="临时 密码", email="t@example.gov.cn",
                                      role=role, password=TEMPORARY, unit_code="440000")
    db.session.commit()
    enrol(user)  # the second factor is set up; the password is still someone else's
    return user


def _sign_in(client):
    response = client.post("/account/sign-in", headers=EN,
                           data={"username": "officer-temp", "password": TEMPORARY})
    return pass_second_step(client, response, "officer-temp")


def test_created_accounts_must_change_their_password(client):
    assert _staff().must_change_password is True
    _sign_in(client)
    response = client.get("/province/", headers=EN)
    assert (response.status_code, response.headers["Location"]) == (303, "/account/password")
    htmx = client.get("/province/", headers={"HX-Request": "true"})
    assert htmx.headers["HX-Redirect"] == "/account/password"
    page = client.get("/account/password", headers=EN).get_data(as_text=True)
    assert "Choose your own password to continue." in page
    # Public pages and sign-out stay open.
    assert client.get("/registry").status_code == 200


def test_after_changing_it_the_user_goes_on(client):
    _staff()
    _sign_in(client)
    response = client.post("/account/password", headers=EN, data={
        "current_password": TEMPORARY, "new_password": "My-Own-Choice-88",
        "new_password_confirm": "My-Own-Choice-88"})
    assert response.status_code in (302, 303)
    assert client.get("/province/").status_code == 200
    db.session.expire_all()
    assert db.session.scalar(select(User.must_change_password).where(
        User.username == "officer-temp")) is False


def test_the_cli_sets_a_password_that_must_be_changed(app):
    result = app.test_cli_runner().invoke(args=[
        "create-user", "--username", "cli-officer", "--name", "命令 行", "--email",
        "c@example.gov.cn", "--role", "province", "--unit", "440000", "--password",
        "Cli-Password-2024"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User.must_change_password).where(
        User.username == "cli-officer")) is True
