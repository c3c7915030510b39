"""The administrators' tables, the expert pool and the province's counts at 375 px, in
Chromium: user names, e-mails and dates stay whole and the table scrolls inside its box (six
narrow columns cut "audit-admin" into five lines and "Password changed" into six; seen in
the administrators' journey, tests/browser/journeys/test_administrators.py). Nothing scrolls
the page sideways."""
from __future__ import annotations

import pytest

from tests.support.browser import sign_in
from tests.support.layout import sideways_overflow

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("who, path", [("security_admin", "/admin/security"),
                                       ("system_admin", "/admin/users"),
                                       ("audit_admin", "/admin/audit")])
def test_admin_tables_keep_words_whole_at_375(app, make, live_server, browser_page, who, path):
    admin = getattr(make, who)(username="administratorforguangdong")
    make.province("440000", username="guangdongprovincialofficer")
    page, base = browser_page, live_server.url
    sign_in(page, base, admin.username)
    page.goto(base + path)
    assert sideways_overflow(page, 375) == []
    box = page.locator(".table-scroll").first
    assert box.evaluate("b => b.scrollWidth > b.clientWidth")  # scrolls inside its box
    # Each user name in the table, a word without a break opportunity, takes one line.
    lines = _lines_of(page, [admin.username, "guangdongprovincialofficer"])
    assert lines and all(n == 1 for _name, n in lines), (path, lines)


def test_the_expert_pool_keeps_words_whole_at_375(app, make, live_server, browser_page):
    ministry = make.ministry(username="ministryofficer")
    make.expert(username="expertfromguangdongprovince")
    page, base = browser_page, live_server.url
    sign_in(page, base, ministry.username)
    page.goto(base + "/ministry/experts")
    assert sideways_overflow(page, 375) == []
    lines = _lines_of(page, ["expertfromguangdongprovince"])
    assert lines and all(n == 1 for _name, n in lines), lines


def test_the_province_counts_keep_words_whole_at_375(app, make, clock, live_server,
                                                     browser_page_en):
    from tests.support import province as helpers
    clock.set(helpers.NOW)
    helpers.batch()
    helpers.declaration(state="submitted")
    officer = make.province("440000")
    page, base = browser_page_en, live_server.url
    sign_in(page, base, officer.username)
    assert page.url == base + "/province/"
    assert sideways_overflow(page, 375) == []
    lines = _lines_of(page, ["Recommended", "Demonstration"])
    assert lines and all(n == 1 for _name, n in lines), lines


def _lines_of(page, names: list[str]) -> list[tuple[str, int]]:
    """(name, how many lines it takes) for each occurrence of each name in the first
    scrolling table box."""
    return page.evaluate("""(names) => {
        const out = [];
        const walker = document.createTreeWalker(document.querySelector('.table-scroll'),
                                                 NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            for (const name of names) {
                const at = node.data.indexOf(name);
                if (at < 0) continue;
                const range = document.createRange();
                range.setStart(node, at);
                range.setEnd(node, at + name.length);
                const tops = new Set([...range.getClientRects()].filter(r => r.width > 0)
                                        .map(r => Math.round(r.top)));
                out.push([name, tops.size]);
            }
        }
        return out;
    }""", names)
