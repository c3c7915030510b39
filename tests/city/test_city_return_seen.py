"""What the applicant sees of the city's initial review, through the real pages: the submit
button and its confirmation name the city (not the province) when the declaration goes to the
city; a city's return shows its comment as prominently as a province's return, under the
city's name, and the next step points at it. Before, the comment hid in the history table,
"Read the comments" led to an anchor that did not exist and the page said "Submit to the
province" (found by tests/browser/journeys/test_city.py)."""
from __future__ import annotations

import html
import re

import pytest

from smplatform.enums import DeclarationState as S
from smplatform.extensions import db
from smplatform.models import Declaration
from tests.support import declarations as h
from tests.support.helpers import english

COMMENT = "请补充2022年审计报告"


def _text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ",
                                                    response.get_data(as_text=True))))


def _submit(client, d):
    db.session.expire_all()
    d = db.session.get(Declaration, d.id)
    return client.post(f"/applicant/declarations/{d.id}/submit",
                       data={"version": str(d.version)}, follow_redirects=True)


@pytest.fixture
def foshan(app, clock, make, login_as):
    clock.set(h.DURING)
    batch = h.batch5()
    officer = english(login_as(make.province("440000")))
    assert officer.post("/province/prefecture", data={
        "enabled": "1", "city_deadline": "2023-05-15T23:59:59"}).status_code == 302
    user = make.applicant(unit="440000", city="440600", name="佛山初审企业")
    return {"applicant": english(login_as(user)), "d": h.ready(user, batch),
            "city": english(login_as(make.city("440600")))}


def test_the_applicant_submits_to_the_city_and_sees_its_return(foshan):
    applicant, d, city = foshan["applicant"], foshan["d"], foshan["city"]
    overview = _text(applicant.get(f"/applicant/declarations/{d.id}"))
    assert "Submit to your city's initial review" in overview
    assert "Submit to the province" not in overview
    answer = _text(_submit(applicant, d))
    assert "Submitted to your city's industry and IT department for its initial review." in answer

    assert city.post(f"/city/declarations/{d.id}/return",
                     data={"comment": COMMENT}).status_code == 302
    page = applicant.get(f"/applicant/declarations/{d.id}").get_data(as_text=True)
    card = page.split('id="returned-heading"', 1)[1].split("</section>", 1)[0]
    assert "Returned for revision by the city" in card and COMMENT in card
    assert f'href="/applicant/declarations/{d.id}#returned-heading"' in page
    assert ("Revise what your city&#39;s industry and IT department commented on" in page
            or "Revise what your city's industry and IT department commented on" in page)
    assert "Resubmit to your city" in _text(applicant.get(f"/applicant/declarations/{d.id}"))

    answer = _text(_submit(applicant, d))
    assert "Submitted to your city's industry and IT department" in answer
    db.session.expire_all()
    assert db.session.get(Declaration, d.id).state == S.CITY_REVIEW


def test_without_the_city_tier_the_page_still_names_the_province(app, clock, make, login_as):
    clock.set(h.DURING)
    batch = h.batch5()
    user = make.applicant(unit="440000", city="440600")
    d = h.ready(user, batch)
    client = english(login_as(user))
    assert "Submit to the province" in _text(client.get(f"/applicant/declarations/{d.id}"))
    assert "Submitted to the provincial department." in _text(_submit(client, d))
