"""The public can object during a public notice, through a form that reaches the ministry's
objection handling; home, the navigation and the registry show the notice running and every
published list (issue 16, items 2 and 11)."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from smplatform.enums import DeclarationState as S
from smplatform.extensions import db
from smplatform.models import AuditEntry, Objection, OutboxEmail, PublicNotice
from tests.support.helpers import field_error, flashes
from tests.support import selection as helpers

EN = {"Accept-Language": "en"}
# Wednesday 2 August 2023, noon in China: the notice runs from 1 to 7 August.
DURING = datetime(2023, 8, 2, 4, tzinfo=UTC)


@pytest.fixture
def notice(app, clock):
    clock.set(DURING)
    batch = helpers.make_batch()
    shortlisted = helpers.declaration(batch, "330000", state=S.SHORTLISTED,
                                      name="浙江某制造有限公司")
    city = helpers.declaration(batch, "440000", category="city", state=S.SHORTLISTED,
                               name="佛山市工业和信息化局", commit=False)
    city.city_code = "440600"
    db.session.add(PublicNotice(batch_id=batch.id, starts_on=date(2023, 8, 1),
                                ends_on=date(2023, 8, 7), created_at=DURING))
    db.session.commit()
    return {"batch": batch, "enterprise": shortlisted, "city": city}


def valid(declaration, **extra):
    return {"declaration_id": str(declaration.id), "name": "王五", "organisation": "",
            "phone": "010-12345678", "email": "wangwu@example.com",
            "grounds": "该企业申报的服务收入与其年度报告不符，年报显示服务收入仅占一成。", **extra}


def objections():
    db.session.expire_all()
    return db.session.scalars(select(Objection)).all()


def test_objection_received_acknowledged_and_audited(notice, client):
    form = client.get("/notice/shortlist/5/objection", headers=EN).get_data(as_text=True)
    # The shortlist by category: the city, then the enterprise.
    assert re.findall(r'<option value="(\d+)"', form)[1:] == [
        str(notice["city"].id), str(notice["enterprise"].id)]
    assert "Foshan" in form and "佛山市工业和信息化局" not in form  # the city's public name
    response = client.post("/notice/shortlist/5/objection", data=valid(notice["enterprise"]),
                           headers=EN)
    assert response.headers["Location"] == "/notice/shortlist/5/objection/received"
    [objection] = objections()
    assert (objection.source, objection.handled, objection.objector_name,
            objection.received_on) == ("public", False, "王五", date(2023, 8, 2))
    assert re.fullmatch(r"5-[0-9A-F]{8}", objection.reference)
    page = client.get(response.headers["Location"], headers=EN)
    assert flashes(page) == [
        f"Your objection to 浙江某制造有限公司 was received on 2023-08-02. Its reference is "
        f"{objection.reference}: quote it if you contact the ministry about it."]
    mail = db.session.scalar(select(OutboxEmail))
    assert (mail.to, objection.reference in mail.subject) == ("wangwu@example.com", True)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "objection.receive"))
    assert entry.detail == {"declaration_id": notice["enterprise"].id,
                            "reference": objection.reference}
    assert "王五" not in str(entry.detail) and "010-12345678" not in str(entry.detail)


def test_every_field_error_in_one_round(notice, client):
    response = client.post("/notice/shortlist/5/objection",
                           data={"declaration_id": "0", "phone": "call me", "email": "x@",
                                 "grounds": "太短"}, headers=EN)
    assert response.status_code == 400
    assert {f: field_error(response, f) for f in
            ("declaration_id", "name", "phone", "email", "grounds")} == {
        "declaration_id": "Choose a declaration on the shortlist.",
        "name": "This field is required.",
        "phone": "Enter a phone number of digits, spaces, +, - or brackets.",
        "email": "Enter a valid e-mail address.",
        "grounds": "Give the grounds in 20 to 4000 characters: what is wrong, and how you "
                   "know it."}
    assert objections() == []


def test_no_objection_outside_the_notice(notice, client, clock):
    clock.set(datetime(2023, 8, 7, 16, 0, tzinfo=UTC))  # 8 August in China: it ended
    page = client.get("/notice/shortlist/5/objection", headers=EN)
    assert page.status_code == 409
    assert "objections are taken only during the notice" in page.get_data(as_text=True)
    response = client.post("/notice/shortlist/5/objection", data=valid(notice["enterprise"]))
    assert response.status_code == 409
    assert objections() == []


def test_objection_needs_the_csrf_token(notice, client):
    response = client.post("/notice/shortlist/5/objection", data=valid(notice["enterprise"]),
                           csrf=False)
    assert response.status_code == 400
    assert objections() == []


def test_objections_are_rate_limited(notice, client, app):
    app.config["RATELIMIT_OBJECTION"] = "2 per hour"
    codes = [client.post("/notice/shortlist/5/objection",
                         data=valid(notice["enterprise"])).status_code for _ in range(3)]
    assert codes == [302, 302, 429]
    assert len(objections()) == 2


def test_not_on_the_shortlist_refused(notice, client):
    other = helpers.declaration(notice["batch"], "320000", state=S.NOT_SELECTED)
    response = client.post("/notice/shortlist/5/objection", data=valid(other), headers=EN)
    assert response.status_code == 400
    assert objections() == []


def test_ministry_handles_an_objection_from_the_public(notice, client, make, login_as):
    client.post("/notice/shortlist/5/objection", data=valid(notice["enterprise"]))
    [objection] = objections()
    ministry = login_as(make.ministry())
    page = ministry.get(f"/ministry/batches/{notice['batch'].id}/decisions",
                        headers=EN).get_data(as_text=True)
    item = page.split(f'id="objection-{objection.id}"')[1].split("</li>")[0]
    assert "Awaiting handling" in item and "王五" in item and "010-12345678" in item
    refused = ministry.post(f"/ministry/objections/{objection.id}/handle",
                            data={f"h{objection.id}-handling": ""}, headers=EN,
                            follow_redirects=True)
    assert "This field is required." in flashes(refused)
    ministry.post(f"/ministry/objections/{objection.id}/handle",
                  data={f"h{objection.id}-handling": "经核实，年报数据与申报一致，不予采纳。",
                        f"h{objection.id}-outcome": "dismissed"})
    [objection] = objections()
    assert (objection.outcome, objection.handling) == ("dismissed", "经核实，年报数据与申报一致，不予采纳。")
    again = ministry.post(f"/ministry/objections/{objection.id}/handle",
                          data={f"h{objection.id}-handling": "x",
                                f"h{objection.id}-outcome": "upheld"})
    assert again.status_code == 403  # handled once: the permission says no
    assert objections()[0].outcome == "dismissed"


def test_upheld_objection_from_the_public_takes_it_off_the_shortlist(notice, client, make,
                                                                     login_as):
    client.post("/notice/shortlist/5/objection", data=valid(notice["enterprise"]))
    [objection] = objections()
    ministry = login_as(make.ministry())
    ministry.post(f"/ministry/objections/{objection.id}/handle",
                  data={f"h{objection.id}-handling": "经核实属实。",
                        f"h{objection.id}-outcome": "upheld"})
    ministry.post(f"/ministry/declarations/{notice['enterprise'].id}/remove-after-notice")
    db.session.expire_all()
    assert db.session.get(type(notice["enterprise"]), notice["enterprise"].id).state == \
        S.NOT_SELECTED


def test_home_navigation_and_registry_show_the_running_notice(notice, client):
    home = client.get("/", headers=EN).get_data(as_text=True)
    section = home.split('id="notice-5"')[1].split("</section>")[0]
    assert ("from 2023-08-01 to 2023-08-07 (2 shortlisted)" in section,
            'href="/notice/shortlist/5/objection"' in section,
            "北京市西城区西长安街13号" in section) == (True, True, True)
    nav = home.split('<nav class="main-nav"', 1)[1].split("</nav>", 1)[0]
    assert '<a href="/selection">Public notices and lists</a>' in nav
    registry = client.get("/registry", headers=EN).get_data(as_text=True)
    assert "The shortlist of batch 5 is under public notice from 2023-08-01 to 2023-08-07." \
        in registry
    shortlist = client.get("/notice/shortlist/5", headers=EN).get_data(as_text=True)
    assert 'id="raise-objection" href="/notice/shortlist/5/objection"' in shortlist


def test_every_published_list_is_reachable(notice, client, make, clock):
    from smplatform.services import registry, selection
    registry.load_demo_registry()
    clock.set(datetime(2023, 8, 8, 4, tzinfo=UTC))
    selection.publish(actor=make.ministry(), batch=notice["batch"])
    db.session.commit()
    for path in ("/", "/selection", "/registry"):
        page = client.get(path, headers=EN).get_data(as_text=True)
        lists = page.split('id="published-lists"')[1].split("</ul>")[0]
        links = re.findall(r'<a href="([^"]+)">Batch (\d+)', lists)
        assert links == [("/published/5", "5"), ("/registry?batch=4", "4"),
                         ("/registry?batch=3", "3"), ("/registry?batch=2", "2"),
                         ("/registry?batch=1", "1")], path
    home = client.get("/", headers=EN).get_data(as_text=True)
    assert 'id="notice-5"' not in home  # published: no notice running any more
