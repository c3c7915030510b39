"""`flask seed-demo` seeds a national picture through the real services: declarations in every
state across many units and all three categories, returned ones with comments, scored reviews
with a disagreement, an inspection, objections, earlier batches published, an evaluation
campaign with filings in every state; experts that can be assigned; one consistent story
(issue 16, demo data and item 4)."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from smplatform import clock
from smplatform.demo import seed
from smplatform.enums import DeclarationState, ReviewState
from smplatform.extensions import db
from smplatform.models import (
    AuditEntry,
    Batch,
    Declaration,
    DeclarationEvent,
    EvaluationTask,
    Inspection,
    Objection,
    PublicNotice,
    RegistryEntry,
    ReviewAssignment,
    User,
)
from smplatform.rules import rubric
from smplatform.rules.evaluation import TaskState
from smplatform.services import review_assignments
from smplatform.services.audit import verify_chain

PASSWORD = "Demo-Password-2023"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # SMPLATFORM_DEMO_TOTP_SECRET
# A Monday at noon in China: the story is told relative to it.
TODAY = datetime(2026, 11, 30, 4, 0, tzinfo=UTC)


@pytest.fixture
def demo(app, clock):
    clock.set(TODAY)
    seed(PASSWORD, TOTP_SECRET)
    db.session.commit()
    return app


def _every_declaration_state_across_units_and_categories():
    states = set(db.session.scalars(select(Declaration.state).distinct()))
    assert states == {s.value for s in DeclarationState}
    assert set(db.session.scalars(select(Declaration.category).distinct())) == {
        "enterprise", "platform", "city"}
    assert db.session.scalar(select(func.count(func.distinct(Declaration.unit_code)))) >= 15


def _batches_tell_one_story():
    rows = db.session.execute(select(Batch.number, Batch.year, Batch.status)
                              .order_by(Batch.number)).all()
    assert [tuple(r) for r in rows] == [(5, 2023, "closed"), (6, 2026, "closed"),
                                        (7, 2027, "open")]
    for batch in db.session.scalars(select(Batch)):
        assert clock.china(batch.province_deadline).year == batch.year
    notices = {n.batch.number: n for n in db.session.scalars(select(PublicNotice))}
    assert notices[5].published_at is not None
    today = clock.china(TODAY).date()
    assert notices[6].published_at is None
    assert notices[6].starts_on < today <= notices[6].ends_on  # objections taken now
    # Every event happened before today, in the order of its declaration's way.
    latest = db.session.scalar(select(func.max(DeclarationEvent.at)))
    assert latest <= TODAY


def _returns_carry_comments_and_rejections_reasons():
    for event in db.session.scalars(select(DeclarationEvent).where(
            DeclarationEvent.action.in_(("return", "reject")))):
        assert event.comment or event.section_comments, event.declaration.org_name
    returned = db.session.scalar(select(Declaration).join(User, User.organisation_id ==
                                                          Declaration.organisation_id)
                                 .where(User.username == "platform-demo"))
    assert returned.state == "returned"


def _reviews_scored_with_a_disagreement_and_inspections():
    totals: dict[int, list[float]] = {}
    for row in db.session.scalars(select(ReviewAssignment).where(
            ReviewAssignment.state == ReviewState.SUBMITTED)):
        totals.setdefault(row.declaration_id, []).append(row.total)
    assert any(rubric.strong_disagreement(t) for t in totals.values())
    assert db.session.scalar(select(func.count(Inspection.id))) >= 3
    states = {r.state for r in db.session.scalars(select(ReviewAssignment))}
    assert {"assigned", "accepted", "submitted"} <= states


def _objections_published_lists_and_registry():
    outcomes = {(o.source, o.outcome) for o in db.session.scalars(select(Objection))}
    assert outcomes == {("ministry", "upheld"), ("ministry", "dismissed"), ("public", None)}
    batches = set(db.session.scalars(select(RegistryEntry.batch_number).distinct()))
    assert batches == {1, 2, 3, 4, 5}


def _evaluation_filings_in_every_state():
    states = set(db.session.scalars(select(EvaluationTask.state).distinct()))
    assert states == {s.value for s in TaskState}
    conclusions = set(db.session.scalars(select(EvaluationTask.conclusion).where(
        EvaluationTask.conclusion.is_not(None))))
    assert conclusions == {"qualified", "rectification", "revoked"}


def _enterprise_demo_has_a_draft_to_continue():
    d = db.session.scalar(select(Declaration).join(User, User.organisation_id ==
                                                   Declaration.organisation_id)
                          .where(User.username == "enterprise-demo"))
    assert (d.category, d.state, d.batch.number) == ("enterprise", "draft", 7)
    assert d.data["registered_address"] == "广州市黄埔区科学大道1号"
    assert {len(b.quotas) for b in db.session.scalars(select(Batch))} == {9}


def _expert_pool_can_staff_three_reviewers():
    batch = db.session.scalar(select(Batch).where(Batch.number == 7))
    assert review_assignments.staffing_limit(batch) >= 3


def _every_staff_account_signs_in_with_the_demo_second_factor():
    """The story's own experts and officers too, not only the fixed demo accounts."""
    staff = db.session.scalars(select(User).where(User.role != "applicant")).all()
    assert {"expert-3", "expert-6", "ministry", "sysadmin"} <= {u.username for u in staff}
    assert [u.username for u in staff if u.totp_secret != TOTP_SECRET] == []


def test_the_story(demo):
    """One seed, every aspect of the story (the seed takes a few seconds)."""
    _every_declaration_state_across_units_and_categories()
    _batches_tell_one_story()
    _returns_carry_comments_and_rejections_reasons()
    _reviews_scored_with_a_disagreement_and_inspections()
    _objections_published_lists_and_registry()
    _evaluation_filings_in_every_state()
    _expert_pool_can_staff_three_reviewers()
    _enterprise_demo_has_a_draft_to_continue()
    _every_staff_account_signs_in_with_the_demo_second_factor()


def test_demo_accounts_keep_their_password_and_the_seed_is_idempotent(demo, client):
    counts = [db.session.scalar(select(func.count()).select_from(m))
              for m in (User, Declaration, AuditEntry, EvaluationTask)]
    assert seed(PASSWORD) == []
    db.session.commit()
    assert [db.session.scalar(select(func.count()).select_from(m))
            for m in (User, Declaration, AuditEntry, EvaluationTask)] == counts
    for name in ("ministry", "prov-440000", "expert-1", "enterprise-demo", "city-demo"):
        response = client.post("/account/sign-in", data={"username": name,
                                                         "password": PASSWORD})
        assert response.status_code == 302, name
        client.post("/account/sign-out")
    assert verify_chain().ok
