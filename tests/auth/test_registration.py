"""Registering an applicant organisation through the form, with every kind of bad input."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from smplatform.extensions import db
from smplatform.models import Organisation, User
from tests.support.factories import credit_code
from tests.support.helpers import EN, audit_actions, count, field_error, flashes
from tests.support.registration import GOOD_CODE, form





def register(client, **overrides):
    return client.post("/account/register", data=form(**overrides), headers=EN)


def test_register_enterprise_creates_organisation_and_admin(client):
    response = register(client)
    # Registration signs the new administrator in (issue 16, item 7).
    assert (response.status_code, response.headers["Location"]) == (302, "/applicant/")
    org = db.session.scalar(select(Organisation))
    user = db.session.scalar(select(User))
    assert (org.credit_code, org.unit_code, org.city_code, org.org_type) == (
        GOOD_CODE, "440000", None, "enterprise")
    assert (user.username, user.role, user.is_org_admin, user.organisation_id) == (
        "gz-equipment", "applicant", True, org.id)
    assert user.password_hash.startswith("$argon2id$")
    assert audit_actions() == [("organisation.register", "success"), ("auth.sign_in", "success")]
    assert "广州示范装备制造股份有限公司" in client.get("/applicant/", headers=EN).get_data(
        as_text=True)


def test_register_then_sign_in_lands_on_applicant_dashboard(client):
    register(client)
    response = client.post("/account/sign-in", data={"username": "gz-equipment",
                                                      "password": "Correct-Horse-42"})
    assert response.headers["Location"] == "/applicant/"
    page = client.get("/applicant/", headers=EN).get_data(as_text=True)
    assert "广州示范装备制造股份有限公司" in page


def test_register_success_flash_in_chinese_by_default(client):
    client.post("/account/register", data=form())
    response = client.get("/applicant/")
    assert flashes(response) == ["单位注册成功，您已登录。现在可以开始申报，或在“账户”中添加同事。"]


def test_register_wrong_check_character_refused(client):
    response = register(client, credit_code="91350100M000100Y44")
    assert response.status_code == 400
    assert field_error(response, "credit_code") == (
        "This unified social credit code is not valid: its last character does not match the "
        "check character. Please copy it again from the business licence.")
    assert count(Organisation) == 0


def test_register_wrong_check_character_message_in_chinese(client):
    response = client.post("/account/register", data=form(credit_code="91350100M000100Y44"))
    assert field_error(response, "credit_code") == (
        "该统一社会信用代码无效：最后一位与校验码不符。请对照营业执照重新填写。")


@pytest.mark.parametrize("code, n", [("91350100M000100Y4", 17), ("91350100M000100Y433", 19)])
def test_register_wrong_length_refused(client, code, n):
    response = register(client, credit_code=code)
    assert field_error(response, "credit_code") == (
        f"A unified social credit code has 18 characters; this one has {n}.")
    assert count(Organisation) == 0


def test_register_forbidden_letter_refused(client):
    response = register(client, credit_code="91350100M000100YO3")
    assert field_error(response, "credit_code") == (
        "A unified social credit code uses only digits and capital letters other than "
        "I, O, S, V and Z.")


def test_register_normalises_lower_case_and_spaces(client):
    response = register(client, credit_code=" 9135 0100 m000 100y43 ")
    assert response.status_code == 302
    assert db.session.scalar(select(Organisation.credit_code)) == GOOD_CODE


def test_register_duplicate_code_refused_even_written_differently(client):
    register(client)
    client.post("/account/sign-out")
    response = register(client, credit_code="91350100m000100y43", username="other-user")
    assert field_error(response, "credit_code") == (
        "An organisation with this unified social credit code is already registered. Ask its "
        "administrator (who registered it) to add you: My organisation → Accounts.")
    assert (count(Organisation), count(User)) == (1, 1)


def test_register_duplicate_username_refused_ignoring_case(client):
    register(client)
    client.post("/account/sign-out")
    response = register(client, credit_code=credit_code(), username="GZ-Equipment")
    assert field_error(response, "username") == "This user name is taken. Choose another."
    assert count(Organisation) == 1


@pytest.mark.parametrize("password, message", [
    ("Short-1a", "The password must be at least 10 characters long."),
    ("onlylowercaseletters", "The password must mix at least 3 of: lower-case letters, "
                             "upper-case letters, digits and symbols."),
    ("Password123!", "This password is too common and easy to guess. Choose another."),
    ("gz-equipment-2023A", "The password must not contain the user name."),
])
def test_register_weak_password_refused(client, password, message):
    response = register(client, password=password, password_confirm=password)
    assert field_error(response, "password") == message
    assert count(User) == 0


def test_register_passwords_differ_refused(client):
    response = register(client, password_confirm="Correct-Horse-43")
    assert field_error(response, "password_confirm") == "The two passwords differ."
    assert count(User) == 0


def test_register_city_department_with_its_city(client):
    response = register(client, org_type="city_department", name="佛山市工业和信息化局",
                        city_code="440600")
    assert response.status_code == 302
    org = db.session.scalar(select(Organisation))
    assert (org.unit_code, org.city_code) == ("440000", "440600")


def test_register_city_of_another_unit_refused(client):
    response = register(client, org_type="city_department", city_code="330100")
    assert field_error(response, "city_code") == (
        "Choose a city of the selected provincial-level unit.")
    assert count(Organisation) == 0


def test_register_planned_city_is_not_a_city_of_its_province(client):
    """Shenzhen belongs to its own unit (440300), not to Guangdong (440000)."""
    response = register(client, org_type="city_department", city_code="440300")
    assert field_error(response, "city_code") == (
        "Choose a city of the selected provincial-level unit.")


def test_register_city_department_without_city_refused(client):
    response = register(client, org_type="city_department", city_code="")
    assert field_error(response, "city_code") == "A city department must choose its city."
    assert count(Organisation) == 0


def test_register_planned_city_applicant_belongs_to_planned_city_unit(client):
    response = register(client, unit_code="440300", name="深圳共享智造平台科技有限公司",
                        org_type="platform_operator", credit_code="91440300708461136T")
    assert response.status_code == 302
    org = db.session.scalar(select(Organisation))
    assert (org.unit_code, org.unit.kind) == ("440300", "planned_city")


def test_register_planned_city_department(client):
    response = register(client, unit_code="440300", org_type="city_department",
                        name="深圳市工业和信息化局", city_code="440300")
    assert response.status_code == 302
    org = db.session.scalar(select(Organisation))
    assert (org.unit_code, org.city_code) == ("440300", "440300")


def test_register_enterprise_city_is_kept(client):
    """An enterprise may name its prefecture-level city (the city's initial review reaches it
    when its province turns that tier on); none is fine too."""
    register(client, city_code="440600")
    assert db.session.scalar(select(Organisation.city_code)) == "440600"


def test_register_enterprise_city_of_another_unit_refused(client):
    register(client, city_code="330100")
    assert count(Organisation) == 0


def test_register_unknown_unit_refused(client):
    response = register(client, unit_code="999999")
    assert field_error(response, "unit_code") == "Not a valid choice."
    assert count(Organisation) == 0


@pytest.mark.parametrize("field, value, message", [
    ("contact_mobile", "1380013800", "Enter an 11-digit mainland mobile number, e.g. 13800138000."),
    ("contact_email", "not-an-email", "Enter a valid e-mail address."),
    ("username", "a b", "Use 3 to 64 letters, digits, dots, hyphens or underscores, starting "
                        "with a letter or digit."),
    ("name", "", "This field is required."),
])
def test_register_bad_contact_details_refused(client, field, value, message):
    response = register(client, **{field: value})
    assert field_error(response, field) == message
    assert count(Organisation) == 0


def test_register_form_lists_37_units_and_marks_planned_cities(client):
    page = client.get("/account/register", headers=EN).get_data(as_text=True)
    select_html = page.split('id="unit_code"')[1].split("</select>")[0]
    assert select_html.count("<option") == 38  # "Choose…" and 37 units
    assert "Shenzhen (City separately listed in the plan)" in select_html


def test_register_city_options_for_a_unit(client):
    response = client.get("/account/register/cities?unit_code=440300", headers=EN)
    assert response.get_data(as_text=True).count("<option") == 2
    assert 'value="440300"' in response.get_data(as_text=True)


def test_register_rerender_keeps_city_choices_of_chosen_unit(client):
    response = register(client, org_type="city_department", city_code="", unit_code="330000")
    page = response.get_data(as_text=True)
    city_select = page.split('id="city_code"')[1].split("</select>")[0]
    assert ('value="330100"' in city_select, 'value="440600"' in city_select) == (True, False)


def test_register_password_hint_follows_the_configured_policy(client, app):
    app.config["PASSWORD_MIN_LENGTH"] = 14
    html = client.get("/account/register", headers=EN).get_data(as_text=True)
    assert "At least 14 characters, mixing 3 of: lower-case, upper-case, digits, symbols." in html
    response = register(client, password="Correct-Hor-4", password_confirm="Correct-Hor-4")
    assert field_error(response, "password") == "The password must be at least 14 characters long."


def test_every_problem_shown_in_one_round(client):
    """The form's checks and the registration's rules, all in the first answer."""
    register(client)
    client.post("/account/sign-out")
    response = register(client, credit_code="91350100M000100Y44", username="GZ-equipment",
                        password="Short-1a", password_confirm="Short-1b",
                        contact_mobile="12", org_type="city_department", city_code="")
    assert response.status_code == 400
    assert {f: field_error(response, f) for f in (
        "credit_code", "username", "password", "password_confirm", "contact_mobile",
        "city_code")} == {
        "credit_code": "This unified social credit code is not valid: its last character does "
                       "not match the check character. Please copy it again from the business "
                       "licence.",
        "username": "This user name is taken. Choose another.",
        "password": "The password must be at least 10 characters long.",
        "password_confirm": "The two passwords differ.",
        "contact_mobile": "Enter an 11-digit mainland mobile number, e.g. 13800138000.",
        "city_code": "A city department must choose its city."}
    assert count(Organisation) == 1
