"""The national dashboard and the province's queue in a real browser: charts drawn under the
CSP, no serious or critical axe-core violation."""
import pytest

from smplatform.enums import DeclarationState as S
from smplatform.extensions import db
from tests.support.browser import assert_no_serious_axe_violations, sign_in
from tests.support.national import contact, recommend, submission
from tests.support import selection as helpers


@pytest.mark.browser
def test_national_dashboard_and_province_queue_accessible(app, make, live_server,
                                                           browser_page):
    batch = helpers.make_batch()
    contact(batch, "440000")
    for unit in ("440000", "320000", "330000"):
        d = helpers.declaration(batch, unit, state=S.PASSED, commit=False)
        recommend(d)
    helpers.declaration(batch, "440000", state=S.SUBMITTED, commit=False)
    submission(batch, "320000", "submitted")
    db.session.commit()
    minister = make.ministry(username="ministry-zhao")
    officer = make.province("440000", username="province-gd")
    base, page = live_server.url, browser_page

    sign_in(page, base, minister.username)
    page.goto(f"{base}/ministry/")
    page.wait_for_selector("#chart-units canvas")
    page.wait_for_selector("#chart-categories canvas")
    assert page.inner_text("#unit-440000 th") == "440000 广东省"
    assert_no_serious_axe_violations(page)
    assert page.csp_violations == []
    # A figure of the board opens the list behind it.
    page.click("#unit-440000 td:nth-child(3) a")
    page.wait_for_load_state()
    assert page.url.endswith(f"/ministry/declarations?batch={batch.id}&unit=440000"
                             f"&stage=submitted")
    assert page.locator("#declaration-list tbody tr").count() == 2

    page.context.clear_cookies()
    sign_in(page, base, officer.username)
    page.goto(f"{base}/province/declarations")
    page.wait_for_load_state()
    assert_no_serious_axe_violations(page)
    assert page.csp_violations == []
