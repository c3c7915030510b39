"""The applicant's declaration: start, fill in, autosave, conflicts, submit, withdraw, return."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from smplatform.enums import DeclarationState, OrgType
from smplatform.extensions import db
from smplatform.models import AuditEntry, Declaration
from smplatform.rules import numbering
from smplatform.services.workflow import apply
from tests.support import declarations as h


@pytest.fixture
def batch(app, clock):
    clock.set(h.DURING)
    return h.batch5()


@pytest.fixture
def applicant(make):
    return make.applicant(unit="440000")


def url(d, suffix=""):
    return f"/applicant/declarations/{d.id}{suffix}"


def reload(d) -> Declaration:
    db.session.expire_all()
    return db.session.get(Declaration, d.id)


# --- Starting ------------------------------------------------------------------------------

def start_form(**kw):
    data = {"category": "enterprise", "service_model": "customised",
            **{k: "y" for k in h.ATTESTED}}
    data.update(kw)
    return data


def test_start_enterprise_prefills_from_organisation(batch, applicant, login_as):
    client = login_as(applicant)
    response = client.post("/applicant/declarations/new", data=start_form())
    assert response.status_code == 302
    d = db.session.scalar(select(Declaration))
    org = applicant.organisation
    assert (d.category, d.state, d.version) == ("enterprise", "draft", 1)
    assert (d.data["org_name"], d.data["credit_code"], d.data["contact_email"]) == (
        org.name, org.credit_code, org.contact_email)
    assert d.data["service_model"] == "customised"


def test_start_refused_without_all_conditions(batch, applicant, login_as):
    client = login_as(applicant)
    data = start_form()
    del data["cond_no_accident"]
    response = client.post("/applicant/declarations/new", data=data)
    assert response.status_code == 400
    assert "All four common conditions must be met" in response.get_data(as_text=True)
    assert db.session.scalar(select(Declaration)) is None


def test_start_platform_too_young_refused(batch, make, login_as):
    user = make.applicant(org_type=OrgType.PLATFORM_OPERATOR)
    response = login_as(user).post("/applicant/declarations/new", data=start_form(
        category="platform", klass="shared_manufacturing", launch_date="2021-06-01"))
    assert response.status_code == 400
    assert "less than 2 years" in response.get_data(as_text=True)


def test_start_platform_two_years_ok(batch, make, login_as):
    user = make.applicant(org_type=OrgType.PLATFORM_OPERATOR)
    response = login_as(user).post("/applicant/declarations/new", data=start_form(
        category="platform", klass="shared_manufacturing", launch_date="2021-05-31"))
    assert response.status_code == 302
    assert db.session.scalar(select(Declaration.klass)) == "shared_manufacturing"


def test_start_platform_uses_batch_reporting_date_attribute(batch, make):
    from smplatform.services import DomainError
    user = make.applicant(org_type=OrgType.PLATFORM_OPERATOR)
    batch.reporting_date = datetime(2023, 3, 2).date()  # another area may add this attribute
    with pytest.raises(DomainError):
        h.start(user, batch, "platform", launch_date="2021-05-31")


def test_start_city_already_demonstration_refused(batch, make, login_as):
    user = make.applicant(org_type=OrgType.CITY_DEPARTMENT, unit="440000", city="440100")
    response = login_as(user).post("/applicant/declarations/new", data=start_form(
        category="city", klass="comprehensive"))
    assert response.status_code == 400
    assert "already a national service-oriented manufacturing demonstration city" in \
        response.get_data(as_text=True)


def test_start_city_offered_only_city(batch, make, login_as):
    user = make.applicant(org_type=OrgType.CITY_DEPARTMENT)
    page = login_as(user).get("/applicant/declarations/new").get_data(as_text=True)
    assert re.findall(r'name="category" value="(\w+)"', page) == ["city"]
    response = login_as(user).post("/applicant/declarations/new", data=start_form())
    assert response.status_code == 400
    assert db.session.scalar(select(Declaration)) is None


def test_start_enterprise_offered_enterprise_and_platform(batch, applicant, login_as):
    page = login_as(applicant).get("/applicant/declarations/new").get_data(as_text=True)
    assert re.findall(r'name="category" value="(\w+)"', page) == ["enterprise", "platform"]


def test_start_twice_same_category_clear_message(batch, applicant, login_as):
    client = login_as(applicant)
    assert client.post("/applicant/declarations/new", data=start_form()).status_code == 302
    response = client.post("/applicant/declarations/new", data=start_form())
    assert response.status_code == 400
    assert "already has a declaration" in response.get_data(as_text=True)
    assert len(db.session.scalars(select(Declaration)).all()) == 1


def test_start_after_internal_deadline_refused(batch, applicant, login_as, clock):
    h.internal_deadline(batch)
    clock.set(h.INTERNAL + timedelta(seconds=1))
    response = login_as(applicant).post("/applicant/declarations/new", data=start_form())
    assert response.status_code == 400
    assert db.session.scalar(select(Declaration)) is None


# --- Filling in ----------------------------------------------------------------------------

def test_section_page_generated_from_annex(batch, applicant, login_as):
    d = h.start(applicant, batch)
    page = login_as(applicant).get(url(d, "/sections/figures")).get_data(as_text=True)
    for year in (2020, 2021, 2022):
        assert f'id="field-operating_revenue_{year}"' in page
    assert 'id="share-2022"' in page
    assert 'hx-trigger="input delay:800ms, change"' in page
    narrative = login_as(applicant).get(url(d, "/sections/narrative")).get_data(as_text=True)
    assert 'data-maxlength="3000"' in narrative


def save(client, d, key, data, version=None, htmx=False):
    payload = dict(data, version=str(version if version is not None else reload(d).version))
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(url(d, f"/sections/{key}"), data=payload, headers=headers)


def test_save_without_js_saves_and_redirects(batch, applicant, login_as):
    d = h.start(applicant, batch)
    client = login_as(applicant)
    data = h.section_raw("enterprise", "basic", h.complete_data("enterprise", d.data))
    response = save(client, d, "basic", data)
    assert response.status_code == 302
    d = reload(d)
    assert (d.data["registered_address"], d.version) == ("示例", 2)
    audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "declaration.save"))
    assert audit.detail["section"] == "basic"


@pytest.mark.parametrize(("key", "name", "bad", "message"), [
    ("basic", "credit_code", "91440101MA59D2MK10", "not valid"),
    ("basic", "registered_capital", "-5", "cannot be negative"),
    ("narrative", "practices", "字" * 3001, "At most 3000 characters; this has 3001"),
    ("contact", "contact_mobile", "12345", "11-digit"),
    ("contact", "contact_email", "nobody", "e-mail address"),
    ("basic", "established_on", "2019-02-30", "YYYY-MM-DD"),
    ("figures", "employees_2022", "3.5", "whole number"),
])
def test_save_invalid_value_not_saved_and_reported(batch, applicant, login_as, key, name, bad,
                                                   message):
    d = h.start(applicant, batch)
    before = dict(d.data)
    client = login_as(applicant)
    data = h.section_raw("enterprise", key, h.complete_data("enterprise", d.data))
    data[name] = bad
    response = save(client, d, key, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page
    assert f'id="field-{name}-error"' in page
    assert reload(d).data.get(name) == before.get(name)
    # the valid fields of the same post were saved
    other = next(k for k in data if k != name and data[k] and k not in before)
    assert reload(d).data[other] == data[other]


def test_autosave_htmx_returns_status_and_new_version(batch, applicant, login_as, clock):
    d = h.start(applicant, batch)
    client = login_as(applicant)
    response = save(client, d, "contact", {"contact_title": "总经理"}, htmx=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Vary"].split(", ")[0] == "HX-Request"
    assert "Saved at 10:00:00" in page
    assert 'id="version" value="2"' in page
    assert "<html" not in page
    assert reload(d).data["contact_title"] == "总经理"


def test_autosave_totals_and_low_share_warning(batch, applicant, login_as):
    d = h.start(applicant, batch)
    client = login_as(applicant)
    data = {f"operating_revenue_{y}": "1000" for y in (2020, 2021, 2022)}
    data.update({f"service_revenue_{y}": "200" for y in (2020, 2021, 2022)})
    page = save(client, d, "figures", data, htmx=True).get_data(as_text=True)
    assert 'id="total-operating_revenue" class="num" hx-swap-oob="true">3000<' in page
    assert 'id="share-2022" class="num" hx-swap-oob="true">20.00%<' in page
    assert "below 30% of operating revenue" in page
    assert reload(d).low_service_share is True
    data["service_revenue_2022"] = "400"
    save(client, d, "figures", data, htmx=True)
    assert reload(d).low_service_share is False


def test_autosave_invalid_value_reported_out_of_band(batch, applicant, login_as):
    d = h.start(applicant, batch)
    page = save(login_as(applicant), d, "basic", {"registered_capital": "-1"},
                htmx=True).get_data(as_text=True)
    assert 'id="field-registered_capital-error" hx-swap-oob="true">The amount cannot be ' \
           'negative.' in page
    assert reload(d).data.get("registered_capital") is None


def test_autosave_conflict_shows_both_sides_and_keeps_theirs(batch, applicant, make,
                                                             login_as):
    d = h.start(applicant, batch)
    tab_a, tab_b = login_as(applicant), login_as(applicant)
    save(tab_a, d, "contact", {"contact_title": "经理A"}, version=1, htmx=True)
    response = save(tab_b, d, "contact", {"contact_title": "经理B"}, version=1, htmx=True)
    page = response.get_data(as_text=True)
    assert "Someone else changed this section" in page
    assert "经理A" in page and "经理B" in page
    assert reload(d).data["contact_title"] == "经理A"
    # choose "mine"
    response = tab_b.post(url(d, "/sections/contact"), data={
        "version": "2", "resolve": "1", "choice-contact_title": "yours",
        "yours-contact_title": '"经理B"'})
    assert response.status_code == 302
    assert (reload(d).data["contact_title"], reload(d).version) == ("经理B", 3)


# --- Autosave of the changed fields only (`fields`; static/js/declaration.js) --------------

def slots(page: str) -> set[str]:
    """The names of the fields whose error slot an htmx answer replaces."""
    return set(re.findall(r'id="field-([a-z0-9_]+)-error" hx-swap-oob="true"', page))


def test_autosave_reads_only_the_named_fields(batch, applicant, login_as):
    d = h.start(applicant, batch)
    before = dict(d.data)
    response = save(login_as(applicant), d, "contact", {
        "contact_title": "总经理", "contact_name": "不应保存", "contact_mobile": "12345",
        "fields": "contact_title"}, htmx=True)
    assert response.status_code == 200
    d = reload(d)
    assert (d.data["contact_title"], d.data["contact_name"], d.data["contact_mobile"]) == (
        "总经理", before["contact_name"], before["contact_mobile"])
    audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "declaration.save"))
    assert audit.detail["fields"] == ["contact_title"]


def test_autosave_reads_several_named_fields(batch, applicant, login_as):
    d = h.start(applicant, batch)
    save(login_as(applicant), d, "contact", {
        "contact_title": "总经理", "contact_mobile": "13900139000", "contact_name": "不应保存",
        "fields": ["contact_title", "contact_mobile"]}, htmx=True)
    d = reload(d)
    assert (d.data["contact_title"], d.data["contact_mobile"]) == ("总经理", "13900139000")
    assert d.data["contact_name"] == applicant.organisation.contact_name


def test_autosave_leaves_checks_not_named_unchanged(batch, applicant, login_as):
    d = h.start(applicant, batch)
    attested = {k: d.data[k] for k in h.ATTESTED}
    assert all(attested.values())
    client = login_as(applicant)
    response = save(client, d, "attestations", {"pledge": "1", "fields": "pledge"}, htmx=True)
    assert response.status_code == 200
    d = reload(d)
    assert {k: d.data[k] for k in h.ATTESTED} == attested
    assert d.data["pledge"]
    # a named check that is absent was unticked: it is cleared, the others stay
    save(client, d, "attestations", {"fields": "pledge"}, htmx=True)
    d = reload(d)
    assert not d.data.get("pledge")
    assert {k: d.data[k] for k in h.ATTESTED} == attested


def test_save_whole_section_clears_absent_checks(batch, applicant, login_as):
    """The contrast: the Save button (no `fields`) posts the whole section, and a box not
    ticked is absent from the post."""
    d = h.start(applicant, batch)
    save(login_as(applicant), d, "attestations", {"pledge": "1"}, htmx=True)
    d = reload(d)
    assert d.data["pledge"]
    assert [bool(d.data.get(k)) for k in h.ATTESTED] == [False] * len(h.ATTESTED)


def test_autosave_leaves_multichoice_not_named_unchanged(batch, make, login_as):
    user = make.applicant(org_type=OrgType.PLATFORM_OPERATOR)
    d = h.fill(h.start(user, batch, "platform"), user)
    focus = d.data["shared_focus"]
    assert focus
    save(login_as(user), d, "model", {"platform_name": "共享工厂平台",
                                      "fields": "platform_name"}, htmx=True)
    d = reload(d)
    assert (d.data["platform_name"], d.data["shared_focus"]) == ("共享工厂平台", focus)


def test_autosave_answers_only_the_named_fields_error_slots(batch, applicant, login_as):
    d = h.start(applicant, batch)
    client = login_as(applicant)
    page = save(client, d, "basic", {"registered_capital": "-1",
                                     "fields": "registered_capital"},
                htmx=True).get_data(as_text=True)
    assert slots(page) == {"registered_capital"}
    assert 'id="field-registered_capital-error" hx-swap-oob="true">The amount cannot be ' \
           'negative.' in page
    # year table cells too; a valid value gets its (empty) slot back to clear an old message
    page = save(client, d, "figures", {"employees_2022": "120", "profit_2021": "5",
                                       "fields": ["employees_2022", "profit_2021"]},
                htmx=True).get_data(as_text=True)
    assert slots(page) == {"employees_2022", "profit_2021"}


def test_autosave_without_fields_answers_every_error_slot(batch, applicant, login_as):
    d = h.start(applicant, batch)
    page = save(login_as(applicant), d, "contact", {"contact_title": "总经理"},
                htmx=True).get_data(as_text=True)
    assert slots(page) == {"contact_name", "contact_title", "contact_mobile", "contact_email"}


def test_save_conflict_without_js_renders_panel(batch, applicant, login_as):
    d = h.start(applicant, batch)
    client = login_as(applicant)
    save(client, d, "contact", {"contact_title": "A"}, version=1)
    response = save(client, d, "contact", {"contact_title": "B"}, version=1)
    assert response.status_code == 409
    assert "Someone else changed this section" in response.get_data(as_text=True)


def test_save_refused_in_frozen_state(batch, applicant, login_as):
    d = h.start(applicant, batch)
    h.set_state(d, DeclarationState.SUBMITTED)
    response = save(login_as(applicant), d, "contact", {"contact_title": "X"})
    assert response.status_code == 403
    assert reload(d).data.get("contact_title") is None


def test_completeness_check_links_to_fields(batch, applicant, login_as):
    d = h.start(applicant, batch)
    page = login_as(applicant).get(url(d)).get_data(as_text=True)
    assert f'href="/applicant/declarations/{d.id}/sections/basic#field-registered_address"' \
        in page
    assert f'href="/applicant/declarations/{d.id}/sections/attestations#field-pledge"' in page
    assert "Attachment:" in page


def test_preview_shows_everything_read_only(batch, applicant, login_as):
    d = h.ready(applicant, batch)
    page = login_as(applicant).get(url(d, "/preview")).get_data(as_text=True)
    assert "<input" not in page.split('id="main"')[1].split("</main>")[0]
    assert "示例正文" in page and "business_licence.pdf" in page


# --- Submitting ----------------------------------------------------------------------------

def submit(client, d, version=None):
    return client.post(url(d, "/submit"),
                       data={"version": str(version or reload(d).version)})


def test_submit_assigns_number_and_freezes(batch, applicant, login_as):
    d = h.ready(applicant, batch)
    client = login_as(applicant)
    response = submit(client, d)
    assert response.status_code == 302
    d = reload(d)
    assert (d.state, d.electronic_number) == ("submitted", "2023-440000-E-0001")
    assert d.verification_code == numbering.verification_code(d.electronic_number, d.data)
    assert d.submitted_at == h.DURING
    assert [e.action for e in d.events] == ["submit"]
    assert save(client, d, "contact", {"contact_title": "X"}).status_code == 403
    page = client.get(url(d)).get_data(as_text=True)
    assert "2023-440000-E-0001" in page


def test_submit_sequence_per_unit_and_category(batch, applicant, make, login_as):
    other = make.applicant(unit="440000")
    first, second = h.ready(applicant, batch), h.ready(other, batch)
    submit(login_as(applicant), first)
    submit(login_as(other), second)
    assert [reload(first).electronic_number, reload(second).electronic_number] == [
        "2023-440000-E-0001", "2023-440000-E-0002"]


def test_submit_incomplete_refused(batch, applicant, login_as):
    d = h.start(applicant, batch)
    response = submit(login_as(applicant), d)
    assert response.status_code == 409
    assert "not complete" in response.get_data(as_text=True)
    assert reload(d).state == "draft"


def test_submit_one_second_after_internal_deadline_refused(batch, applicant, login_as,
                                                            clock):
    h.internal_deadline(batch)
    d = h.ready(applicant, batch)
    clock.set(h.INTERNAL + timedelta(seconds=1))
    version = reload(d).version
    response = submit(login_as(applicant), d)
    assert response.status_code == 409
    assert "deadline" in response.get_data(as_text=True)
    d = reload(d)
    assert (d.state, d.electronic_number, d.version) == ("draft", None, version)


def test_submit_at_the_deadline_second_accepted(batch, applicant, login_as, clock):
    h.internal_deadline(batch)
    d = h.ready(applicant, batch)
    clock.set(h.INTERNAL)
    assert submit(login_as(applicant), d).status_code == 302
    assert reload(d).state == "submitted"


def test_submit_after_province_deadline_without_internal_refused(batch, applicant, login_as,
                                                                 clock):
    d = h.ready(applicant, batch)
    clock.set(h.PROVINCE + timedelta(seconds=1))
    assert submit(login_as(applicant), d).status_code == 409
    assert reload(d).state == "draft"


def test_submit_twice_same_version_one_submission(batch, applicant, login_as):
    d = h.ready(applicant, batch)
    client = login_as(applicant)
    version = reload(d).version
    assert submit(client, d, version).status_code == 302
    response = submit(client, d, version)
    assert response.status_code == 409
    assert "already been submitted" in response.get_data(as_text=True)
    assert len(reload(d).events) == 1


def test_withdraw_then_resubmit_keeps_number(batch, applicant, login_as):
    d = h.ready(applicant, batch)
    client = login_as(applicant)
    submit(client, d)
    assert client.post(url(d, "/withdraw")).status_code == 302
    d = reload(d)
    assert (d.state, d.electronic_number) == ("draft", "2023-440000-E-0001")
    submit(client, d)
    assert reload(d).electronic_number == "2023-440000-E-0001"


def test_withdraw_refused_once_review_started(batch, applicant, make, login_as):
    d = h.ready(applicant, batch)
    client = login_as(applicant)
    submit(client, d)
    d = reload(d)
    apply(d, "start_review", actor=make.province("440000"))
    db.session.commit()
    response = client.post(url(d, "/withdraw"))
    assert response.status_code == 409
    assert reload(d).state == "under_review"


def test_returned_comments_edit_and_resubmit(batch, applicant, make, login_as):
    d = h.ready(applicant, batch)
    client = login_as(applicant)
    submit(client, d)
    d = reload(d)
    officer = make.province("440000")
    apply(d, "start_review", actor=officer)
    apply(d, "return", actor=officer, comment="请补充数据",
          section_comments={"figures": "2022年服务收入需附审计报告"})
    db.session.commit()
    page = client.get(url(d)).get_data(as_text=True)
    assert "请补充数据" in page and "2022年服务收入需附审计报告" in page
    section = client.get(url(d, "/sections/figures")).get_data(as_text=True)
    assert "2022年服务收入需附审计报告" in section
    old_code = reload(d).verification_code
    assert save(client, d, "contact", {"contact_title": "新职务"}).status_code == 302
    assert submit(client, d).status_code == 302
    d = reload(d)
    assert (d.state, d.electronic_number) == ("submitted", "2023-440000-E-0001")
    assert d.verification_code != old_code
    assert d.verification_code == numbering.verification_code(d.electronic_number, d.data)
    history = client.get(url(d)).get_data(as_text=True)
    assert [e.action for e in d.events] == ["submit", "start_review", "return", "resubmit"]
    assert officer.display_name in history


def test_dashboard_panel_lists_declarations_with_countdown(batch, applicant, login_as):
    d = h.ready(applicant, batch)
    page = login_as(applicant).get("/applicant/").get_data(as_text=True)
    assert "51 days 13 hours left" in page
    assert f'href="/applicant/declarations/{d.id}"' in page
