"""Fair scoring through the real pages: experts score with the review form, the ministry sees
normalised scores beside raw means and each expert's leniency and agreement, and a
declaration whose reviewers disagree (on normalised scores) gets a further reviewer.

The scores are the hand-computed example of tests/rules/test_scoring.py: expert A gives
80 / 70 / 60, expert B 90 / 85 / 95 (every criterion the same score, so the weighted total
is that score).
"""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from smplatform.enums import DeclarationState
from smplatform.extensions import db
from smplatform.models import AuditEntry, ReviewAssignment
from smplatform.rules import rubric
from smplatform.services import review_assignments as service
from tests.support import selection as helpers
from tests.support.helpers import english


def _scores(value: int) -> dict:
    return {f"score_{c.key}": str(value) for c in rubric.rubric_for("enterprise")}


def _submit(client, review: ReviewAssignment, value: int):
    assert client.post(f"/expert/reviews/{review.id}/accept",
                       data={"no_conflict": "y"}).status_code == 302
    db.session.expire_all()
    review = db.session.get(ReviewAssignment, review.id)
    response = client.post(f"/expert/reviews/{review.id}/scores",
                           data={**_scores(value), "action": "submit",
                                 "version": str(review.version)})
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:300]


def _text(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


@pytest.fixture
def scored(app, make, batch, login_as, ministry):
    """Three forwarded declarations, experts A and B on each (assigned by the ministry's
    form), a third expert C in the pool; A and B submit through the review form."""
    d = [helpers.declaration(batch, "440000", name=f"评分企业{i}") for i in (1, 2, 3)]
    a = helpers.expert(make, unit="110000", username="expert_a")
    b = helpers.expert(make, unit="120000", username="expert_b")
    c = helpers.expert(make, unit="310000", username="expert_c")
    for declaration in d:
        for expert in (a, b):
            response = ministry.post(f"/ministry/declarations/{declaration.id}/reviewers",
                                     data={"expert_id": str(expert.id)})
            assert response.status_code == 302
    clients = {a.id: english(login_as(a)), b.id: english(login_as(b))}
    marks = {a.id: (80, 70, 60), b.id: (90, 85, 95)}
    for expert in (a, b):
        for declaration, value in zip(d, marks[expert.id], strict=True):
            review = db.session.scalar(select(ReviewAssignment).where(
                ReviewAssignment.declaration_id == declaration.id,
                ReviewAssignment.expert_id == expert.id))
            _submit(clients[expert.id], review, value)
    db.session.expire_all()
    return {"d": d, "a": a, "b": b, "c": c}


def test_experts_page_shows_hand_computed_leniency_and_agreement(scored, ministry, batch):
    page = _text(ministry.get(f"/ministry/batches/{batch.id}/review/experts")
                 .get_data(as_text=True))
    assert "Batch mean 80.00 Batch spread (standard deviation) 11.90" in page
    name_a, name_b = scored["a"].display_name, scored["b"].display_name
    # Most lenient first: B (+10), then A (−10); distance from co-reviewers 19.44 each.
    assert re.search(rf"{name_b} 3 90.00 4.08 \+10.00 19.44 \(shared declarations: 3\) yes "
                     rf"{name_a} 3 70.00 8.16 -10.00 19.44 \(shared declarations: 3\) yes",
                     page)


def test_declaration_page_shows_normalised_beside_raw(scored, ministry):
    d1 = scored["d"][0]
    page = _text(ministry.get(f"/ministry/declarations/{d1.id}/review").get_data(as_text=True))
    assert "Mean 85.0 Normalised mean 87.29" in page
    assert re.search(rf"{scored['a'].display_name} Submitted( 80){{5}} 80.0 94.58", page)
    assert re.search(rf"{scored['b'].display_name} Submitted( 90){{5}} 90.0 80.0", page)


def test_ranked_list_shows_both_means(scored, ministry, batch):
    page = _text(ministry.get(f"/ministry/batches/{batch.id}/review").get_data(as_text=True))
    for org, raw, normalised in (("评分企业1", "85.0", "87.29"), ("评分企业2", "77.5", "72.71"),
                                 ("评分企业3", "77.5", "80.0")):
        assert re.search(rf"{org} Guangdong {raw} {normalised} ", page), org


def test_disagreeing_declaration_gets_a_further_reviewer_automatically(scored, ministry):
    """d3's normalised scores lie 29.16 apart (> 15): the third expert is assigned; d1 and d2
    (14.58 apart) are left alone."""
    further = db.session.scalars(select(ReviewAssignment).where(
        ReviewAssignment.further.is_(True))).all()
    assert [(r.declaration_id, r.expert_id, r.state) for r in further] == \
        [(scored["d"][2].id, scored["c"].id, "assigned")]
    entry = db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "review.further_requested"))
    assert (entry.object_id, entry.detail["normalised"], entry.detail["expert_id"]) == \
        (str(scored["d"][2].id), [65.42, 94.58], scored["c"].id)
    page = _text(ministry.get(f"/ministry/declarations/{scored['d'][2].id}/review")
                 .get_data(as_text=True))
    assert "strong disagreement" in page
    assert f"{scored['c'].display_name} further reviewer Assigned" in page


def test_a_constant_shift_between_experts_is_not_a_disagreement(app, make, batch, login_as,
                                                                 ministry):
    """B scores 20 above A on every declaration: raw totals 20 apart, normalised equal."""
    d = [helpers.declaration(batch, "440000") for _ in range(3)]
    a = helpers.expert(make, unit="110000")
    b = helpers.expert(make, unit="120000")
    helpers.expert(make, unit="310000")  # would be available as a further reviewer
    for declaration in d:
        for expert in (a, b):
            service.add_reviewer(actor=make.ministry(), declaration=declaration, expert=expert)
    db.session.commit()
    ca, cb = english(login_as(a)), english(login_as(b))
    for declaration, value in zip(d, (50, 60, 70), strict=True):
        for client, expert, shift in ((ca, a, 0), (cb, b, 20)):
            review = db.session.scalar(select(ReviewAssignment).where(
                ReviewAssignment.declaration_id == declaration.id,
                ReviewAssignment.expert_id == expert.id))
            _submit(client, review, value + shift)
    assert db.session.scalars(select(ReviewAssignment).where(
        ReviewAssignment.further.is_(True))).all() == []
    aggregates = service.aggregates(d)
    assert [(a_.spread.range, a_.normalised_range, a_.disagreement)
            for a_ in aggregates.values()] == [(20.0, 0.0, False)] * 3


def test_no_further_reviewer_when_the_pool_has_none(app, make, batch, login_as):
    """Only A and B in the pool: the disagreement is recorded as unstaffed."""
    d = [helpers.declaration(batch, "440000") for _ in range(3)]
    a = helpers.expert(make, unit="110000")
    b = helpers.expert(make, unit="120000")
    for declaration in d:
        for expert in (a, b):
            service.add_reviewer(actor=make.ministry(), declaration=declaration, expert=expert)
    db.session.commit()
    clients = {a.id: english(login_as(a)), b.id: english(login_as(b))}
    for expert, marks in ((a, (80, 70, 60)), (b, (90, 85, 95))):
        for declaration, value in zip(d, marks, strict=True):
            review = db.session.scalar(select(ReviewAssignment).where(
                ReviewAssignment.declaration_id == declaration.id,
                ReviewAssignment.expert_id == expert.id))
            _submit(clients[expert.id], review, value)
    entries = db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.action.like("review.further%"))).all()
    assert entries == ["review.further_unstaffed"]
    assert db.session.get(type(d[2]), d[2].id).state == DeclarationState.EXPERT_REVIEW

