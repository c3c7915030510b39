"""Browser helpers for the selection tests, on top of the shared kit in tests/support/browser.py: pages
in a chosen locale from the shared Chromium, and an axe-core check."""
from __future__ import annotations

from pathlib import Path

import pytest

AXE_JS = Path(__file__).resolve().parent.parent / "vendor" / "axe-core-4.11.4" / "axe.min.js"


@pytest.fixture
def browser(_browser):
    """The shared headless Chromium (tests/support/browser.py)."""
    return _browser


def new_page(browser, locale="en-GB"):
    context = browser.new_context(locale=locale)
    page = context.new_page()
    page.set_default_timeout(15000)
    return page


def serious_axe_violations(page) -> list[dict]:
    page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    found = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact,
                                       nodes: v.nodes.map(n => n.target.join(' '))}));
    }""")
    return [v for v in found if v["impact"] in ("serious", "critical")]
