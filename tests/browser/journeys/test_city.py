"""The city's initial review (市级初审) returning a declaration, clicked through from the home
page: Guangdong has turned the cities' review on; a Foshan enterprise submits to its city;
Foshan's officer returns it with a comment; the enterprise reads the comment, revises and
resubmits to the city; the city passes it on with a remark; the province finds it in its
queue with the city's remark and return in its history. (The province turning the tier on by
its form is walked in test_province.py.)"""
from __future__ import annotations

from datetime import datetime

import pytest
from playwright.sync_api import expect

from smplatform.services import prefecture
from tests.support import declarations as h
from tests.support.factories import PASSWORD
from tests.support import journeys as kit

CITY_DEADLINE = datetime(2023, 5, 20, 23, 59, 59, tzinfo=h.CST)
RETURN_COMMENT = "请补充2022年度审计报告，并说明服务收入的统计口径。"
REMARK = "已按要求补充，同意报送。"


@pytest.fixture
def foshan_on(app, clock, make):
    """Batch 5 open with Guangdong's cities reviewing first; Guangdong's and Foshan's
    officers; a Foshan enterprise's declaration complete but not yet submitted."""
    from smplatform.extensions import db
    clock.set(h.DURING)
    batch = h.batch5()
    officer = make.province("440000", username="gd-review")
    prefecture.set_prefecture_review(actor=officer, batch=batch, enabled=True,
                                     city_deadline=CITY_DEADLINE)
    db.session.commit()
    make.city("440600", username="foshan-review")
    applicant = make.applicant(unit="440000", city="440600", name="佛山美顺电器制造有限公司",
                               username="meishun-admin")
    return h.ready(applicant, batch)


@pytest.mark.browser
def test_city_returns_applicant_resubmits_city_passes_on(journey, foshan_on):
    t, j = journey.t, journey
    ent = j.person("enterprise")
    ent.start()
    ent.sign_in("meishun-admin", PASSWORD)
    ent.link(t("Continue"), exact=False)
    number = kit.submit_declaration(ent, to_city=True)

    # Foshan's officer returns it with a comment.
    city = j.person("city")
    city.start()
    city.sign_in("foshan-review", PASSWORD)
    city.link(number)
    city.fill(t("What must be revised"), RETURN_COMMENT)
    city.button(t("Return for revision"), scope=city.region(t("Your initial review")))
    city.expect_flash(t("Returned for revision. The applicant has been told."))
    expect(city.row(number)).to_contain_text(j.label(kit.DeclarationState.RETURNED))

    # The enterprise reads the city's comment, revises and resubmits to the city.
    ent.link(t("Back to my organisation"))
    ent.link(t("Continue"), exact=False)
    comments = ent.region(t("Returned for revision by the city"))
    expect(comments).to_contain_text(RETURN_COMMENT)
    expect(ent.page.locator("#where-it-stands")).to_contain_text(
        t("Revise what your city's industry and IT department commented on and resubmit it "
          "to your city before %(deadline)s.", deadline="2023-05-31 23:59"))
    section = kit.first_section(j, "enterprise")
    ent.link(section.title.get(j.lang), scope=ent.page.locator("ol.progress-list"))
    kit.revise_section(ent, section)
    ent.link(t("Back to the declaration"))
    assert kit.submit_declaration(ent, again=True, to_city=True) == number
    expect(ent.page.locator("#declaration-state")).to_have_text(
        j.label(kit.DeclarationState.CITY_REVIEW))

    # The city passes it on, with a remark for the province.
    city.link(number)
    city.fill(t("Remarks for the province (optional)"), REMARK)
    city.button(t("Pass on to the province"))
    city.expect_flash(t("Passed on to the provincial department. The applicant has been told."))

    # The province finds it in its queue: the city's remark, and its return in the history.
    gd = j.person("province")
    gd.start()
    gd.sign_in("gd-review", PASSWORD)
    gd.nav(t("Review queue"))
    gd.link(number)
    expect(gd.page.locator("#declaration-state")).to_have_text(
        j.label(kit.DeclarationState.SUBMITTED))
    gd.sees(REMARK)
    gd.sees(RETURN_COMMENT)
