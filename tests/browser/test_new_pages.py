"""The pages issue 16 adds or changes, in Chromium, in both languages: no serious axe-core
violation and no sideways scrolling at 375 or 1280 px."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from smplatform.enums import DeclarationState as S
from smplatform.enums import ObjectionSource
from smplatform.extensions import db
from smplatform.models import Objection, PublicNotice
from smplatform.services import registry
from tests.support.browser import assert_no_serious_axe_violations
from tests.support.factories import PASSWORD
from tests.support.two_factor import browser_second_step
from tests.support.layout import WIDTHS, sideways_overflow
from tests.support import selection as helpers

pytestmark = pytest.mark.browser
NOON = datetime(2023, 8, 2, 4, tzinfo=UTC)


@pytest.fixture
def world(app, clock, make):
    clock.set(NOON)
    registry.load_demo_registry()
    batch = helpers.make_batch()
    helpers.declaration(batch, "330000", state=S.SHORTLISTED, name="浙江某制造有限公司")
    city = helpers.declaration(batch, "440000", category="city", state=S.SHORTLISTED,
                               name="佛山市工业和信息化局", commit=False)
    city.city_code = "440600"
    db.session.add(PublicNotice(batch_id=batch.id, starts_on=date(2023, 8, 1),
                                ends_on=date(2023, 8, 7), created_at=NOON))
    db.session.add(Objection(declaration=city, received_on=date(2023, 8, 2),
                             summary="该市申报的示范企业数量与实际不符，部分企业已外迁。",
                             source=ObjectionSource.PUBLIC, reference="5-0A0B0C0D",
                             objector_name="王五", objector_phone="010-12345678"))
    db.session.commit()
    return {"batch": batch.id, "ministry": make.ministry(
                                                         username="pages-ministry").username}


def check(page, url):
    page.goto(url)
    page.wait_for_load_state()
    for width in WIDTHS:
        assert sideways_overflow(page, width) == [], f"{url} at {width}px"
    assert_no_serious_axe_violations(page)


@pytest.mark.parametrize("fixture", ["browser_page", "browser_page_en"])
def test_public_pages(world, live_server, request, fixture):
    page, base = request.getfixturevalue(fixture), live_server.url
    for path in ("/", "/selection", "/registry", "/notice/shortlist/5",
                 "/notice/shortlist/5/objection"):
        check(page, base + path)
    page.click("main button[type=submit]")  # an empty objection: every error at once
    page.wait_for_load_state()
    for width in WIDTHS:
        assert sideways_overflow(page, width) == [], f"objection errors at {width}px"
    assert_no_serious_axe_violations(page)


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_ministry_decisions_and_dashboard(world, live_server, browser_page, lang):
    page, base = browser_page, live_server.url
    page.goto(f"{base}/account/sign-in")
    page.fill("#username", world["ministry"])
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    browser_second_step(page, world["ministry"])  # ministry staff sign in with a second factor
    assert not page.url.split("?")[0].endswith("/account/sign-in"), page.url
    page.click(f"button[name=lang][value={lang}]")
    page.wait_for_load_state()
    check(page, f"{base}/ministry/")
    check(page, f"{base}/ministry/batches/{world['batch']}/decisions")
    page.click("text=Record how it was handled" if lang == "en" else "text=记录处理情况")
    assert_no_serious_axe_violations(page)


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_organisation_accounts(app, live_server, browser_page, make, lang):
    """The accounts page with a colleague added and one refused (every field error shown)."""
    from smplatform.services import accounts
    admin = make.applicant(username="pages-admin")
    accounts.add_colleague(actor=admin, username="pages-colleague", display_name="王芳",
                           email="wangfang@example.com", password="Colleague-Pass-2026")
    db.session.commit()
    page, base = browser_page, live_server.url
    page.goto(f"{base}/account/sign-in")
    page.fill("#username", "pages-admin")
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    page.click(f"button[name=lang][value={lang}]")
    page.wait_for_load_state()
    page.click("nav.main-nav a[href='/applicant/accounts']")
    page.wait_for_load_state()
    check(page, page.url)
    page.fill("#username", "pages-colleague")
    page.fill("#password", "short")
    page.click("#add-heading ~ form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#username-error").count() == 1
    for width in WIDTHS:
        assert sideways_overflow(page, width) == [], f"accounts errors at {width}px"
    assert_no_serious_axe_violations(page)
