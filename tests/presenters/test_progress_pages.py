"""Every page that shows a declaration says where it stands, what comes next for its reader,
and links the declaration PDF with the number in its name (issue 16, items 1, 5 and 13)."""
from __future__ import annotations

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
            "ministry": make.ministry(admin=False)}


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
