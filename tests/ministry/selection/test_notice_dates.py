"""The public notice cannot be backdated or cut short, and the list is published only after it
ends; the ministry's page says so before anyone tries (issue 16, items 3 and 16)."""
import re
from datetime import datetime, UTC

import pytest
from sqlalchemy import select

from smplatform import create_app
from smplatform.enums import DeclarationState as S
from smplatform.extensions import db
from smplatform.models import PublicNotice
from tests.support import selection as helpers
from tests.support.helpers import english

# 2023-08-01 04:00 UTC is Tuesday 1 August, noon in China.
TUESDAY_NOON = datetime(2023, 8, 1, 4, tzinfo=UTC)


@pytest.fixture
def shortlisted(app, batch, clock):
    clock.set(TUESDAY_NOON)
    return helpers.declaration(batch, "330000", state=S.SHORTLISTED, name="浙江某制造有限公司")


def start(ministry, batch, starts_on, ends_on):
    return ministry.post(f"/ministry/batches/{batch.id}/notice",
                         data={"starts_on": starts_on, "ends_on": ends_on})


def notices():
    db.session.expire_all()
    return db.session.scalars(select(PublicNotice)).all()


def field_error(page: str, name: str) -> str:
    match = re.search(rf'id="{name}-error">(.*?)</p>', page, re.S)
    return match.group(1).strip() if match else ""


def test_backdated_notice_refused(shortlisted, ministry, batch):
    response = start(ministry, batch, "2023-07-31", "2023-08-07")
    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), "starts_on") == (
        "A public notice starts today (2023-08-01) or later; it cannot be backdated.")
    assert notices() == []


def test_notice_shorter_than_five_working_days_refused(shortlisted, ministry, batch):
    # Tuesday to Sunday: four working days.
    response = start(ministry, batch, "2023-08-01", "2023-08-06")
    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), "ends_on") == (
        "A public notice lasts at least 5 working days: starting on 2023-08-01, it can end "
        "on 2023-08-07 at the earliest.")
    assert notices() == []


def test_five_working_days_over_a_weekend_accepted(shortlisted, ministry, batch):
    assert start(ministry, batch, "2023-08-01", "2023-08-07").status_code == 302
    assert [(n.starts_on.isoformat(), n.ends_on.isoformat()) for n in notices()] == [
        ("2023-08-01", "2023-08-07")]


def test_listed_public_holiday_does_not_count(shortlisted, ministry, batch, app):
    app.config["PUBLIC_HOLIDAYS"] = "2023-08-03"
    response = start(ministry, batch, "2023-08-01", "2023-08-07")
    assert "it can end on 2023-08-08 at the earliest" in field_error(
        response.get_data(as_text=True), "ends_on")
    assert start(ministry, batch, "2023-08-01", "2023-08-08").status_code == 302


def test_minimum_is_a_setting(shortlisted, ministry, batch, app):
    app.config["NOTICE_MIN_WORKING_DAYS"] = 10
    response = start(ministry, batch, "2023-08-01", "2023-08-07")
    assert "at least 10 working days" in field_error(response.get_data(as_text=True),
                                                     "ends_on")


def test_page_states_the_rules_and_proposes_the_earliest_period(shortlisted, ministry, batch):
    page = ministry.get(f"/ministry/batches/{batch.id}/decisions").get_data(as_text=True)
    rules = re.search(r'id="notice-rules">(.*?)</p>', page, re.S).group(1)
    assert "starts today (2023-08-01) or later and lasts at least 5 working days" in rules
    assert "it can end on 2023-08-07 at the earliest" in rules
    assert re.search(r'id="starts_on"[^>]*min="2023-08-01"', page)
    assert re.search(r'id="ends_on"[^>]*value="2023-08-07"', page)


def test_publish_button_disabled_while_the_notice_runs(shortlisted, ministry, batch, clock,
                                                      minister, login_as):
    start(ministry, batch, "2023-08-01", "2023-08-07")
    clock.set(datetime(2023, 8, 7, 15, 59, tzinfo=UTC))  # the last day, 23:59 in China
    ministry = english(login_as(minister))  # the earlier session has expired
    page = ministry.get(f"/ministry/batches/{batch.id}/decisions").get_data(as_text=True)
    button = re.search(r'<button[^>]*>\s*Publish the final list', page).group(0)
    assert " disabled" in button
    assert re.search(r'id="publish-when">(.*?)</p>', page).group(1) == (
        "The notice runs until 2023-08-07: the final list can be published from 2023-08-08 on.")
    clock.set(datetime(2023, 8, 7, 16, 0, tzinfo=UTC))  # 8 August, 00:00 in China
    ministry = english(login_as(minister))
    page = ministry.get(f"/ministry/batches/{batch.id}/decisions").get_data(as_text=True)
    button = re.search(r'<button[^>]*>\s*Publish the final list', page).group(0)
    assert " disabled" not in button


def test_page_names_the_same_in_every_link(ministry, batch):
    page = ministry.get(f"/ministry/batches/{batch.id}/decisions").get_data(as_text=True)
    assert "<title>Decisions and public notice" in page
    review = ministry.get(f"/ministry/batches/{batch.id}/review").get_data(as_text=True)
    assert ">Decisions and public notice</a>" in review


def test_bad_holiday_setting_refuses_to_start(tmp_path):
    with pytest.raises(RuntimeError, match="SMPLATFORM_PUBLIC_HOLIDAYS"):
        create_app({"CONFIG": "testing", "PUBLIC_HOLIDAYS": "2023-13-01",
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite3"})
