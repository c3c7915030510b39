"""Each dashboard lists what waits for its user, with the link where it is done (issue 16,
item 5)."""
from __future__ import annotations

import io
import re
from datetime import date

import pytest

from smplatform.enums import DeclarationState as S
from smplatform.enums import ObjectionSource
from smplatform.extensions import db
from smplatform.models import Objection, ReviewAssignment
from smplatform.services import declarations as declaration_service
from smplatform.services import review
from tests.support import declarations as h
from tests.support import selection as helpers

EN = {"Accept-Language": "en"}


def waiting(html: str) -> list[tuple[str, str]]:
    block = html.split('id="waiting"', 1)[1].split("</section>", 1)[0]
    return [(text.strip(), href) for href, text in
            re.findall(r'<li><a href="([^"]+)">(.*?)</a></li>', block, re.S)]


@pytest.fixture
def batch(app, clock):
    clock.set(h.DURING)
    return h.batch5()


def test_applicant_sees_its_returned_declaration(batch, make, login_as):
    applicant = make.applicant()
    d = h.ready(applicant, batch)
    declaration_service.submit(declaration=d, actor=applicant, base_version=d.version)
    officer = make.province("440000")
    review.start_review(actor=officer, declaration=d)
    review.return_declaration(actor=officer, declaration=d, comment="请补充审计报告。",
                              section_comments={})
    db.session.commit()
    page = login_as(applicant).get("/applicant/", headers=EN).get_data(as_text=True)
    assert waiting(page) == [(
        "Demonstration enterprise, batch 5: Revise the sections the province commented on "
        "and resubmit before 2023-05-31 23:59.", f"/applicant/declarations/{d.id}")]


def test_province_sees_stamped_copies_to_check(batch, make, login_as):
    applicant = make.applicant()
    d = h.ready(applicant, batch)
    declaration_service.submit(declaration=d, actor=applicant, base_version=d.version)
    officer = make.province("440000")
    review.start_review(actor=officer, declaration=d)
    review.pass_declaration(actor=officer, declaration=d)
    from smplatform.services import attachments
    attachments.upload(declaration=d, actor=applicant, kind="stamped_scan",
                       stream=io.BytesIO(h.png_bytes()), filename="scan.png")
    db.session.commit()
    items = waiting(login_as(officer).get("/province/", headers=EN).get_data(as_text=True))
    assert ("1 stamped copies wait for your check against their electronic numbers.",
            "/province/declarations?state=passed") in items
    assert items[0] == ("Give the ministry your liaison contacts: overdue since 2023-03-20, "
                        "and required before you submit your list.", "/province/contacts")


def test_expert_sees_reviews_to_declare_and_score(app, make, login_as):
    batch = helpers.make_batch()
    expert = helpers.expert(make, unit="110000")
    for state in ("assigned", "assigned", "accepted", "submitted"):
        d = helpers.declaration(batch, "440000", state=S.EXPERT_REVIEW)
        db.session.add(ReviewAssignment(declaration_id=d.id, expert_id=expert.id, state=state,
                                        scores={}, comments={}, assigned_at=helpers.T0))
    db.session.commit()
    page = login_as(expert).get("/expert/", headers=EN).get_data(as_text=True)
    assert waiting(page) == [
        ("2 review(s) await your conflict-of-interest declaration.", "/expert/#my-reviews"),
        ("1 review(s) to score and submit.", "/expert/#my-reviews")]


def test_ministry_sees_the_selection_steps_and_objections(app, make, login_as):
    batch = helpers.make_batch()
    helpers.declaration(batch, "440000", state=S.FORWARDED)
    helpers.declaration(batch, "330000", category="city", state=S.EXPERT_PASSED)
    shortlisted = helpers.declaration(batch, "320000", state=S.SHORTLISTED)
    db.session.add(Objection(declaration_id=shortlisted.id, received_on=date(2023, 8, 2),
                             summary="反映情况", source=ObjectionSource.PUBLIC,
                             reference="5-AAAA0001", objector_name="王五",
                             objector_phone="010-1"))
    db.session.commit()
    page = login_as(make.ministry()).get("/ministry/", headers=EN)
    assert waiting(page.get_data(as_text=True)) == [
        ("Batch 5: 1 declaration(s) recommended by the provinces await expert reviewers.",
         f"/ministry/batches/{batch.id}/review"),
        ("Batch 5: 1 city(ies) passed the expert review and await their on-site inspection.",
         f"/ministry/batches/{batch.id}/decisions"),
        ("Batch 5: 1 declaration(s) passed the expert review and await the decision.",
         f"/ministry/batches/{batch.id}/decisions"),
        ("Batch 5: put the shortlist (1) under public notice.",
         f"/ministry/batches/{batch.id}/decisions"),
        ("Batch 5: 1 objection(s) from the public await handling.",
         f"/ministry/batches/{batch.id}/decisions#shortlist-title")]
