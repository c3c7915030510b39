"""The ministry's selection, clicked through from the home page: the provinces' lists, expert
assignment, the experts' scores, the outcome, the on-site inspection, the decisions, the
public notice with an objection from the public, and the final list published."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from smplatform import clock as clock_module
from smplatform.enums import ObjectionOutcome
from tests.support import declarations as h
from tests.support.factories import PASSWORD
from tests.support import journey_setup as setup

CST = clock_module.CHINA
MARCH = datetime(2023, 3, 15, 10, 0, tzinfo=CST)   # the declarations and the provinces' lists
JUNE = datetime(2023, 6, 12, 9, 30, tzinfo=CST)    # a Monday: the ministry's selection


@pytest.fixture
def submitted_lists(app, clock, make):
    """Guangdong and Zhejiang submitted their lists in March: one enterprise each."""
    clock.set(MARCH)
    batch = h.batch5()
    lists = []
    for unit, name in (("440000", "广州明辉机械有限公司"), ("330000", "杭州云织服装有限公司")):
        officer = make.province(unit)
        from smplatform.services import liaison
        liaison.add_contact(actor=officer, batch=batch, name="联络员", title="科长",
                            phone="020-83133333", fax=None, email=f"liaison-{unit}@example.gov.cn")
        lists += setup.forwarded(batch, officer, [setup.submitted(batch, name=name, unit=unit)])
    clock.set(JUNE)
    # The ministry's officer and the experts: accounts of June (a staff password set in March
    # would be past the 90 days of the password policy by the publication).
    make.ministry(username="miit-selection")
    setup.expert(make, "expert-wang")
    setup.expert(make, "expert-zhao")
    return lists


def scores(person, value: int = 8) -> None:
    """Give every criterion of the score form the same whole number."""
    for box in person.page.locator(".score-form input[type=number]").all():
        box.fill(str(min(value, int(box.get_attribute("max")))))


@pytest.mark.browser
def test_selection_from_expert_review_to_publication(journey, submitted_lists, clock):
    t, j = journey.t, journey
    chosen, other = submitted_lists

    miit = j.person("ministry")
    miit.start()
    miit.sign_in("miit-selection", PASSWORD)
    miit.link(t("Provincial submissions"), scope=miit.page.locator("main"))
    miit.sees(t("Guangdong") if j.lang == "en" else "广东省")

    # Expert assignment: the pool of two cannot give every declaration three reviewers.
    miit.nav(t("Ministry"))
    miit.link(t("Expert review and assignment"))
    miit.fill(t("Reviewers per declaration"), "3")
    miit.button(t("Assign reviewers"), status=400)  # refused, with the reason
    expect(miit.page.locator("#per_declaration-error")).to_be_visible()
    miit.fill(t("Reviewers per declaration"), "1")
    miit.fill(t("Reviews due on"), (JUNE.date() + timedelta(days=14)).isoformat())
    miit.button(t("Assign reviewers"))

    # Each expert accepts (no conflict of interest) and scores.
    for username in ("expert-wang", "expert-zhao"):
        expert = j.person(username)
        expert.start()
        expert.sign_in(username, PASSWORD)
        expert.link(expert.page.locator("#my-reviews a").first.inner_text())
        expert.tick(t("I declare that I have no conflict of interest with this declaration."))
        expert.button(t("Declare and accept"))
        scores(expert, 9 if chosen.org_name in expert.heading() else 6)
        expert.button(t("Submit review"))
        expect(expert.page.locator("#submitted-scores")).to_be_visible()

    # The outcome of each declaration's expert review.
    miit.nav(t("Ministry"))
    miit.link(t("Expert review and assignment"))
    for d in (chosen, other):
        miit.link(d.org_name, scope=miit.page.locator("#ranked-enterprise"))
        miit.page.get_by_role("radio", name=t("Passed the expert review"), exact=True).check()
        miit.button(t("Record outcome"))
        miit.link(t("Expert review of batch %(n)d", n=5))

    # The on-site inspection of the chosen one.
    miit.link(chosen.org_name, scope=miit.page.locator("#ranked-enterprise"))
    miit.link(t("On-site inspection"))
    miit.fill(t("Inspection date"), (JUNE.date() + timedelta(days=2)).isoformat())
    miit.fill(t("Inspection team"), "王工（中国信通院）、赵工（机械工业联合会）")
    miit.fill(t("Findings"), "服务收入核实无误。")
    for group in miit.page.locator("form fieldset").all():
        group.get_by_role("radio").first.check()
    miit.button(t("Record inspection"))

    # The decisions and the public notice.
    miit.link(t("Decisions and public notice"))
    miit.button(f'{t("Put on the shortlist")} {chosen.org_name}')
    miit.button(f'{t("Do not select")} {other.org_name}')
    starts = JUNE.date()
    ends = starts + timedelta(days=9)
    miit.fill(t("Notice starts on"), starts.isoformat())
    miit.fill(t("Notice ends on"), ends.isoformat())
    miit.button(t("Put the shortlist under public notice"))
    expect(miit.page.get_by_role("button", name=t("Publish the final list"))).to_be_disabled()

    # The public reads the notice and objects; the ministry handles the objection.
    visitor = j.person("public")
    visitor.start()
    visitor.nav(t("Public notices and lists"))
    visitor.link(t("Read the shortlist"))
    visitor.sees(chosen.org_name)
    visitor.link(t("Raise an objection"))
    visitor.choose_with(t("Declaration objected to"), chosen.org_name)
    visitor.fill(t("Your name"), "周建国")
    visitor.fill(t("Phone"), "13700137000")
    visitor.fill(t("E-mail (for the acknowledgement)"), "zhou@example.com")
    visitor.fill(t("Grounds"), "该企业2022年服务收入数据与年报不符。")
    visitor.button(t("Send the objection"))
    expect(visitor.page.locator("h1")).to_have_text(t("Objection received"))
    reference = visitor.flash()
    miit.nav(t("Ministry"))
    miit.link(t("Decisions and public notice"))
    miit.sees("该企业2022年服务收入数据与年报不符。")
    miit.page.get_by_text(t("Record how it was handled")).click()
    handling = miit.page.locator("details[open]")
    miit.fill(t("How it was handled"), "经核查，数据差异系统计口径不同，异议不成立。",
              scope=handling)
    handling.get_by_role("radio", name=t("Dismissed"), exact=True).check()
    miit.button(t("Record the handling"), scope=handling)
    miit.sees(j.label(ObjectionOutcome.DISMISSED))
    assert reference

    # After the notice: the final list is published, and the public reads it.
    clock.set(datetime.combine(ends + timedelta(days=1), datetime.min.time(), CST)
              + timedelta(hours=9))
    miit.nav(t("Ministry"))  # ten days later: the session has timed out
    miit.sign_in("miit-selection", PASSWORD)
    miit.link(t("Decisions and public notice"))
    miit.button(t("Publish the final list"))
    visitor.nav(t("Public notices and lists"))
    visitor.link(t("Batch %(n)d (%(y)d): %(m)d demonstrations, published on %(day)s",
                   n=5, y=2023, m=1, day=(ends + timedelta(days=1)).isoformat()))
    visitor.sees(chosen.org_name)
    expect(visitor.page.locator("main")).not_to_contain_text(other.org_name)
