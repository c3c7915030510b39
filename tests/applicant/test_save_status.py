"""Autosave's status says one thing at a time: saved, saved except some fields, or not saved;
"Saving…" while a save is on its way and a failed save say so (issue 16, item 10)."""
from __future__ import annotations

import re

import pytest

from smplatform.extensions import db
from smplatform.models import Declaration
from tests.support import declarations as h


@pytest.fixture
def draft(app, clock, make):
    clock.set(h.DURING)
    applicant = make.applicant()
    return applicant, h.start(applicant, h.batch5())


def autosave(client, d, data):
    db.session.expire_all()
    version = db.session.get(Declaration, d.id).version
    return client.post(f"/applicant/declarations/{d.id}/sections/basic",
                       data=dict(data, version=str(version)),
                       headers={"HX-Request": "true"}).get_data(as_text=True)


def status(page: str) -> list[str]:
    """The status lines of an autosave answer (before its out-of-band parts)."""
    return [re.sub(r"\s+", " ", line).strip() for line in re.findall(
        r'<p class="(?:saved|error)">(.*?)</p>', page.split('<input type="hidden"')[0], re.S)]


def test_saved(draft, login_as):
    applicant, d = draft
    assert status(autosave(login_as(applicant), d, {"industry": "通用设备制造业"})) == [
        "Saved at 10:00:00"]


def test_saved_except_the_marked_fields(draft, login_as):
    applicant, d = draft
    page = autosave(login_as(applicant), d, {"industry": "通用设备制造业",
                                             "registered_capital": "-1"})
    assert status(page) == ["Saved at 10:00:00, except 1 field(s) marked below: their values "
                            "were not saved. Correct them and they are saved as you type."]


def test_nothing_saved(draft, login_as):
    applicant, d = draft
    assert status(autosave(login_as(applicant), d, {"registered_capital": "-1"})) == [
        "Not saved: correct the 1 field(s) marked below."]


@pytest.mark.browser
def test_saving_and_failed_saves_are_shown(draft, live_server, browser_page_en):
    from playwright.sync_api import expect

    from tests.support.factories import PASSWORD
    applicant, d = draft
    page, base = browser_page_en, live_server.url
    page.goto(f"{base}/account/sign-in")
    page.fill("#username", applicant.username)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{base}/applicant/declarations/{d.id}/sections/basic")
    held = []
    page.route("**/sections/basic", lambda route: held.append(route))
    status = page.locator("#save-status")
    page.fill("#field-industry", "通用设备制造业")
    expect(status).to_have_text("Saving…")  # the request is held: on its way
    for _ in range(50):
        if held:
            break
        page.wait_for_timeout(100)
    held[0].abort()
    expect(status).to_have_text(re.compile(
        r"^Not saved: the connection failed\. Your entries are still on this page"))
    page.unroute("**/sections/basic")
    page.fill("#field-industry", "专用设备制造业")
    expect(status).to_have_text(re.compile(r"^\s*Saved at \d\d:\d\d:\d\d\s*$"))


@pytest.mark.browser
def test_section_list_follows_each_save(draft, live_server, browser_page_en):
    """The section list's progress changes with the save that completes a section, without a
    reload (it lagged behind)."""
    from playwright.sync_api import expect

    from tests.support.factories import PASSWORD
    applicant, d = draft
    page, base = browser_page_en, live_server.url
    page.goto(f"{base}/account/sign-in")
    page.fill("#username", applicant.username)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{base}/applicant/declarations/{d.id}/sections/contact")
    item = page.locator("#progress li", has_text="Contact person")
    expect(item.locator(".badge")).to_have_text("incomplete")
    page.fill("#field-contact_title", "总经理")
    expect(item.locator(".badge")).to_have_text("complete")
    page.fill("#field-contact_title", "")
    expect(item.locator(".badge")).to_have_text("incomplete")
    # A checkbox saves on change: ticking the pledge completes its section at once.
    page.goto(f"{base}/applicant/declarations/{d.id}/sections/attestations")
    item = page.locator("#progress li", has_text="Conditions and pledge")
    expect(item.locator(".badge")).to_have_text("incomplete")
    page.check("#field-pledge")
    expect(item.locator(".badge")).to_have_text("complete")
