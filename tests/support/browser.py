"""Browser testing kit: a live server, a headless Chromium page, and an axe-core check.

Reuse in any test module (the fixtures are imported by tests/conftest.py):

    @pytest.mark.browser
    def test_something(app, live_server, browser_page):
        browser_page.goto(live_server.url + "/")
        assert_no_serious_axe_violations(browser_page)

`live_server` serves the same application object and database as the `app` fixture (SQLite
file or the throw-away PostgreSQL), with werkzeug in a background thread on 127.0.0.1 and a
random port; request `app` too so that the database is cleaned and `clock` works. Tests run
without Chromium are skipped with a message (CI installs it: tools/system-deps.sh).

axe-core is injected with `page.evaluate(source)`: Playwright evaluates through the DevTools
protocol, which the page's Content-Security-Policy (no inline scripts) does not block, so the
pages are checked with their real CSP (no bypass_csp).
"""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("SMPLATFORM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
AXE_JS = Path(__file__).resolve().parents[1] / "vendor" / "axe-core-4.11.4" / "axe.min.js"
SERIOUS = ("serious", "critical")


@dataclass
class LiveServer:
    url: str
    host: str
    port: int


@pytest.fixture(scope="session")
def live_server(_session_app):
    """The app served over HTTP on 127.0.0.1 at a random port for the whole session."""
    from werkzeug.serving import make_server
    server = make_server("127.0.0.1", 0, _session_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    port = server.server_port
    yield LiveServer(url=f"http://127.0.0.1:{port}", host="127.0.0.1", port=port)
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def _browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (install it: tools/system-deps.sh)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(_browser):
    """A fresh page (own cookies) in headless Chromium whose browser asks for Chinese (zh-CN).

    `page.csp_violations` collects Content-Security-Policy reports from the console; tests
    can assert it stays empty.
    """
    context = _browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    page.csp_violations = []
    page.on("console", lambda msg: page.csp_violations.append(msg.text)
            if "Content Security Policy" in msg.text else None)
    yield page
    context.close()


@pytest.fixture
def browser_page_en(_browser):
    """Like browser_page, for a browser that asks for English (en-US)."""
    context = _browser.new_context(locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15000)
    page.csp_violations = []
    page.on("console", lambda msg: page.csp_violations.append(msg.text)
            if "Content Security Policy" in msg.text else None)
    yield page
    context.close()


def axe_violations(page, impacts=SERIOUS) -> list[dict]:
    """Run axe-core on the current page; return the violations of the given impacts."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    violations = page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ['violations']});
        return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => n.target.join(' '))}));
    }""")
    return [v for v in violations if v["impact"] in impacts]


def assert_no_serious_axe_violations(page) -> None:
    """Fail with axe's explanation when the page has a serious or critical violation."""
    found = axe_violations(page)
    assert found == [], f"{page.url}: {found}"


def sign_in(page, base: str, username: str, lang: str | None = None) -> None:
    """Sign in through the sign-in form, and the code page when it shows (staff); with
    `lang` "en", then choose English with the language switch."""
    from tests.support.factories import PASSWORD
    from tests.support.two_factor import browser_second_step
    page.goto(f"{base}/account/sign-in")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    browser_second_step(page, username)
    assert "/account/sign-in" not in page.url, page.url
    if lang == "en":
        page.click("button[name=lang][value=en]")
        page.wait_for_load_state()


def check_page(page, name: str) -> None:
    """The page at every width of tests/support/layout.WIDTHS without sideways scrolling
    (a screenshot of each into SMPLATFORM_SCREENSHOTS when set), then axe-core."""
    from tests.support.layout import WIDTHS, sideways_overflow
    for width in WIDTHS:
        assert sideways_overflow(page, width) == [], f"{name} at {width}px"
        folder = os.environ.get("SMPLATFORM_SCREENSHOTS")
        if folder:
            page.screenshot(path=f"{folder}/{name}-{width}.png", full_page=True)
    assert_no_serious_axe_violations(page)
