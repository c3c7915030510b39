"""A real browser fills an enterprise declaration with autosave, uploads a file, submits and
sees its electronic number; axe-core finds no serious violation on the form pages."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs

import pytest
from sqlalchemy import select

from smplatform.extensions import db
from smplatform.models import Declaration
from tests.support import declarations as h
from tests.support.factories import PASSWORD

AXE = Path(__file__).resolve().parent.parent / "vendor" / "axe-core-4.11.4" / "axe.min.js"

pytestmark = pytest.mark.browser


@pytest.fixture
def decl_live_server(live_server):
    return live_server.url


@pytest.fixture
def page(browser_page):
    return browser_page


def serious_axe(page) -> list:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    found = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact,
                                       nodes: v.nodes.map(n => n.target.join(' '))}));
    }""")
    return [v for v in found if v["impact"] in ("serious", "critical")]


def test_fill_autosave_upload_submit(app, make, clock, decl_live_server, page, tmp_path):
    clock.set(h.DURING)
    h.batch5()
    user = make.applicant()
    base = decl_live_server
    page.goto(base + "/account/sign-in")
    page.fill("#username", user.username)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.goto(base + "/applicant/declarations/new")
    assert serious_axe(page) == []
    page.check("#category-enterprise")
    page.select_option("#service_model", "customised")
    for name in h.ATTESTED:
        page.check(f"#{name}")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/applicant/declarations/*")
    d = db.session.scalar(select(Declaration))
    h.fill(d, user)  # the rest, as if typed earlier

    page.goto(f"{base}/applicant/declarations/{d.id}/sections/contact")
    assert serious_axe(page) == []
    page.fill("#field-contact_title", "")
    page.type("#field-contact_title", "董事会秘书", delay=30)
    page.wait_for_selector("#save-status .saved")
    db.session.expire_all()
    assert db.session.get(Declaration, d.id).data["contact_title"] == "董事会秘书"

    page.goto(f"{base}/applicant/declarations/{d.id}/sections/figures")
    assert serious_axe(page) == []
    page.fill("#field-service_revenue_2022", "")
    page.type("#field-service_revenue_2022", "1000")
    page.wait_for_selector("#low-share .warning")
    assert page.inner_text("#share-2022") == "10.00%"

    page.goto(f"{base}/applicant/declarations/{d.id}/sections/narrative")
    page.fill("#field-practices", "")
    page.type("#field-practices", "做法一二三")
    assert page.inner_text("#field-practices-count .count-n") == "5"
    page.wait_for_selector("#save-status .saved")
    assert serious_axe(page) == []

    page.goto(f"{base}/applicant/declarations/{d.id}")
    for kind in ("business_licence", "audit_report"):
        path = tmp_path / f"{kind}.pdf"
        path.write_bytes(h.pdf_bytes())
        page.select_option("#attachment-kind", kind)
        page.set_input_files("#attachment-file", str(path))
        page.click(".upload-form button[type=submit]")
        page.wait_for_selector(f"text={kind}.pdf")
    assert serious_axe(page) == []
    page.click("#submit-declaration")
    page.wait_for_selector("#electronic-number:has-text('2023-440000-E-0001')")
    assert page.inner_text("#electronic-number") == "2023-440000-E-0001"
    assert page.csp_violations == []


def sign_in(page, base: str, user) -> None:
    page.goto(base + "/account/sign-in")
    page.fill("#username", user.username)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(base + "/applicant/**")


def autosave(page, url_part: str, selector: str, text: str) -> dict[str, list[str]]:
    """Type into a field; return the form the autosave posted, once its answer has come (the
    "Saved at" note of an earlier save may already be on the page: wait for this answer)."""
    def saving(r):
        return r.request.method == "POST" and url_part in r.url
    with page.expect_response(saving) as answered:
        page.fill(selector, "")
        page.type(selector, text, delay=20)
    assert answered.value.ok
    page.wait_for_selector("#save-status .saved")
    return parse_qs(answered.value.request.post_data, keep_blank_values=True)


@pytest.fixture
def narrative(app, make, clock, decl_live_server, page):
    """A filled enterprise declaration whose narrative section is open in the browser."""
    clock.set(h.DURING)
    user = make.applicant()
    d = h.fill(h.start(user, h.batch5()), user)
    assert (d.data["practices"], d.data["results"]) == ("示例正文", "示例正文")
    sign_in(page, decl_live_server, user)
    page.goto(f"{decl_live_server}/applicant/declarations/{d.id}/sections/narrative")
    return d


def stored(d) -> dict:
    db.session.expire_all()
    return db.session.get(Declaration, d.id).data


def test_autosave_posts_only_the_changed_field(narrative, page):
    form = autosave(page, "/sections/narrative", "#field-practices", "只改这一项")
    assert form["fields"] == ["practices"]
    assert form["practices"] == ["只改这一项"]
    assert "results" not in form and "basic_situation" not in form
    assert set(form) == {"csrf_token", "version", "practices", "fields"}
    assert (stored(narrative)["practices"], stored(narrative)["results"]) == (
        "只改这一项", "示例正文")
    assert page.csp_violations == []


def test_next_autosave_posts_only_what_changed_since_the_last(narrative, page):
    autosave(page, "/sections/narrative", "#field-practices", "只改这一项")
    form = autosave(page, "/sections/narrative", "#field-results", "成效")
    assert (form["fields"], form["results"]) == (["results"], ["成效"])
    assert "practices" not in form
    assert (stored(narrative)["practices"], stored(narrative)["results"]) == (
        "只改这一项", "成效")
