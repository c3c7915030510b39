"""The declaration's way, clicked through from the home page: an enterprise registers,
declares, attaches and submits; the province returns it with comments; the enterprise edits
and resubmits; the province passes it; the enterprise downloads the form, uploads the stamped
scan; the province confirms the stamped copy."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support import declarations as h
from tests.support.factories import PASSWORD
from tests.support import journeys as kit


@pytest.fixture
def open_batch(app, clock):
    """Batch 5 open, on a day before Guangdong's deadline (set-up: the ministry's batch)."""
    clock.set(h.DURING)
    return h.batch5()


@pytest.mark.browser
def test_enterprise_declares_province_returns_and_passes(journey, open_batch, make):
    t, j = journey.t, journey
    make.province("440000", username="gd-review")  # set-up: staff accounts are given

    # The enterprise registers and declares.
    alice = j.person("enterprise")
    alice.start()
    org = kit.Organisation(kind="enterprise", name="广州云帆智能装备有限公司",
                           unit="440000", username="yunfan-admin")
    kit.register(alice, org)
    kit.declare(alice, org, category="enterprise")
    kit.attach_required(alice, "enterprise")
    number = kit.submit_declaration(alice)
    assert number.startswith("2023-440000-")

    # The province returns it with an overall comment and one on a section.
    gd = j.person("province")
    gd.start()
    gd.sign_in("gd-review", PASSWORD)
    gd.nav(t("Review queue"))
    gd.link(number)
    gd.button(t("Start review"))
    gd.fill(t("Overall comment"), "请补充近三年服务收入的说明。")
    gd.page.get_by_text(t("Comments per section")).click()
    section = kit.first_section(j, "enterprise")
    gd.fill(section.title.get(j.lang), "请核对企业基本情况。")
    gd.button(t("Return for revision"), scope=gd.page.locator("main"))
    expect(gd.page.locator("#declaration-state")).to_have_text(
        j.label(kit.DeclarationState.RETURNED))

    # The enterprise reads the comments, follows the section's link, edits and resubmits.
    alice.link(t("Back to my organisation"))
    alice.link(t("Continue"), exact=False)
    comments = alice.region(t("Returned for revision by the province"))
    expect(comments).to_contain_text("请补充近三年服务收入的说明。")
    alice.link(section.title.get(j.lang), scope=comments)
    kit.revise_section(alice, section)
    alice.link(t("Back to the declaration"))
    assert kit.submit_declaration(alice, again=True) == number

    # The province passes it.
    gd.link(t("Back to the review queue"))
    gd.link(number)
    gd.button(t("Start review"))
    gd.button(t("Pass"))
    expect(gd.page.locator("#declaration-state")).to_have_text(
        j.label(kit.DeclarationState.PASSED))

    # The enterprise prints the form, stamps it and uploads the scan.
    alice.link(t("Back to my organisation"))
    alice.link(t("View"), exact=False)
    scan = kit.stamped_copy(alice, number)
    kit.upload(alice, kit.STAMPED_SCAN_KIND, f"{number}-stamped.pdf", scan)

    # The province sees the scan and confirms the number on it.
    gd.link(t("Back to the review queue"))
    gd.link(number)
    gd.sees(t("The applicant uploaded the stamped scan."))
    gd.tick(t("The electronic number on the stamped copy is %(number)s.", number=number))
    gd.button(t("Confirm the stamped copy"), scope=gd.page.locator("main"))
    gd.sees(t("Stamped copy confirmed"))


# The platform's and the city's forms differ from the enterprise's only in their sections:
# one language each keeps the suite short (the enterprise's way runs in both).
OTHERS = {
    "zh": (kit.Organisation(kind="platform_operator", name="广州智造共享平台有限公司",
                            unit="440000", username="gz-platform", seq=2),
           "platform", "shared_manufacturing"),
    "en": (kit.Organisation(kind="city_department", name="佛山市工业和信息化局", unit="440000",
                            city="440600", username="foshan-miit", seq=3),
           "city", "comprehensive"),
}


@pytest.mark.browser
def test_platform_or_city_declares_province_rejects(journey, open_batch, make):
    """A platform operator (in Chinese) or a city's department (in English) registers,
    declares and submits; the province rejects the declaration with a reason, which the
    applicant then reads with what it may do next."""
    t, j = journey.t, journey
    org, category, klass = OTHERS[j.lang]
    make.province("440000", username="gd-review")

    bob = j.person(category)
    bob.start()
    kit.register(bob, org)
    kit.declare(bob, org, category=category, klass=klass)
    kit.attach_required(bob, category)
    number = kit.submit_declaration(bob)

    gd = j.person("province")
    gd.start()
    gd.sign_in("gd-review", PASSWORD)
    gd.nav(t("Review queue"))
    gd.link(number)
    gd.button(t("Start review"))
    gd.fill(t("Reason"), "不符合申报条件：近三年发生过重大安全事故。")
    gd.button(t("Reject"), scope=gd.page.locator("main"))
    expect(gd.page.locator("#declaration-state")).to_have_text(
        j.label(kit.DeclarationState.REJECTED))

    bob.link(t("Back to my organisation"))
    bob.link(t("View"), exact=False)
    expect(bob.page.locator("#declaration-state")).to_have_text(
        j.label(kit.DeclarationState.REJECTED))
    bob.sees("不符合申报条件：近三年发生过重大安全事故。")
