"""Journey kit: people who use the site only the way a person does.

A journey (tests/browser/journeys/) starts each person at the home page (the only `goto` there is) and from then on
moves only by clicking links and buttons and filling fields found by their accessible names
(`get_by_role`, `get_by_label`), so a journey that passes proves that every step can be
reached by clicking and that every control it touched is labelled.

    def test_something(journey):
        alice = journey.person("alice")          # a browser of her own, in the journey's language
        alice.start()                            # the home page: the one typed URL
        alice.sign_in("alice", PASSWORD)         # through the form, from the home page
        alice.link(journey.t("Start a declaration"))

Every page a person arrives at is checked (`Person.check`): the document answered below 400,
in the journey's language; no serious or critical axe-core violation; no sideways scrolling at
1280 and 375 pixels; no Content-Security-Policy violation and no script error; and where
issue 16 item 5 asks for it (every declaration and evaluation filing), the step indicator
with where it stands. Texts are written as the application's English msgids and looked up
in the journey's language (`journey.t`), so one journey reads the same in both languages and
fails when a translation is missing from the page.

`SMPLATFORM_JOURNEY_SHOTS=<dir>` saves a screenshot of every page checked (both widths).
"""
from __future__ import annotations

import io
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pyotp
import pytest
from playwright.sync_api import Error as PlaywrightError, Locator, Page, expect

from smplatform.enums import DeclarationState  # noqa: F401  (the journeys' checks)
from smplatform.rules.annex1 import STAMPED_SCAN as STAMPED_SCAN_KIND  # noqa: F401
from tests.support import two_factor
from tests.support.browser import assert_no_serious_axe_violations

WIDTHS = (1280, 375)
HEIGHT = 900
TIMEOUT_MS = int(os.environ.get("SMPLATFORM_JOURNEY_TIMEOUT_MS", 60_000))  # shared machine: wait, never sleep
LOCALES = {"zh": ("zh-CN", "zh_CN", "zh-CN"), "en": ("en-US", "en", "en")}
SHOTS = os.environ.get("SMPLATFORM_JOURNEY_SHOTS")
# Issue 16 item 5: every declaration and evaluation filing shows where it stands.
PROGRESS_PAGES = re.compile(
    r"^/(applicant|province|ministry)/(declarations|evaluations)/\d+$")


class TypedURL(AssertionError):
    """A journey tried to open a URL instead of clicking its way there."""


@dataclass
class Visit:
    person: str
    path: str
    title: str


@dataclass
class Journey:
    """The people of one journey, their language and what they visited."""

    app: object
    base_url: str
    browser: object
    lang: str
    visits: list[Visit] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)

    # ---------------------------------------------------------------- words of the site
    def t(self, msgid: str, **variables) -> str:
        """The application's text `msgid` in the journey's language (its gettext catalog)."""
        from flask_babel import force_locale, gettext
        with self.app.test_request_context(), force_locale(LOCALES[self.lang][1]):
            return gettext(msgid, **variables)

    def label(self, value) -> str:
        """A label of the application in the journey's language: an annex Text (zh/en),
        an enum member (its lazy label) or a lazy string."""
        if hasattr(value, "zh") and hasattr(value, "en"):
            return value.get(self.lang)
        from flask_babel import force_locale
        with self.app.test_request_context(), force_locale(LOCALES[self.lang][1]):
            return str(getattr(value, "label", value))

    # ---------------------------------------------------------------------- people
    def person(self, name: str) -> Person:
        """A person with a browser of their own (own cookies), asking for the journey's
        language."""
        context = self.browser.new_context(
            locale=LOCALES[self.lang][0], accept_downloads=True,
            viewport={"width": WIDTHS[0], "height": HEIGHT})
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        person = Person(self, name, context, context.new_page())
        self.people.append(person)
        return person

    def close(self) -> None:
        for person in self.people:
            person.context.close()


class Person:
    """One person at one browser. Every method acts as a user would and waits for what it
    caused: a new page (checked), a download, or an element the caller names."""

    def __init__(self, journey: Journey, name: str, context, page: Page) -> None:
        self.journey = journey
        self.name = name
        self.context = context
        self.page = page
        self.t = journey.t
        self.problems: list[str] = []
        self._started = False
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))
        self._goto = page.goto
        page.goto = self._typed_url  # the only way to a URL is start()

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text:
            self.problems.append(f"CSP: {message.text}")

    def _typed_url(self, url, **_):
        raise TypedURL(f"{self.name} typed {url}: a journey moves only by clicking")

    # ------------------------------------------------------------------ arriving
    def start(self) -> None:
        """Open the home page: the one URL a journey types, once per person."""
        if self._started:
            raise TypedURL(f"{self.name} opened the home page by URL a second time")
        self._started = True
        response = self._goto(self.journey.base_url + "/", wait_until="load")
        self._arrived(response)

    def _arrived(self, response, status: int | None = None) -> None:
        if response is None:  # same-document navigation (an anchor)
            return
        if status is None:
            assert response.status < 400, (
                f"{self.name}: {response.status} at {response.url}\n{self._text()[:1500]}")
        else:
            assert response.status == status, (response.status, response.url)
        self.check()

    def _text(self) -> str:
        try:
            return self.page.locator("main").inner_text()
        except Exception:  # noqa: BLE001  (only for a failure message)
            return ""

    def _navigate(self, act, *, status: int | None = None) -> None:
        try:
            with self.page.expect_navigation(wait_until="load", timeout=TIMEOUT_MS) as nav:
                act()
        except PlaywrightError as error:  # say where the person was and what they saw
            raise AssertionError(f"{self.name} at {self.page.url}: {error.message}\n"
                                 f"{self._text()[:1500]}") from None
        self._arrived(nav.value, status)

    # ------------------------------------------------------------------ the checks
    def check(self) -> None:
        """Check the page as it stands (done on every arrival; call it again after an htmx
        change worth checking)."""
        page = self.page
        page.wait_for_load_state("load")
        path = urlsplit(page.url).path
        expect(page.locator("html")).to_have_attribute("lang", LOCALES[self.journey.lang][2])
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": HEIGHT})
            page.evaluate(_AFTER_RESIZE_JS)  # the page's own resize handlers have run
            wide = page.evaluate(_SIDEWAYS_JS)
            assert wide == [], f"{page.url} scrolls sideways at {width}px: {wide}"
            if SHOTS:
                self._shoot(path, width)
        page.set_viewport_size({"width": WIDTHS[0], "height": HEIGHT})
        # axe-core takes half a second a page; a page built like one already checked in this
        # language (the same elements, classes, roles and states, whatever the text and the
        # number of rows) has already been checked.
        shape = (self.journey.lang, page.evaluate(_SHAPE_JS))
        if shape not in _AXE_CHECKED:
            assert_no_serious_axe_violations(page)
            _AXE_CHECKED.add(shape)
        assert self.problems == [], f"{page.url}: {self.problems}"
        if PROGRESS_PAGES.match(path):
            card = page.locator("#where-it-stands")
            expect(card, f"{path}: where it stands").to_be_visible()
            expect(card.locator("#progress-state")).not_to_be_empty()
            # the step it is at (or stopped at), none once the way has come to its end
            assert card.locator("[aria-current=step]").count() <= 1, path
        self.journey.visits.append(Visit(self.name, path, page.title()))

    def _shoot(self, path: str, width: int) -> None:
        n = len(self.journey.visits)
        name = f"{self.journey.lang}-{n:03d}-{self.name}-{path.strip('/').replace('/', '_') or 'home'}-{width}.png"
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(Path(SHOTS) / name), full_page=True, caret="initial")

    # ------------------------------------------------------------------ finding things
    def within(self, role: str | None = None, name: str | None = None) -> Locator | Page:
        """A region of the page (a landmark, a section named by its heading, a form…)."""
        if role is None:
            return self.page
        return self.page.get_by_role(role, name=name, exact=True)

    def region(self, heading: str) -> Locator:
        """The section whose heading is `heading` (sections are labelled by their heading)."""
        return self.page.get_by_role("region", name=heading, exact=True)

    def row(self, text: str, scope: Locator | Page | None = None) -> Locator:
        """The one table row that contains `text`."""
        rows = (scope or self.page).get_by_role("row").filter(has_text=text)
        expect(rows).to_have_count(1)
        return rows

    # ------------------------------------------------------------------ moving on
    def link(self, name: str, *, scope: Locator | Page | None = None, exact: bool = True,
             status: int | None = None) -> None:
        """Follow the link called `name` to the page it leads to (checked)."""
        target = (scope or self.page).get_by_role("link", name=name, exact=exact)
        self._navigate(lambda: target.click(), status=status)

    def button(self, name: str, *, scope: Locator | Page | None = None, exact: bool = True,
               status: int | None = None, keyboard: bool = False) -> None:
        """Press the button called `name`, which submits its form: the next page is checked.
        `keyboard`: move the focus to it and press Enter, as a keyboard user does."""
        target = (scope or self.page).get_by_role("button", name=name, exact=exact)
        if keyboard:
            self._navigate(lambda: (target.focus(), target.press("Enter")), status=status)
        else:
            self._navigate(lambda: target.click(), status=status)

    def press(self, name: str, *, scope: Locator | Page | None = None,
              exact: bool = True) -> None:
        """Press a button that changes the page in place (htmx); the caller waits for the
        change it expects."""
        (scope or self.page).get_by_role("button", name=name, exact=exact).click()

    def download(self, name: str, *, scope: Locator | Page | None = None,
                 role: str = "link", exact: bool = True) -> tuple[str, bytes]:
        """Click the link (or button) called `name` that downloads a file: its name and bytes."""
        target = (scope or self.page).get_by_role(role, name=name, exact=exact)
        with self.page.expect_download(timeout=TIMEOUT_MS) as info:
            target.click()
        download = info.value
        assert download.failure() is None, download.failure()
        return download.suggested_filename, Path(download.path()).read_bytes()

    # ------------------------------------------------------------------ filling in
    def field(self, label: str, *, scope: Locator | Page | None = None,
              exact: bool = True) -> Locator:
        """The control labelled `label` (a required field's label ends in its "*")."""
        where = scope or self.page
        controls = self.page.locator("input, select, textarea")  # not a region so named
        if not exact:
            return where.get_by_label(label).and_(controls)
        pattern = re.compile(r"^\s*" + re.escape(label.strip()) + r"\s*\*?\s*$")
        return where.get_by_label(pattern).and_(controls)

    def fill(self, label: str, value: str, **kw) -> None:
        self.field(label, **kw).fill(value)

    def choose(self, label: str, option: str, **kw) -> None:
        """Choose the option whose visible text is `option` in the list labelled `label`."""
        self.field(label, **kw).select_option(label=option)

    def choose_with(self, label: str, text: str, **kw) -> None:
        """Choose the one option of the list labelled `label` whose text contains `text`."""
        box = self.field(label, **kw)
        option = box.locator("option").filter(has_text=text)
        expect(option).to_have_count(1)
        box.select_option(label=option.inner_text().strip())

    def tick(self, label: str, *, scope: Locator | Page | None = None) -> None:
        """Tick a check box or choose a radio button by its label."""
        self.field(label, scope=scope).check()

    def attach(self, label: str, filename: str, content: bytes, mime: str, **kw) -> None:
        """Choose a file for the file input labelled `label`."""
        self.field(label, **kw).set_input_files(
            {"name": filename, "mimeType": mime, "buffer": content})

    # ------------------------------------------------------------------ reading
    def flash(self) -> str:
        return self.page.locator(".flashes").inner_text().strip()

    def expect_flash(self, text: str) -> None:
        expect(self.page.locator(".flashes")).to_contain_text(text)

    def heading(self) -> str:
        return self.page.locator("h1").inner_text().strip()

    def sees(self, text: str, scope: Locator | Page | None = None) -> None:
        expect((scope or self.page.locator("main")).get_by_text(text, exact=False).first
               ).to_be_visible()

    # ------------------------------------------------------------------ signing in and out
    def sign_in(self, username: str, password: str, *, totp: TOTP | None = None) -> None:
        """From wherever the person is: the navigation's "Sign in" (unless the site already
        asks for it: a session that timed out), the form, then (staff: two-factor sign-in) the
        code their authenticator app shows, the dashboard or the page asked for. `totp`: the
        app's secret; by default the one the account enrolled (tests/support/two_factor.py).
        At the first sign-in of a role that needs the second factor, the person sets up the
        app (`totp`, whose secret it then keeps) and keeps the recovery codes."""
        t = self.t
        if not urlsplit(self.page.url).path.endswith("/account/sign-in"):
            nav = self.page.get_by_role("navigation", name=t("Main"))
            self.link(t("Sign in"), scope=nav)
        self.fill(t("User name"), username)
        self.fill(t("Password"), password)
        self.button(t("Sign in"), scope=self.page.locator("main"))
        self.page.wait_for_load_state()
        if urlsplit(self.page.url).path.endswith(two_factor.ENROL_PAGE):
            assert totp is not None, f"{username} must set up two-factor sign-in: pass a TOTP"
            self.enrol(totp)
            return
        if urlsplit(self.page.url).path.endswith(two_factor.CODE_PAGE):
            from smplatform import clock
            code = (pyotp.TOTP(totp.secret).at(clock.now()) if totp and totp.secret
                    else two_factor.fresh_code(username))
            self.fill(t("Code"), code)
            self.button(t("Sign in"), scope=self.page.locator("main"))

    def enrol(self, totp: TOTP) -> None:
        """On the set-up page of two-factor sign-in: show the QR code, add it to the app (the
        key under it, as one who cannot scan types it), confirm with the app's first code,
        keep the recovery codes and continue."""
        from smplatform import clock
        t = self.t
        self.button(t("Show the QR code"), scope=self.page.locator("main"))
        totp.secret = self.page.locator("#totp-secret").inner_text().strip()
        self.fill(t("6-digit code from the app"), pyotp.TOTP(totp.secret).at(clock.now()))
        self.button(t("Confirm"), scope=self.page.locator("main"))
        expect(self.page.locator("#recovery-codes li")).not_to_have_count(0)
        self.link(t("I have kept them; continue"))

    def sign_out(self) -> None:
        self.button(self.t("Sign out"))

    def nav(self, name: str, *, exact: bool = True) -> None:
        """Follow a link of the site's main navigation."""
        self.link(name, scope=self.page.get_by_role("navigation", name=self.t("Main")),
                  exact=exact)


@dataclass
class TOTP:
    """A person's authenticator app (two-factor sign-in)."""

    secret: str | None = None


_AFTER_RESIZE_JS = """() => new Promise(done =>
    requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 0))))"""
_AXE_CHECKED: set[tuple[str, str]] = set()
_SHAPE_JS = """() => {
    const keep = ['class', 'role', 'type', 'hidden', 'disabled', 'open', 'lang', 'dir',
                  'aria-hidden', 'aria-current', 'aria-invalid', 'aria-expanded', 'tabindex'];
    const shapes = new Set();
    for (const el of document.querySelectorAll('html, body *')) {
        const parts = [el.parentElement ? el.parentElement.tagName : '', el.tagName];
        for (const a of el.attributes) {
            parts.push(keep.includes(a.name) ? a.name + '=' + a.value : a.name);
        }
        shapes.add(parts.join(' '));
    }
    return [...shapes].sort().join('\\n');
}"""
_SIDEWAYS_JS = """() => {
    const doc = document.documentElement;
    if (doc.scrollWidth <= window.innerWidth) return [];
    const out = ['scrollWidth ' + doc.scrollWidth + ' > ' + window.innerWidth];
    for (const el of document.querySelectorAll('body *')) {
        const r = el.getBoundingClientRect();
        if (r.right <= window.innerWidth + 1 || r.width === 0) continue;
        let clipped = false;
        for (let p = el.parentElement; p; p = p.parentElement) {
            const s = getComputedStyle(p).overflowX;
            if (s === 'auto' || s === 'scroll' || s === 'hidden') { clipped = true; break; }
        }
        if (!clipped) out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
            + (typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
            + ' +' + Math.round(r.right - window.innerWidth) + 'px');
        if (out.length > 8) break;
    }
    return out;
}"""


# ---------------------------------------------------------------------------- fixtures


@pytest.fixture(params=["zh", "en"])
def journey(request, app, live_server, _browser):
    """A journey in each language (Chinese, then English) on the live server."""
    started = time.monotonic()
    j = Journey(app=app, base_url=live_server.url, browser=_browser, lang=request.param)
    yield j
    j.close()
    request.node.user_properties.append(("pages", len(j.visits)))
    request.node.user_properties.append(("seconds", round(time.monotonic() - started, 1)))


def sample_file(kind: str = "pdf") -> tuple[bytes, str]:
    """A small real file of the kind (pdf or png) and its MIME type."""
    if kind == "png":
        from PIL import Image
        out = io.BytesIO()
        Image.new("RGB", (8, 8), (30, 90, 160)).save(out, format="PNG")
        return out.getvalue(), "image/png"
    from pypdf import PdfWriter
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), "application/pdf"


# ---------------------------------------------------------------------------- the applicant


@dataclass
class Organisation:
    """An organisation a journey registers through the form."""

    kind: str  # enterprise, platform_operator, city_department
    name: str
    unit: str  # the provincial-level unit's code
    username: str
    city: str | None = None
    password: str = "Journey-Pass-2023"
    seq: int = 1

    @property
    def credit_code(self) -> str:
        from tests.support.factories import credit_code
        return credit_code(900 + self.seq + sum(map(ord, self.username)), self.unit)


def register(person: Person, org: Organisation) -> None:
    """From the home page: "Register your organisation", the form, then signed in or sent to
    sign in."""
    from smplatform.enums import OrgType, UnitKind
    from smplatform.extensions import db
    from smplatform.models import City, Unit
    t = person.t
    person.link(t("Register your organisation"), scope=person.page.locator("main"))
    person.choose(t("Organisation type"), person.journey.label(OrgType(org.kind)))
    unit = db.session.get(Unit, org.unit)
    unit_name = unit.name_en if person.journey.lang == "en" else unit.name_zh
    if unit.is_planned_city:
        unit_name = f"{unit_name} ({person.journey.label(UnitKind.PLANNED_CITY)})"
    person.choose(t("Provincial-level unit"), unit_name)
    if org.city:
        city = db.session.get(City, org.city)
        city_name = city.name_en if person.journey.lang == "en" else city.name_zh
        expect(person.page.get_by_role("option", name=city_name)).to_be_attached()
        person.choose(t("Prefecture-level city"), city_name)
    person.fill(t("Organisation name"), org.name)
    person.fill(t("Unified social credit code"), org.credit_code)
    person.fill(t("Contact person"), "王晓明")
    person.fill(t("Mobile"), "13800138000")
    person.fill(t("E-mail"), f"{org.username}@example.com")
    person.fill(t("User name"), org.username)
    person.fill(t("Password"), org.password)
    person.fill(t("Repeat the password"), org.password)
    person.button(t("Register"), scope=person.page.locator("main"))
    if urlsplit(person.page.url).path.endswith("/sign-in"):  # registered: now sign in
        person.fill(t("User name"), org.username)
        person.fill(t("Password"), org.password)
        person.button(t("Sign in"), scope=person.page.locator("main"))
    expect(person.page.locator("h1")).to_have_text(org.name)


SAMPLE = {"text": "示例内容", "textarea": "我们的做法与成效，详见附件。", "date": "2016-05-18",
          "money": "12000", "integer": "320", "email": "office@example.com",
          "mobile": "13900139000", "url": "https://platform.example.com"}


def declare(person: Person, org: Organisation, *, category: str, klass: str | None = None,
            service_model: str = "customised") -> None:
    """From the organisation's dashboard: start a declaration of `category` (the eligibility
    step), fill in every section of Annex 1, upload the required attachments. Ends on the
    declaration's overview, ready to submit."""
    from smplatform.enums import Category, CityClass, PlatformClass, ServiceModel
    j, t = person.journey, person.t
    person.link(t("Start a declaration"))
    radios = person.page.get_by_role("radio", name=j.label(Category(category)), exact=True)
    if radios.count():  # an organisation that may declare one category has it chosen
        radios.check()
    if category == "platform":
        person.tick(t("Platform: %(label)s", label=j.label(PlatformClass(klass))))
        person.fill(t("Date the platform went into formal operation"), "2019-06-01")
    if category == "city":
        person.tick(j.label(CityClass(klass)))
    if category == "enterprise" or (category == "platform" and klass == "other"):
        person.choose(t("Main service model"), j.label(ServiceModel(service_model)))
    for name in ("Registered in the People's Republic of China, with independent legal "
                 "personality", "Good operational and financial status",
                 "No major quality, environmental or safety accident since 1 January 2021",
                 "No illegal acts, and no suspected violation under review"):
        person.tick(t(name))
    person.button(t("Check and start"))
    fill_annex(person, category)


def fill_annex(person: Person, category: str) -> None:
    """Every section of the declaration, one after the other through the section list."""
    from smplatform.rules import annex1
    j, t = person.journey, person.t
    definition = annex1.definition(category)
    for section in definition.sections:
        person.link(section.title.get(j.lang), scope=person.page.locator("ol.progress-list"))
        fill_section(person, section)
        # By keyboard: the form is filled in from the keyboard too (and a pointer's click may
        # miss a button the autosave's status line moves while the mouse is down).
        person.button(t("Save"), scope=person.page.locator("#section-form"), keyboard=True)
        expect(person.page.locator("#save-status .error")).to_have_count(0)
    person.link(t("Back to the declaration"))


def fill_section(person: Person, section) -> None:
    """Each empty field of the section, found by its label in the person's language."""
    j = person.journey
    page = person.page
    for f in section.fields():
        label = f.label.get(j.lang)
        if f.kind == "check":
            person.page.get_by_role("checkbox", name=label, exact=True).check()
        elif f.kind == "multichoice":
            group = page.get_by_role("group", name=label)
            group.get_by_role("checkbox").first.check()
        elif f.kind == "choice":
            box = person.field(label)
            if not box.input_value():
                box.select_option(label=f.choices[0].label.get(j.lang))
        else:
            box = person.field(label)
            if box.input_value():
                continue  # filled in from the registration
            value = SAMPLE[f.kind] if f.kind != "credit_code" else None
            if value is not None:
                box.fill(value)


def attach_required(person: Person, category: str) -> None:
    """On the declaration's overview: upload a file for each required kind of attachment."""
    from smplatform.rules import annex1
    for kind in annex1.definition(category).attachments:
        if kind.required:
            upload(person, kind, f"{kind.key}.pdf", sample_file("pdf")[0])


def upload(person: Person, kind, filename: str, content: bytes,
           mime: str = "application/pdf") -> None:
    """On the declaration's overview: choose the kind of attachment, the file, Upload."""
    j, t = person.journey, person.t
    section = person.region(t("Attachments"))
    label = kind.label.get(j.lang) + (" *" if kind.required else "")
    person.choose(t("Kind"), label, scope=section)
    person.attach(t("File"), filename, content, mime, scope=section)
    person.button(t("Upload"), scope=section)
    expect(person.row(filename, person.region(t("Attachments")))).to_be_visible()


def first_section(journey: Journey, category: str):
    from smplatform.rules import annex1
    return annex1.definition(category).sections[0]


def revise_section(person: Person, section) -> None:
    """On a section of the form: add to its first text field and press Save."""
    f = next(f for f in section.fields() if f.kind in ("text", "textarea")
             and person.field(f.label.get(person.journey.lang)).is_editable())
    box = person.field(f.label.get(person.journey.lang))
    box.fill(box.input_value() + "（已补充）")
    person.button(person.t("Save"), scope=person.page.locator("#section-form"))
    expect(person.page.locator("#save-status .error")).to_have_count(0)


def stamped_copy(person: Person, number: str) -> bytes:
    """On the declaration's overview: download the form as PDF (its name carries the number),
    which the organisation prints, stamps and scans: the bytes to upload as the scan."""
    name, content = person.download(person.t("Download the declaration PDF"))
    assert number in name, name
    assert content.startswith(b"%PDF"), content[:20]
    return content


def submit_declaration(person: Person, *, again: bool = False, to_city: bool = False) -> str:
    """On a complete declaration's overview: submit (or resubmit) it; its electronic number.
    `to_city`: the province has turned on the city's initial review, which it goes to."""
    t = person.t
    expect(person.region(t("Completeness check"))).to_contain_text(
        t("Everything required is filled in."))
    if to_city:
        person.button(t("Resubmit to your city") if again
                      else t("Submit to your city's initial review"))
    else:
        person.button(t("Resubmit to the province") if again else t("Submit to the province"))
    number = person.page.locator("#electronic-number").inner_text().strip()
    person.expect_flash(t("Submitted to your city's industry and IT department for its initial "
                          "review. Electronic number: %(number)s.", number=number) if to_city
                        else t("Submitted to the provincial department. Electronic number: "
                               "%(number)s.", number=number))
    return number
