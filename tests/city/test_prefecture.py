"""The prefecture-level initial review (市级初审), through the real pages, with data set up to
leak across cities: Guangdong turns it on; declarations of organisations in Guangzhou and in
Foshan go first to their own city's officer; neither city sees or acts on the other's; the
province sees them only once passed on, and each city's progress meanwhile; a city's return
goes back to the applicant and its resubmission to the city again. Off by default: Zhejiang's
declarations go straight to its province."""
from __future__ import annotations

import html
import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from smplatform.enums import DeclarationState as S
from smplatform.enums import OrgType
from smplatform.extensions import db
from smplatform.models import AuditEntry, Declaration, Notification
from tests.support import declarations as h
from tests.support.helpers import english

SECOND = timedelta(seconds=1)
CITY_DEADLINE = datetime(2023, 5, 15, 23, 59, 59, tzinfo=h.CST)




def _text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ",
                                                    response.get_data(as_text=True))))


def _reload(d) -> Declaration:
    db.session.expire_all()
    return db.session.get(Declaration, d.id)


def _submit(client, d):
    d = _reload(d)
    return client.post(f"/applicant/declarations/{d.id}/submit",
                       data={"version": str(d.version)})


@pytest.fixture
def world(app, clock, make, login_as):
    clock.set(h.DURING)
    batch = h.batch5()
    gz_user = make.applicant(unit="440000", city="440100", name="广州初审企业")
    fs_user = make.applicant(unit="440000", city="440600", name="佛山初审企业")
    zj_user = make.applicant(unit="330000", city="330100", name="杭州直报企业")
    officer = english(login_as(make.province("440000")))
    response = officer.post("/province/prefecture", data={
        "enabled": "1", "city_deadline": "2023-05-15T23:59:59"})
    assert response.status_code == 302
    clients = {k: english(login_as(u)) for k, u in
               (("gz", gz_user), ("fs", fs_user), ("zj", zj_user))}
    ds = {k: h.ready(u, batch) for k, u in (("gz", gz_user), ("fs", fs_user), ("zj", zj_user))}
    for key in ds:
        assert _submit(clients[key], ds[key]).status_code == 302
    return {"batch": batch, "officer": officer, "clients": clients, "d": ds,
            "gz_city": english(login_as(make.city("440100"))),
            "fs_city": english(login_as(make.city("440600"))),
            "zj_officer": english(login_as(make.province("330000")))}


def test_submissions_go_to_their_city_where_the_province_turned_it_on(world):
    d = world["d"]
    assert [_reload(d[k]).state for k in ("gz", "fs", "zj")] == [
        S.CITY_REVIEW, S.CITY_REVIEW, S.SUBMITTED]
    assert [e.action for e in _reload(d["gz"]).events] == ["submit_to_city"]
    assert _reload(d["gz"]).electronic_number is not None  # numbered at the first submission


def test_each_city_sees_only_its_own(world):
    d = world["d"]
    gz_page = _text(world["gz_city"].get("/city/"))
    assert "广州初审企业" in gz_page and "佛山初审企业" not in gz_page
    assert "杭州直报企业" not in gz_page
    assert world["gz_city"].get(f"/city/declarations/{d['fs'].id}").status_code == 403
    assert world["gz_city"].get(f"/city/declarations/{d['zj'].id}").status_code == 403
    assert world["gz_city"].post(f"/city/declarations/{d['fs'].id}/pass").status_code == 403
    assert _reload(d["fs"]).state == S.CITY_REVIEW
    assert world["gz_city"].get(f"/city/declarations/{d['gz'].id}").status_code == 200
    # A city officer is not a provincial officer, an applicant or the ministry.
    assert world["gz_city"].get("/province/").status_code == 403
    assert world["gz_city"].get(f"/province/declarations/{d['gz'].id}").status_code == 403
    assert world["gz_city"].get(f"/applicant/declarations/{d['gz'].id}").status_code == 403


def test_the_province_sees_a_declaration_only_once_its_city_passed_it(world):
    d, officer = world["d"], world["officer"]
    queue = _text(officer.get("/province/declarations"))
    assert "广州初审企业" not in queue and "佛山初审企业" not in queue
    assert officer.get(f"/province/declarations/{d['gz'].id}").status_code == 403
    progress = _text(officer.get("/province/prefecture"))
    assert re.search(r"Guangzhou 1 0 0 ", progress) and re.search(r"Foshan 1 0 0 ", progress)
    response = world["gz_city"].post(f"/city/declarations/{d['gz'].id}/pass",
                                     data={"comment": "材料齐全"})
    assert response.status_code == 302
    assert _reload(d["gz"]).state == S.SUBMITTED
    queue = _text(officer.get("/province/declarations"))
    assert "广州初审企业" in queue and "佛山初审企业" not in queue
    assert officer.get(f"/province/declarations/{d['gz'].id}").status_code == 200
    progress = _text(officer.get("/province/prefecture"))
    assert re.search(r"Guangzhou 0 0 1 ", progress) and re.search(r"Foshan 1 0 0 ", progress)
    assert db.session.scalar(select(Notification).where(
        Notification.key == "declaration.city_pass")) is not None


def test_a_city_return_goes_back_to_the_applicant_and_then_to_the_city_again(world):
    d = world["d"]
    empty = world["fs_city"].post(f"/city/declarations/{d['fs'].id}/return",
                                  data={"comment": ""})
    assert empty.status_code == 422 and "Say what must be revised." in _text(empty)
    response = world["fs_city"].post(f"/city/declarations/{d['fs'].id}/return",
                                     data={"comment": "请补充2022年审计报告"})
    assert response.status_code == 302
    assert _reload(d["fs"]).state == S.RETURNED
    page = _text(world["clients"]["fs"].get(f"/applicant/declarations/{d['fs'].id}"))
    assert "Returned for revision" in page
    assert _submit(world["clients"]["fs"], d["fs"]).status_code == 302
    declaration = _reload(d["fs"])
    assert declaration.state == S.CITY_REVIEW
    assert [e.action for e in declaration.events] == [
        "submit_to_city", "city_return", "resubmit_to_city"]
    assert declaration.events[1].comment == "请补充2022年审计报告"


def test_the_cities_deadline_binds_one_second_after(world, clock, login_as, make):
    d = world["d"]
    clock.set(CITY_DEADLINE - SECOND)
    gz = english(login_as(make.city("440100")))
    assert gz.post(f"/city/declarations/{d['gz'].id}/pass").status_code == 302
    clock.set(CITY_DEADLINE + SECOND)
    fs = english(login_as(make.city("440600")))
    response = fs.post(f"/city/declarations/{d['fs'].id}/pass")
    assert response.status_code == 409
    assert "The cities' deadline (2023-05-15 23:59:59) has passed" in _text(response)
    assert _reload(d["fs"]).state == S.CITY_REVIEW
    assert "overdue" in _text(fs.get("/city/"))


def test_after_the_cities_deadline_the_province_takes_over_what_is_left(world, clock, login_as,
                                                                        make):
    """A declaration still at its city when the cities' deadline passes would wait for an
    officer who can no longer act: the province takes it over; and from then on submissions
    go to the province directly."""
    d = world["d"]
    clock.set(CITY_DEADLINE - SECOND)             # (the world's sessions have expired by now)
    officer = english(login_as(make.province("440000")))
    early = officer.post("/province/prefecture/take-over")
    assert early.status_code == 409
    assert "you can take their declarations over after it" in _text(early)
    assert 'id="take-over"' not in officer.get("/province/prefecture").get_data(as_text=True)
    assert [_reload(d[k]).state for k in ("gz", "fs")] == [S.CITY_REVIEW] * 2

    clock.set(CITY_DEADLINE + SECOND)
    officer = english(login_as(make.province("440000")))
    late_user = make.applicant(unit="440000", city="440100", name="广州迟到企业")
    late = h.ready(late_user, world["batch"])
    assert _submit(english(login_as(late_user)), late).status_code == 302
    assert _reload(late).state == S.SUBMITTED              # not to a city that cannot act
    page = _text(officer.get("/province/prefecture"))
    assert "2 declarations are still at the cities" in page
    response = officer.post("/province/prefecture/take-over", follow_redirects=True)
    assert "2 declarations taken over: they are in your review queue." in _text(response)
    for key in ("gz", "fs"):
        declaration = _reload(d[key])
        assert (declaration.state, declaration.events[-1].action) == (
            S.SUBMITTED, "province_take_over")
    assert _reload(d["zj"]).state == S.SUBMITTED           # another unit's, untouched
    entries = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "declaration.province_take_over")).all()
    assert sorted(e.object_id for e in entries) == sorted(str(d[k].id) for k in ("gz", "fs"))
    assert db.session.scalars(select(Notification).where(
        Notification.key == "declaration.province_take_over")).all().__len__() == 2
    queue = _text(officer.get("/province/declarations"))
    assert "广州初审企业" in queue and "佛山初审企业" in queue
    again = officer.post("/province/prefecture/take-over")
    assert again.status_code == 409 and "No declaration is waiting at a city." in _text(again)
    gz_city = english(login_as(make.city("440100")))
    assert gz_city.post(f"/city/declarations/{d['gz'].id}/pass").status_code in (403, 409)
    assert _reload(d["gz"]).state == S.SUBMITTED


def test_off_by_default_and_the_setting_is_audited(world):
    assert _reload(world["d"]["zj"]).state == S.SUBMITTED  # Zhejiang never turned it on
    assert "杭州直报企业" in _text(world["zj_officer"].get("/province/declarations"))
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "prefecture.set"))
    assert (entry.unit_code, entry.detail["enabled"]) == ("440000", True)


def test_turned_off_the_next_submissions_go_to_the_province(world, make, login_as):
    officer = world["officer"]
    assert officer.post("/province/prefecture", data={"enabled": "0"}).status_code == 302
    user = make.applicant(unit="440000", city="440100", name="广州后来企业")
    d = h.ready(user, world["batch"])
    assert _submit(english(login_as(user)), d).status_code == 302
    assert _reload(d).state == S.SUBMITTED


def test_a_cities_deadline_after_the_provinces_is_refused(world):
    response = world["officer"].post("/province/prefecture", data={
        "enabled": "1", "city_deadline": "2023-06-01T00:00:00"})
    assert response.status_code == 422
    assert "must come before your unit's own deadline (2023-05-31 23:59:59)" in \
        _text(response)


def test_city_pages_in_chinese(world, make, login_as):
    client = login_as(make.city("440100"))
    page = _text(client.get("/city/", headers={"Accept-Language": "zh-CN"}))
    assert "本市申报" in page and "广州初审企业" in page
    page = _text(client.get(f"/city/declarations/{world['d']['gz'].id}",
                            headers={"Accept-Language": "zh-CN"}))
    assert "报送省级主管部门" in page


def test_a_city_department_applicant_is_reviewed_by_its_city_too(world, make, login_as):
    """A city's own application (示范城市) by its industry and IT department goes the same
    way (design: the notice is silent; the province may review it at the next tier)."""
    user = make.applicant(org_type=OrgType.CITY_DEPARTMENT, unit="440000", city="440600")
    d = h.ready(user, world["batch"], "city")
    assert _submit(english(login_as(user)), d).status_code == 302
    assert _reload(d).state == S.CITY_REVIEW


def test_the_city_dashboard_lists_what_waits_and_empties_once_passed(world):
    """Issue 16, item 5: the city officer's dashboard says what waits for it, with the link."""
    d = world["d"]
    page = world["gz_city"].get("/city/").get_data(as_text=True)
    block = page.split('id="waiting"', 1)[1].split("</section>", 1)[0]
    assert re.findall(r'<li><a href="([^"]+)">(.*?)</a></li>', block) == [(
        "/city/#city-queue", "1 declaration(s) await your initial review: pass each on to the "
        "provincial department or return it for revision.")]
    world["gz_city"].post(f"/city/declarations/{d['gz'].id}/pass", data={"comment": "材料齐全"})
    page = world["gz_city"].get("/city/").get_data(as_text=True)
    assert re.search(r'<p id="waiting-list">(.*?)</p>', page).group(1) == (
        "Nothing waits for you now.")


def test_the_city_officer_downloads_the_declaration_pdf_of_its_city_only(world):
    """Issue 16, item 1: the PDF is linked wherever a declaration is shown, the city's page
    too, with the electronic number in the file name."""
    d = _reload(world["d"]["gz"])
    page = world["gz_city"].get(f"/city/declarations/{d.id}").get_data(as_text=True)
    link = re.search(r'id="declaration-pdf" href="([^"]+)" download>(.*?)</a>', page)
    assert link.groups() == (f"/city/declarations/{d.id}/pdf",
                             f"Download the declaration PDF ({d.electronic_number}.pdf)")
    response = world["gz_city"].get(link.group(1))
    assert (response.status_code, response.mimetype, response.data[:5]) == (
        200, "application/pdf", b"%PDF-")
    assert d.electronic_number in response.headers["Content-Disposition"]
    assert world["fs_city"].get(f"/city/declarations/{d.id}/pdf").status_code == 403
