"""The province's way, clicked through from the home page: liaison contacts, the review
queue, the recommendation list within the quota, the stamped copies, Annex 2 (Excel, PDF, the
stamped scan) and the submission to the ministry."""
from __future__ import annotations

import io
from datetime import datetime

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from smplatform import clock as clock_module
from tests.support import declarations as h
from tests.support.factories import PASSWORD
from tests.support import journey_setup as setup, journeys as kit


EARLY = datetime(2023, 3, 15, 10, 0, tzinfo=clock_module.CHINA)  # before the contacts' deadline


@pytest.fixture
def guangdong(app, clock, make):
    """Batch 5 open; Guangdong's officer; four declarations of Guangdong's organisations:
    one waiting for review, an enterprise and two shared-manufacturing platforms passed with
    their stamped scans uploaded (the quota has one place for such a platform)."""
    clock.set(EARLY)
    batch = h.batch5()
    officer = make.province("440000", username="gd-review")
    waiting = setup.submitted(batch, name="广州明辉机械有限公司")
    enterprise = setup.stamped_scan_uploaded(setup.passed(
        setup.submitted(batch, name="东莞精工模具有限公司"), officer))
    platform = setup.stamped_scan_uploaded(setup.passed(setup.submitted(
        batch, name="佛山共享智造平台有限公司", category="platform",
        klass="shared_manufacturing"), officer))
    second = setup.passed(setup.submitted(
        batch, name="珠海云制造平台有限公司", category="platform",
        klass="shared_manufacturing"), officer)
    return waiting, enterprise, platform, second


@pytest.mark.browser
def test_province_reviews_recommends_and_submits(journey, guangdong):
    t, j = journey.t, journey
    waiting, enterprise, platform, second = guangdong
    gd = j.person("province")
    gd.start()
    gd.sign_in("gd-review", PASSWORD)

    # What waits for the officer: the liaison contacts first.
    gd.link(t("Give the ministry your liaison contacts by %(at)s (required before you submit "
              "your list).", at="2023-03-20"), scope=gd.region(t("Waiting for you")))
    gd.fill(t("Full name"), "李红")
    gd.fill(t("Title"), "处长")
    gd.fill(t("Phone"), "020-83133333")
    gd.fill(t("E-mail"), "lihong@gdei.gov.cn")
    gd.button(t("Add contact"))
    expect(gd.row("李红")).to_be_visible()

    # The queue: the waiting declaration is reviewed and passed.
    gd.nav(t("Review queue"))
    gd.link(waiting.electronic_number)
    gd.button(t("Start review"))
    gd.button(t("Pass"))
    expect(gd.page.locator("#declaration-state")).to_have_text(
        j.label(kit.DeclarationState.PASSED))

    # The recommendation list, within the quota: one shared-manufacturing platform only.
    gd.nav(t("Recommendation list"))
    recommended = gd.page.locator("#recommended")
    for d in (enterprise, platform):
        gd.press(f'{t("Recommend")} {d.org_name}')
        expect(recommended).to_contain_text(d.electronic_number)
    gd.press(f'{t("Recommend")} {second.org_name}')
    expect(gd.page.locator("#recommend-error")).to_be_visible()
    expect(recommended).not_to_contain_text(second.electronic_number)
    gd.check()

    # Annex 2: the stamped copies of the recommended declarations are confirmed first.
    gd.link(t("Summary (Annex 2) and submission"))
    for d in (enterprise, platform):
        gd.link(d.electronic_number, scope=gd.region(t("Submit to the ministry")))
        gd.sees(t("The applicant uploaded the stamped scan."))
        gd.tick(t("The electronic number on the stamped copy is %(number)s.",
                  number=d.electronic_number))
        gd.button(t("Confirm the stamped copy"), scope=gd.page.locator("main"))
        gd.nav(t("Recommendation list"))
        gd.link(t("Summary (Annex 2) and submission"))
    expect(gd.region(t("Submit to the ministry"))).not_to_contain_text(
        t("Stamped copies still to confirm:"))

    name, content = gd.download(t("Download Excel"))
    assert name.endswith(".xlsx"), name
    cells = [str(c.value) for row in load_workbook(io.BytesIO(content)).active.iter_rows()
             for c in row if c.value is not None]
    assert enterprise.org_name in cells and platform.org_name in cells, cells
    assert second.org_name not in cells and waiting.org_name not in cells
    name, summary_pdf = gd.download(t("Download PDF"))
    assert summary_pdf.startswith(b"%PDF"), name
    # …printed, stamped, scanned:
    gd.attach(t("Scan of the stamped summary (PDF, JPEG or PNG)"), "annex2-stamped.pdf",
              summary_pdf, "application/pdf")
    gd.button(t("Upload"), scope=gd.region(t("Stamped summary")))
    gd.button(t("Submit to the ministry"), scope=gd.region(t("Submit to the ministry")))
    gd.expect_flash(t("Submitted to the ministry. The list is locked."))
    gd.nav(t("Recommendation list"))
    gd.sees(t("The list has been submitted to the ministry and is locked."))


@pytest.fixture
def foshan(app, clock, make):
    """Batch 5 open; Guangdong's and Foshan's officers; a Foshan enterprise's declaration
    complete but not yet submitted."""
    clock.set(h.DURING)
    batch = h.batch5()
    make.province("440000", username="gd-review")
    make.city("440600", username="foshan-review")
    applicant = make.applicant(unit="440000", city="440600", name="佛山顺德家电制造有限公司",
                               username="shunde-admin")
    return h.ready(applicant, batch)


@pytest.mark.browser
def test_city_initial_review(journey, foshan):
    """The province turns on the cities' initial review; a Foshan enterprise submits; Foshan's
    officer passes it on; it reaches the province's queue."""
    t, j = journey.t, journey
    gd = j.person("province")
    gd.start()
    gd.sign_in("gd-review", PASSWORD)
    gd.link(t("City initial review"), scope=gd.page.locator("main"))
    gd.page.get_by_role("radio", name=t("On: cities review first"), exact=True).check()
    gd.fill(t("The cities' deadline (China Standard Time)"), "2023-05-20T23:59:59")
    gd.button(t("Save"), scope=gd.page.locator("main"))

    ent = j.person("enterprise")
    ent.start()
    ent.sign_in("shunde-admin", PASSWORD)
    ent.link(t("Continue"), exact=False)
    number = kit.submit_declaration(ent, to_city=True)
    expect(ent.page.locator("#declaration-state")).to_have_text(
        j.label(kit.DeclarationState.CITY_REVIEW))

    city = j.person("city")
    city.start()
    city.sign_in("foshan-review", PASSWORD)
    city.link(number)
    city.fill(t("Remarks for the province (optional)"), "材料齐全，同意推荐。")
    city.button(t("Pass on to the province"))

    gd.nav(t("Review queue"))
    gd.link(number)
    gd.sees("材料齐全，同意推荐。")
