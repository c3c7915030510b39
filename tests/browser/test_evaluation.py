"""In a real browser: a demonstration signs in, fills in its evaluation (autosave), submits;
the province confirms; the ministry concludes."""
from __future__ import annotations

import pytest

from smplatform.extensions import db
from tests.support import evaluations as h
from tests.support.browser import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser_page_en):
    return browser_page_en


def _sign_out(page):
    page.click("form[action$='sign-out'] button")
    page.wait_for_load_state()


def test_file_submit_confirm_conclude(app, make, clock, live_server, page):
    clock.set(h.BEFORE)
    applicant = make.applicant(unit="440000", name="广东浏览器示范企业")
    officer = make.province("440000")
    ministry = make.ministry()
    entry = h.entry(name="广东浏览器示范企业", code=applicant.organisation.credit_code,
                    organisation=applicant.organisation)
    h.open_campaign(ministry)
    task_id = h.task_of(entry).id
    db.session.commit()
    base = live_server.url

    sign_in(page, base, applicant.username)
    page.goto(f"{base}/applicant/evaluations")
    page.click("text=广东浏览器示范企业")
    values = h.complete_form()
    for key, value in values.items():
        page.fill(f"[name={key}]", value)
    page.wait_for_selector("#save-status:has-text('Saved at')")  # the debounced autosave
    page.click("button:has-text('Submit')")
    page.wait_for_selector("#task-state:has-text('Submitted')")
    _sign_out(page)

    sign_in(page, base, officer.username)
    page.goto(f"{base}/province/evaluations/{task_id}")
    page.click("button:has-text('Confirm the filing')")
    page.wait_for_selector("#task-state:has-text('Confirmed by the province')")
    _sign_out(page)

    sign_in(page, base, ministry.username)
    page.goto(f"{base}/ministry/evaluations/{task_id}")
    page.check("input[name=conclusion][value=qualified]")
    page.click("button:has-text('Record the conclusion')")
    page.wait_for_selector("#task-conclusion:has-text('Qualified')")

    db.session.expire_all()
    task = h.task_of(entry)
    assert (task.state, task.conclusion, task.data["plans"]) == (
        "concluded", "qualified", values["plans"])
