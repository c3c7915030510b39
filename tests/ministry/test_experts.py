"""The expert pool through the Flask client: the system administrator creates an expert's
account, the ministry gives it its pool profile (and manages no account)."""
import re

import pytest
from sqlalchemy import func, select

from smplatform.enums import Role
from smplatform.extensions import db
from smplatform.models import AuditEntry, ExpertProfile, User
from smplatform.services import experts as service
from tests.access import all_entries
from tests.support.factories import credit_code
from tests.support.helpers import EN, field_error, flashes
from tests.support.world import World

ACCOUNT = {"role": "expert", "unit_code": "", "city_code": "", "username": "expert-zhang",
           "display_name": "张教授", "email": "zhang@example.edu.cn",
           "password": "Initial-Secret-9"}
PROFILE = {"organisation_name": "某某大学", "organisation_credit_code": "",
           "unit_code": "110000", "expertise": ["industrial_design", "city_policy"],
           "active": "y"}


@pytest.fixture
def ministry(make, login_as):
    client = login_as(make.ministry())
    client.post("/language", data={"lang": "en", "next": "/"})
    return client


def audits(action):
    db.session.expire_all()
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)
                              .order_by(AuditEntry.id)).all()


def profile(make, *, unit="110000", org="某大学", fields=("shared_manufacturing",), active=True,
            name=None):
    user = make.expert(username=name)
    result = service.save_expert_profile(actor=make.ministry(), user=user,
                                         organisation_name=org, organisation_credit_code=None,
                                         unit_code=unit, fields=list(fields), active=active)
    db.session.commit()
    return result


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def admin_creates_expert(make, login_as) -> User:
    """The system administrator creates the expert's account through /admin/users."""
    admin = login_as(make.system_admin())
    response = admin.post("/admin/users", data=dict(ACCOUNT), headers=EN)
    assert (response.status_code, response.headers["Location"]) == (302, "/admin/users")
    return db.session.scalar(select(User).where(User.username == "expert-zhang"))


def test_admin_creates_expert_account_and_is_told_the_next_step(make, login_as):
    admin = login_as(make.system_admin())
    form = admin.get("/admin/users", headers=EN).get_data(as_text=True)
    assert '<option value="expert">' in form
    assert "the ministry then gives it a profile in the expert pool" in form
    admin.post("/admin/users", data=dict(ACCOUNT), headers=EN)
    assert flashes(admin.get("/admin/users", headers=EN)) == [
        "Account expert-zhang created. Next step: the ministry gives this expert a profile in "
        "the expert pool (organisation, unit, fields of expertise); only then can reviews be "
        "assigned to the expert."]
    user = db.session.scalar(select(User).where(User.username == "expert-zhang"))
    assert (user.role, user.display_name, user.must_change_password) == (
        "expert", "张教授", True)
    assert service.profile_of(user) is None
    # Other roles keep the plain message.
    admin.post("/admin/users", headers=EN, data=dict(ACCOUNT, role="ministry",
                                                     username="ministry-li"))
    assert flashes(admin.get("/admin/users", headers=EN)) == ["Account ministry-li created."]


def test_ministry_gives_the_admins_expert_account_a_profile_and_it_becomes_assignable(
        make, login_as, ministry):
    user = admin_creates_expert(make, login_as)
    assert service.assignment_pool() == []
    pool = ministry.get("/ministry/experts").get_data(as_text=True)
    assert "Expert accounts are created by the system administrator" in pool
    assert "1 expert account(s) have no profile yet." in pool
    assert re.search(rf'<a href="/ministry/experts/{user.id}/edit">Give profile'
                     r'<span class="visually-hidden"> expert-zhang</span></a>', pool)
    listed = ministry.get("/ministry/experts?active=none").get_data(as_text=True)
    assert "(expert-zhang)" in listed and "1 expert(s)" in listed
    edit = ministry.get(f"/ministry/experts/{user.id}/edit").get_data(as_text=True)
    assert "This expert account has no profile yet" in edit
    response = ministry.post(f"/ministry/experts/{user.id}/edit", data=dict(PROFILE))
    assert (response.status_code, response.headers["Location"]) == (302, "/ministry/experts")
    assert flashes(ministry.get("/ministry/experts")) == ["Profile of expert expert-zhang saved."]
    p = service.profile_of(db.session.get(User, user.id))
    assert (p.organisation_name, p.unit_code, p.fields, p.active) == (
        "某某大学", "110000", ["city_policy", "industrial_design"], True)
    assert [(e.id, e.unit_code) for e in service.assignment_pool()] == [(user.id, "110000")]
    pool = ministry.get("/ministry/experts").get_data(as_text=True)
    assert "no profile yet" not in pool and "Edit profile" in pool


def test_account_and_profile_are_audited_by_their_own_administrator(make, login_as, ministry):
    user = admin_creates_expert(make, login_as)
    ministry.post(f"/ministry/experts/{user.id}/edit", data=dict(PROFILE))
    [created] = [e for e in audits("user.create") if e.detail["username"] == "expert-zhang"]
    [profiled] = audits("expert.update")
    profile_id = service.profile_of(db.session.get(User, user.id)).id
    assert (created.object_id, profiled.object_id) == (str(user.id), str(profile_id))
    actors = {e.action: db.session.get(User, e.actor_id).role for e in (created, profiled)}
    assert actors == {"user.create": "system_admin", "expert.update": "ministry"}
    assert profiled.detail["changes"]["unit_code"] == {"old": None, "new": "110000"}
    assert profiled.detail["changes"]["fields"] == {"old": None,
                                                    "new": ["city_policy", "industrial_design"]}


def test_the_expert_created_by_the_admin_signs_in(make, login_as, client):
    admin_creates_expert(make, login_as)
    response = client.post("/account/sign-in", data={"username": "expert-zhang",
                                                     "password": "Initial-Secret-9"})
    # An expert signs in with a second factor: set up at the first sign-in.
    assert response.headers["Location"] == "/account/sign-in/enrol"


def test_profile_form_normalises_valid_credit_code(ministry, make):
    user = make.expert()
    code = credit_code(77, "110000")
    ministry.post(f"/ministry/experts/{user.id}/edit", data=dict(
        PROFILE, organisation_credit_code=" " + code.lower() + " "))
    assert db.session.scalar(select(ExpertProfile)).organisation_credit_code == code


@pytest.mark.parametrize("changes, field, message", [
    ({"organisation_credit_code": "91440101MA59D2MK10"}, "organisation_credit_code",
     "its last character does not match the check character"),
    ({"expertise": []}, "expertise", "Choose at least one field of expertise."),
    ({"expertise": ["astrology"]}, "expertise", "Choose fields of expertise from the list."),
    ({"unit_code": ""}, "unit_code", "This field is required."),
    ({"unit_code": "990000"}, "unit_code", "Not a valid choice."),
    ({"organisation_name": "  "}, "organisation_name", "This field is required."),
])
def test_profile_form_refuses_bad_values_and_keeps_nothing(ministry, make, changes, field,
                                                           message):
    user = make.expert()
    response = ministry.post(f"/ministry/experts/{user.id}/edit", data=dict(PROFILE, **changes))
    assert response.status_code == 200
    assert message in (field_error(response, field) or "")
    assert count(ExpertProfile) == 0
    assert audits("expert.update") == []


def test_the_ministry_reaches_no_account_creating_route(ministry):
    for method in (ministry.get, ministry.post):
        assert method("/ministry/experts/new", data=dict(ACCOUNT, **PROFILE)).status_code == 404
        assert method("/admin/users", data=dict(ACCOUNT)).status_code == 403
    assert db.session.scalar(select(User).where(User.username == "expert-zhang")) is None


def test_no_page_of_the_ministry_has_a_password_field(app, make, login_as):
    """Every page the access table lets the ministry open (outside its own account page)."""
    world = World(app, make, login_as)
    client = world.client("ministry")
    paths = [entry.resolve_path(world) for entry in all_entries()
             if entry.method == "GET" and entry.check
             and entry.expect.get("ministry") == 200]
    paths = [path for path in paths if not path.startswith("/account")]
    assert "/ministry/experts" in paths
    pages = 0
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        if response.mimetype == "text/html":  # not the exports and PDFs
            pages += 1
            assert 'type="password"' not in response.get_data(as_text=True), path
    assert pages > 20


def test_expert_edit_changes_profile_and_audits_old_and_new(ministry, make):
    p = profile(make)
    response = ministry.post(f"/ministry/experts/{p.user_id}/edit", data={
        "organisation_name": "某大学", "organisation_credit_code": "", "unit_code": "310000",
        "expertise": ["shared_manufacturing", "supply_chain_management"]})
    assert response.status_code == 302
    db.session.expire_all()
    p = db.session.get(ExpertProfile, p.id)
    assert (p.unit_code, p.active, p.fields) == (
        "310000", False, ["shared_manufacturing", "supply_chain_management"])
    entry = audits("expert.update")[-1]
    assert entry.detail["changes"] == {
        "unit_code": {"old": "110000", "new": "310000"},
        "fields": {"old": ["shared_manufacturing"],
                   "new": ["shared_manufacturing", "supply_chain_management"]},
        "active": {"old": True, "new": False}}


def test_expert_edit_form_shows_current_values(ministry, make):
    p = profile(make, fields=("city_policy",))
    page = ministry.get(f"/ministry/experts/{p.user_id}/edit").get_data(as_text=True)
    assert 'value="某大学"' in page
    assert ('<input checked id="expertise-9" name="expertise" type="checkbox" '
            'value="city_policy">') in page
    assert '<input id="expertise-8" name="expertise" type="checkbox"' in page


def test_expert_edit_without_changes_writes_no_audit(ministry, make):
    p = profile(make)
    before = len(audits("expert.update"))
    ministry.post(f"/ministry/experts/{p.user_id}/edit", data={
        "organisation_name": "某大学", "organisation_credit_code": "", "unit_code": "110000",
        "expertise": ["shared_manufacturing"], "active": "y"})
    assert len(audits("expert.update")) == before


def test_expert_edit_creates_profile_for_account_made_elsewhere(ministry, make):
    user = make.expert()
    response = ministry.post(f"/ministry/experts/{user.id}/edit", data={
        "organisation_name": "研究院", "unit_code": "650000", "expertise": ["city_policy"],
        "active": "y"})
    assert response.status_code == 302
    assert service.profile_of(db.session.get(User, user.id)).unit_code == "650000"


def test_expert_edit_refuses_non_expert_and_missing(ministry, make):
    province = make.province()
    assert ministry.get(f"/ministry/experts/{province.id}/edit").status_code == 403
    assert ministry.post(f"/ministry/experts/{province.id}/edit", data={
        "organisation_name": "x", "unit_code": "110000",
        "expertise": ["city_policy"]}).status_code == 403
    assert ministry.get("/ministry/experts/99999/edit").status_code == 404
    assert count(ExpertProfile) == 0


def test_expert_list_shows_profiles_and_experts_without_one(ministry, make):
    profile(make, org="清华大学", name="expert-a")
    make.expert(username="expert-b")
    make.province(username="officer-c")
    body = ministry.get("/ministry/experts").get_data(as_text=True)
    assert "清华大学" in body
    assert "expert-b" in body and "No profile yet." in body
    assert "officer-c" not in body
    assert "2 expert(s)" in body


@pytest.mark.parametrize("query, shown", [
    ("unit_code=310000", ["expert-sh"]),
    ("field=city_policy", ["expert-bj"]),
    ("active=0", ["expert-none", "expert-sh"]),
    ("active=1", ["expert-bj"]),
    ("q=复旦", ["expert-sh"]),
    ("q=expert-bj", ["expert-bj"]),
    ("", ["expert-bj", "expert-none", "expert-sh"]),
])
def test_expert_list_filters(ministry, make, query, shown):
    profile(make, unit="110000", org="北京大学", fields=("city_policy",), name="expert-bj")
    profile(make, unit="310000", org="复旦大学", fields=("industrial_design",), active=False,
            name="expert-sh")
    make.expert(username="expert-none")
    body = ministry.get(f"/ministry/experts?{query}").get_data(as_text=True)
    listed = [name for name in ("expert-bj", "expert-none", "expert-sh")
              if f"({name})" in body]
    assert listed == shown


def test_expert_list_is_paginated(ministry, make, app):
    from smplatform import web
    original = web.PAGE_SIZE
    for n in range(3):
        make.expert(username=f"expert-page-{n}")
    try:
        import smplatform.ministry.experts as module
        module.PAGE_SIZE = 2
        first = ministry.get("/ministry/experts").get_data(as_text=True)
        second = ministry.get("/ministry/experts?page=2").get_data(as_text=True)
    finally:
        module.PAGE_SIZE = original
    assert "(expert-page-0)" in first and "(expert-page-2)" not in first
    assert 'rel="next"' in first
    assert "(expert-page-2)" in second


def test_expert_list_htmx_returns_partial(ministry, make):
    profile(make, name="expert-bj")
    response = ministry.get("/ministry/experts?q=bj", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="expert-list">')
    assert "HX-Request" in response.headers["Vary"]


@pytest.mark.parametrize("role", ["applicant", "province", "expert"])
def test_expert_actions_refused_to_other_roles(make, login_as, role):
    target = make.expert()
    user = {"applicant": make.applicant, "province": make.province, "expert": make.expert}[role]()
    client = login_as(user)
    assert client.post(f"/ministry/experts/{target.id}/edit",
                       data=dict(PROFILE)).status_code == 403
    assert client.get(f"/ministry/experts/{target.id}/edit").status_code == 403
    assert client.get("/ministry/experts").status_code == 403
    assert count(ExpertProfile) == 0


def test_profile_without_csrf_refused(ministry, make):
    user = make.expert()
    response = ministry.post(f"/ministry/experts/{user.id}/edit", data=dict(PROFILE),
                             csrf=False)
    assert response.status_code == 400
    assert count(ExpertProfile) == 0


def test_save_profile_refuses_non_expert(make):
    with pytest.raises(ValueError):
        service.save_expert_profile(actor=make.ministry(), user=make.province(),
                                    organisation_name="x", organisation_credit_code=None,
                                    unit_code="110000", fields=["city_policy"], active=True)


def test_assignment_pool_lists_active_experts_of_active_accounts(make):
    a = profile(make, unit="110000", org="北京大学", fields=("city_policy",))
    profile(make, active=False)
    disabled = profile(make)
    disabled.user.active = False
    db.session.commit()
    pool = service.assignment_pool()
    assert [(e.id, e.unit_code, e.org_name, e.fields) for e in pool] == [
        (a.user_id, "110000", "北京大学", frozenset({"city_policy"}))]


def test_expert_role_value():
    assert Role.EXPERT == "expert"
