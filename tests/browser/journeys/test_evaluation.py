"""The evaluation of earlier demonstrations, clicked through from the home page: the ministry
opens it, the demonstration files its indicators and self-evaluation, the province returns it
once and then confirms it, the ministry records the conclusion, and the public registry
shows it."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from smplatform.rules.evaluation import INDICATOR_YEARS, NARRATIVES, Conclusion, indicators_for
from tests.support import evaluations as ev
from tests.support.factories import PASSWORD

NAME = "广东精密制造示范企业有限公司"


@pytest.fixture
def demonstration(app, clock, make):
    """Batch 5 created; a demonstration of batch 3 in Guangdong whose organisation has an
    account (the registry of batches 1 to 4, imported and linked)."""
    clock.set(ev.BEFORE)
    applicant = make.applicant(unit="440000", name=NAME, username="jingmi-admin")
    make.province("440000", username="gd-review")
    make.ministry(username="miit-evaluation")
    ev.batch()
    ev.entry(name=NAME, code=applicant.organisation.credit_code,
             organisation=applicant.organisation)
    from smplatform.extensions import db
    db.session.commit()
    return applicant


@pytest.mark.browser
def test_evaluation_filed_confirmed_concluded(journey, demonstration):
    t, j = journey.t, journey

    miit = j.person("ministry")
    miit.start()
    miit.sign_in("miit-evaluation", PASSWORD)
    miit.link(t("Evaluation of demonstrations"), scope=miit.page.locator("main"))
    miit.button(t("Open the evaluation and create the missing tasks"))

    # The demonstration fills in its filing and submits it.
    demo = j.person("demonstration")
    demo.start()
    demo.sign_in("jingmi-admin", PASSWORD)
    demo.link(t("Evaluation filings of your demonstrations"))
    demo.link(NAME)
    for i, indicator in enumerate(indicators_for("enterprise")):
        for k, year in enumerate(INDICATOR_YEARS):
            value = 400 + 10 * k if indicator.key == "service_revenue" else 1000 + 100 * k
            demo.page.get_by_role("textbox", name=f"{j.label(indicator.label)} {year}",
                                  exact=True).fill(str(value + i))
    for narrative in NARRATIVES:
        demo.fill(j.label(narrative.label), "按要求填写的内容。")
    demo.button(t("Submit"), scope=demo.page.locator("main"))
    expect(demo.page.locator("#task-state")).not_to_have_text(t("Not started"))
    name, content = demo.download(t("Download the filing as PDF"))
    assert content.startswith(b"%PDF") and name.endswith(".pdf"), name

    # The province returns it once, then confirms the revised filing.
    gd = j.person("province")
    gd.start()
    gd.sign_in("gd-review", PASSWORD)
    gd.nav(t("Evaluation of demonstrations"))
    gd.link(NAME)
    gd.fill(t("Comments for the revision"), "请补充2022年服务收入的说明。")
    gd.button(t("Return for revision"))

    demo.nav(t("My organisation"))
    demo.link(t("Evaluation filings of your demonstrations"))
    demo.link(NAME)
    demo.sees("请补充2022年服务收入的说明。")
    narrative = NARRATIVES[0]
    demo.fill(j.label(narrative.label), "已补充2022年服务收入的说明。")
    demo.button(t("Submit"), scope=demo.page.locator("main"))

    gd.nav(t("Evaluation of demonstrations"))
    gd.link(NAME)
    gd.button(t("Confirm the filing"))

    # The ministry concludes.
    miit.link(NAME)
    miit.page.get_by_role("radio", name=j.label(Conclusion.QUALIFIED),
                          exact=True).check()
    miit.button(t("Record the conclusion"))
    expect(miit.page.locator("#task-conclusion")).to_contain_text(
        j.label(Conclusion.QUALIFIED))
