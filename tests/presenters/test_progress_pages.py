"""Every page that shows a declaration says where it stands, what comes next for its reader,
and links the declaration PDF with the number in its name (issue 16, items 1, 5 and 13)."""
from __future__ import annotations

import html
import re

import pytest

from smplatform.extensions import db
from smplatform.services import declarations as declaration_service
from smplatform.services import review
from tests.support import declarations as h

EN = {"Accept-Language": "en"}


@pytest.fixture
def submitted(app, clock, make):
    clock.set(h.DURING)
    batch = h.batch5()
    applicant = make.applicant(unit="440000")
    d = h.ready(applicant, batch)
    declaration_service.submit(declaration=d, actor=applicant, base_version=d.version)
    db.session.commit()
    return {"d": d, "applicant": applicant, "officer": make.province("440000"),
            "ministry": make.ministry()}


def card(html: str) -> dict:
    block = html.split('id="where-it-stands"', 1)[1].split("</section>", 1)[0]
    steps = re.findall(r'class="step step-(\w+)"[^>]*>\s*<span class="step-label">(.*?)</span>',
                       block)
    current = [label for status, label in steps if status in ("current", "stopped")]
    nxt = re.search(r'id="next-step"[^>]*><strong>(.*?)</strong> (.*?)</p>', block, re.S)
    return {"current": current, "who": nxt.group(1) if nxt else None,
            "next": nxt.group(2).strip() if nxt else None,
            "actions": re.findall(r'<a class="button[^"]*" href="([^"]+)">', block)}


def pdf_link(html: str) -> tuple[str, str]:
    match = re.search(r'<a class="button" id="declaration-pdf" href="([^"]+)" download>'
                      r'(.*?)</a>', html)
    return match.group(1), match.group(2)


def test_each_role_sees_where_it_stands_and_the_pdf(submitted, login_as):
    d, number = submitted["d"], "2023-440000-E-0001"
    applicant = login_as(submitted["applicant"])
    page = applicant.get(f"/applicant/declarations/{d.id}", headers=EN).get_data(as_text=True)
    assert card(page)["current"] == ["Submitted"]
    assert card(page)["who"] == "Next:"
    assert pdf_link(page) == (f"/applicant/declarations/{d.id}/pdf",
                              f"Download the declaration PDF ({number}.pdf)")
    preview = applicant.get(f"/applicant/declarations/{d.id}/preview", headers=EN)
    assert pdf_link(preview.get_data(as_text=True))[0] == f"/applicant/declarations/{d.id}/pdf"

    province = login_as(submitted["officer"])
    page = province.get(f"/province/declarations/{d.id}", headers=EN).get_data(as_text=True)
    assert card(page) == {"current": ["Submitted"], "who": "Your next step:",
                          "next": "Start the review (the applicant can then no longer "
                                  "withdraw it).",
                          "actions": [f"/province/declarations/{d.id}#actions-heading"]}
    assert pdf_link(page) == (f"/province/declarations/{d.id}/pdf",
                              f"Download the declaration PDF ({number}.pdf)")

    ministry = login_as(submitted["ministry"])
    page = ministry.get(f"/ministry/declarations/{d.id}", headers=EN).get_data(as_text=True)
    assert (card(page)["current"], card(page)["who"]) == (["Submitted"], "Next:")
    assert pdf_link(page)[0] == f"/ministry/declarations/{d.id}/pdf"


def test_after_passing_the_applicant_is_told_to_stamp_and_upload(submitted, login_as):
    d = submitted["d"]
    review.start_review(actor=submitted["officer"], declaration=d)
    review.pass_declaration(actor=submitted["officer"], declaration=d)
    db.session.commit()
    page = login_as(submitted["applicant"]).get(f"/applicant/declarations/{d.id}",
                                                headers=EN).get_data(as_text=True)
    shown = card(page)
    assert (shown["current"], shown["who"]) == (["Stamped copy"], "Your next step:")
    assert shown["actions"] == [f"/applicant/declarations/{d.id}/pdf",
                                f"/applicant/declarations/{d.id}#attachments"]


def test_rejection_reason_shown_as_prominently_as_return_comments(submitted, login_as):
    d = submitted["d"]
    review.start_review(actor=submitted["officer"], declaration=d)
    review.reject_declaration(actor=submitted["officer"], declaration=d,
                              reason="服务收入占比连续三年低于10%，不符合申报条件。")
    db.session.commit()
    client = login_as(submitted["applicant"])
    page = client.get(f"/applicant/declarations/{d.id}", headers=EN).get_data(as_text=True)
    rejection = page.split('id="rejection"')[1].split("</section>")[0]
    assert re.search(r'id="rejection-reason">(.*?)</span>', rejection).group(1) == \
        "服务收入占比连续三年低于10%，不符合申报条件。"
    assert "What you can do: this declaration cannot be resubmitted in this batch." in rejection
    assert page.index('id="rejection"') < page.index('id="history-heading"')
    assert card(page)["current"] == ["Provincial review"]
    assert 'class="step step-stopped"' in page
    chinese = client.get(f"/applicant/declarations/{d.id}", headers={
        "Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert '<h2 id="rejected-heading">省级初审未通过</h2>' in chinese


def test_an_evaluation_filing_shows_where_it_stands_to_each_role(app, make, login_as, clock):
    """Item 5: a filing's step indicator and next step, on the applicant's, the province's and
    the ministry's page, from filling in to concluded."""
    from smplatform.models import EvaluationTask
    from tests.support import evaluations as eh
    clock.set(eh.BEFORE)
    applicant, ministry = make.applicant(unit="440000"), make.ministry()
    entry = eh.entry(name="广东示范企业", code=applicant.organisation.credit_code,
                     organisation=applicant.organisation)
    eh.open_campaign(ministry)
    tid = eh.task_of(entry).id
    a, p, m = login_as(applicant), login_as(make.province("440000")), login_as(ministry)
    urls = {a: f"/applicant/evaluations/{tid}", p: f"/province/evaluations/{tid}",
            m: f"/ministry/evaluations/{tid}"}

    def seen(client):
        return card(client.get(urls[client], headers=EN).get_data(as_text=True))

    assert seen(a) == {"current": ["Filling in"], "who": "Your next step:",
                       "next": "Fill in the evaluation and submit it before 2023-05-31 23:59.",
                       "actions": [f"/applicant/evaluations/{tid}"]}
    assert seen(m)["current"] == ["Filling in"]
    db.session.expire_all()
    version = db.session.get(EvaluationTask, tid).version
    assert a.post(f"/applicant/evaluations/{tid}/submit",
                  data={"version": str(version), **eh.complete_form()}).status_code == 302
    assert seen(p) == {"current": ["Submitted"], "who": "Your next step:",
                       "next": "Confirm the filing, or return it for revision.",
                       "actions": [f"/province/evaluations/{tid}"]}
    assert seen(a)["next"] == "Your provincial department confirms it next."
    p.post(f"/province/evaluations/{tid}/confirm")
    assert seen(m) == {"current": ["Confirmed by the province"], "who": "Your next step:",
                       "next": "Conclude the evaluation: qualified, rectification required "
                               "or title revoked.",
                       "actions": [f"/ministry/evaluations/{tid}"]}
    m.post(f"/ministry/evaluations/{tid}/conclude", data={"conclusion": "qualified"})
    assert seen(a)["current"] == [] and seen(a)["next"].startswith("Concluded on 2023-04-01")


def test_the_city_officer_sees_where_a_declaration_stands(app, clock, make, login_as):
    """Item 5 for the city's initial review: the city's page says what is the officer's to do,
    and once passed on, whose hands it is in."""
    clock.set(h.DURING)
    batch = h.batch5()
    applicant = make.applicant(unit="440000", city="440100")
    officer = login_as(make.province("440000"))
    officer.post("/province/prefecture", data={"enabled": "1",
                                               "city_deadline": "2023-05-15T23:59:59"})
    d = h.ready(applicant, batch)
    declaration_service.submit(declaration=d, actor=applicant, base_version=d.version)
    db.session.commit()
    city = login_as(make.city("440100"))
    page = city.get(f"/city/declarations/{d.id}", headers=EN).get_data(as_text=True)
    assert card(page) == {
        "current": ["Submitted"], "who": "Your next step:",
        "next": "Pass it on to the provincial department, or return it for revision with your "
                "comments.",
        "actions": [f"/city/declarations/{d.id}#city-actions-title"]}
    city.post(f"/city/declarations/{d.id}/pass", data={"comment": ""})
    page = city.get(f"/city/declarations/{d.id}", headers=EN).get_data(as_text=True)
    assert (card(page)["who"], html.unescape(card(page)["next"])) == (
        "Next:", "It is in the provincial department's hands.")
