"""The pages of issue 15 in a real browser, in Chinese and English at 1280 and 375 pixels:
no sideways scrolling, no serious axe-core violations. Screenshots go to
$SMPLATFORM_SCREENSHOTS when set (to look at them)."""
from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from smplatform.extensions import db
from smplatform.services import review_assignments
from tests.support import declarations as h
from tests.support.browser import assert_no_serious_axe_violations, sign_in
from tests.support import selection as selection

WIDTHS = (1280, 375)
SHOTS = os.environ.get("SMPLATFORM_SCREENSHOTS")


def _check(page, name: str, lang: str, *, sideways: bool = True) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_load_state()
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - window.innerWidth")
        wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
            .slice(0, 3).map(e => e.tagName + '.' + e.className + '#' + e.id)""")
        assert overflow <= 0 or not sideways, f"{name} at {width}px scrolls sideways by {overflow}px: {wide}"
        assert_no_serious_axe_violations(page)
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{SHOTS}/{name}-{lang}-{width}.png", full_page=True)


@pytest.fixture
def world(app, clock, make):
    clock.set(h.DURING)
    batch = h.batch5()
    h.internal_deadline(batch)
    officer = make.province("440000", username="p15-province")
    make.city("440100", username="p15-city")
    gz = make.applicant(unit="440000", city="440100", name="广州浏览器企业",
                        username="p15-applicant")
    from smplatform.services import prefecture
    prefecture.set_prefecture_review(actor=officer, batch=batch, enabled=True,
                                     city_deadline=datetime(2023, 5, 15, 15, 59, tzinfo=UTC))
    d = h.ready(gz, batch)
    from smplatform.services import declarations
    declarations.submit(declaration=d, actor=gz, base_version=d.version)
    db.session.commit()
    late = make.applicant(unit="440000", name="逾期草稿企业", username="p15-late")
    h.ready(late, batch)
    from smplatform.documents import declaration_pdf
    pdf = declaration_pdf.render_declaration(d, qr_url="http://localhost/verify")
    minister = make.ministry(username="p15-ministry")
    b = selection.make_batch(number=6)
    ds = [selection.declaration(b, "440000") for _ in range(3)]
    experts = [selection.expert(make, unit=u) for u in ("110000", "120000")]
    for declaration in ds:
        for expert in experts:
            row = review_assignments.add_reviewer(actor=minister, declaration=declaration,
                                                  expert=expert)
            row.state = "accepted"
    db.session.commit()
    for expert, marks in zip(experts, ((80, 70, 60), (90, 85, 95)), strict=True):
        for declaration, value in zip(ds, marks, strict=True):
            row = db.session.scalar(db.select(review_assignments.ReviewAssignment).where(
                review_assignments.ReviewAssignment.declaration_id == declaration.id,
                review_assignments.ReviewAssignment.expert_id == expert.id))
            from smplatform.rules import rubric
            review_assignments.save_review(
                actor=expert, review=row, scores={c.key: value for c in
                                                  rubric.rubric_for("enterprise")},
                comments={}, submit=True)
    db.session.commit()
    return {"d": d, "pdf": pdf, "batch6": b}


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_issue15_pages(app, world, live_server, browser_page, browser_page_en, clock, lang,
                       tmp_path):
    page = browser_page if lang == "zh" else browser_page_en
    base = live_server.url
    pdf = tmp_path / "declaration.pdf"
    pdf.write_bytes(world["pdf"])
    page.goto(f"{base}/verify")
    page.set_input_files("#pdf", str(pdf))
    page.click("form[action$='/verify/pdf'] button[type=submit]")
    page.wait_for_selector("#pdf-result")
    _check(page, "verify-pdf", lang)

    sign_in(page, base, "p15-city")
    page.goto(f"{base}/city/")
    _check(page, "city-dashboard", lang)
    page.goto(f"{base}/city/declarations/{world['d'].id}")
    _check(page, "city-declaration", lang)
    page.goto(f"{base}/account/sign-out") if False else page.context.clear_cookies()

    sign_in(page, base, "p15-province")
    page.goto(f"{base}/province/prefecture")
    _check(page, "province-prefecture", lang)
    page.goto(f"{base}/province/extensions")
    _check(page, "province-extensions", lang)
    page.context.clear_cookies()

    sign_in(page, base, "p15-ministry")
    page.goto(f"{base}/ministry/batches/{world['batch6'].id}/review/experts")
    _check(page, "ministry-experts", lang)
    page.goto(f"{base}/ministry/batches/{world['batch6'].id}/review")
    _check(page, "ministry-review", lang)
    page.context.clear_cookies()

    clock.set(h.PROVINCE.replace(day=20))
    sign_in(page, base, "p15-late")
    page.goto(f"{base}/applicant/")
    page.click("text=逾期草稿企业" if False else "main a[href*='/applicant/declarations/']")
    page.wait_for_load_state()
    assert page.locator("#deadline-passed").count() == 1
    _check(page, "applicant-deadline-passed", lang)
