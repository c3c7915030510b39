"""Wiring of the selection: publication into the public registry, notifications, and the
attachment downloads of the province, the ministry and experts."""
from datetime import date, datetime, UTC

import pytest
from sqlalchemy import func, select

from smplatform import permissions
from smplatform.enums import DeclarationState as S
from smplatform.enums import ReviewState
from smplatform.extensions import db
from smplatform.models import (AuditEntry, EvaluationTask, Notification, OutboxEmail,
                               PublicNotice, RegistryEntry, ReviewAssignment, UnitSubmission)
from smplatform.services import recommendation, registry, review_assignments, selection
from tests.support.national import with_attachment
from tests.support import selection as helpers

NOW = datetime(2023, 8, 10, 4, tzinfo=UTC)


@pytest.fixture
def noticed(app, batch, clock):
    """Three shortlisted declarations (one of them a city) whose notice ended on 7 August,
    and a declaration of the same batch that was not selected."""
    clock.set(NOW)
    shortlisted = [
        helpers.declaration(batch, "440000", state=S.SHORTLISTED, name="广东示范公司",
                            service_model="supply_chain", commit=False),
        helpers.declaration(batch, "320000", category="platform", klass="shared_manufacturing",
                            state=S.SHORTLISTED, name="江苏共享平台", commit=False),
        helpers.declaration(batch, "330000", category="city", state=S.SHORTLISTED,
                            name="浙江某市", commit=False)]
    shortlisted[0].city_code = "440600"
    shortlisted[2].city_code = "330400"
    helpers.declaration(batch, "440000", state=S.NOT_SELECTED, name="广东落选公司",
                        commit=False)
    db.session.add(PublicNotice(batch_id=batch.id, starts_on=date(2023, 8, 1),
                                ends_on=date(2023, 8, 7), created_at=NOW))
    db.session.commit()
    return shortlisted


def entries():
    return db.session.execute(
        select(RegistryEntry.batch_number, RegistryEntry.year, RegistryEntry.category,
               RegistryEntry.name, RegistryEntry.unit_code, RegistryEntry.city_code,
               RegistryEntry.klass, RegistryEntry.status)
        .order_by(RegistryEntry.category)).all()


def test_publish_adds_demonstrations_to_registry(noticed, batch, minister):
    assert selection.publish(actor=minister, batch=batch) == 3
    db.session.commit()
    assert entries() == [
        (5, 2023, "city", "嘉兴市", "330000", "330400", "comprehensive", "active"),
        (5, 2023, "enterprise", "广东示范公司", "440000", "440600", "supply_chain", "active"),
        (5, 2023, "platform", "江苏共享平台", "320000", None, "shared_manufacturing", "active")]
    linked = db.session.scalar(select(RegistryEntry).where(RegistryEntry.name == "广东示范公司"))
    assert (linked.organisation_id, linked.credit_code) == (noticed[0].organisation_id,
                                                            noticed[0].credit_code)
    audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "notice.publish"))
    assert (audit.detail["registry_created"], audit.detail["registry_updated"]) == (3, 0)


def test_registry_addition_is_idempotent(noticed, batch, minister):
    selection.publish(actor=minister, batch=batch)
    db.session.commit()
    again = registry.add_published(actor=minister, entries=selection.published_entries(batch))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    # A corrected name updates the entry in place.
    noticed[1].org_name = "江苏共享制造平台"
    changed = registry.add_published(actor=minister, entries=selection.published_entries(batch))
    db.session.commit()
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 2)
    assert db.session.scalar(select(func.count()).select_from(RegistryEntry)) == 3


def test_published_demonstrations_listed_in_public_registry(noticed, batch, minister, client):
    selection.publish(actor=minister, batch=batch)
    db.session.commit()
    page = client.get("/registry?batch=5").get_data(as_text=True)
    # A city is listed by its city's name, not by its department's (浙江某市 declared).
    assert [n in page for n in ("广东示范公司", "江苏共享平台", "嘉兴市", "广东落选公司")] == [
        True, True, True, False]
    assert 'value="5"' in page


def test_published_demonstrations_get_no_task_in_their_own_campaign(noticed, batch, minister):
    from smplatform.services import evaluations
    campaign = evaluations.open_campaign(actor=minister, batch=batch)
    selection.publish(actor=minister, batch=batch)
    assert evaluations.create_missing_tasks(campaign) == 0
    assert db.session.scalar(select(func.count()).select_from(EvaluationTask)) == 0


def notes(org_id=None, user_id=None):
    query = select(Notification.key).order_by(Notification.id)
    if org_id:
        query = query.where(Notification.organisation_id == org_id)
    if user_id:
        query = query.where(Notification.user_id == user_id)
    return db.session.scalars(query).all()


def mail_to(address: str) -> OutboxEmail:
    """The one e-mail of the outbox to `address` (addresses are encrypted at rest: SQL
    cannot compare them, so the outbox is read and compared here)."""
    [mail] = [m for m in db.session.scalars(select(OutboxEmail)) if m.to == address]
    return mail


def test_publication_notifies_each_published_applicant(noticed, batch, minister):
    selection.publish(actor=minister, batch=batch)
    db.session.commit()
    assert [notes(org_id=d.organisation_id) for d in noticed] == [["declaration.publish"]] * 3
    mail = mail_to(noticed[0].organisation.contact_email)
    assert f"Your declaration {noticed[0].electronic_number} was published" in mail.body


def test_shortlist_and_not_selected_notified(app, batch, minister):
    chosen = helpers.declaration(batch, "330000", state=S.EXPERT_PASSED)
    other = helpers.declaration(batch, "330000", state=S.EXPERT_PASSED)
    selection.shortlist(actor=minister, declaration=chosen)
    selection.not_shortlist(actor=minister, declaration=other)
    db.session.commit()
    assert (notes(org_id=chosen.organisation_id), notes(org_id=other.organisation_id)) == (
        ["declaration.shortlist"], ["declaration.not_shortlist"])


def test_expert_outcome_notified_to_applicant(app, batch, minister, make):
    d = helpers.declaration(batch, "440000", state=S.EXPERT_REVIEW)
    expert = helpers.expert(make)
    db.session.add(ReviewAssignment(declaration_id=d.id, expert_id=expert.id,
                                    state=ReviewState.SUBMITTED, scores={}, comments={},
                                    total=81.0, assigned_at=NOW, submitted_at=NOW))
    db.session.commit()
    review_assignments.record_expert_outcome(actor=minister, declaration=d, passed=False)
    db.session.commit()
    assert notes(org_id=d.organisation_id) == ["declaration.expert_fail"]


def test_expert_notified_when_assigned(app, batch, minister, make):
    d = helpers.declaration(batch, "440000")
    expert = helpers.expert(make, unit="110000")
    review_assignments.add_reviewer(actor=minister, declaration=d, expert=expert)
    db.session.commit()
    assert notes(user_id=expert.id) == ["review.assigned"]
    mail = mail_to(expert.email)
    assert f"assigned declaration {d.electronic_number} to review" in mail.body
    # Nothing about it reaches the applicant.
    assert notes(org_id=d.organisation_id) == []


def test_send_back_notifies_the_units_officers_only(app, batch, minister, make):
    officer = make.province("440000")
    elsewhere = make.province("320000")
    d = helpers.declaration(batch, "440000", state=S.FORWARDED)
    db.session.add(UnitSubmission(batch_id=batch.id, unit_code="440000", state="submitted",
                                  submitted_at=NOW))
    db.session.commit()
    recommendation.send_back(actor=minister, batch=batch, unit_code="440000",
                             reason="汇总表未盖章")
    db.session.commit()
    assert (notes(user_id=officer.id), notes(user_id=elsewhere.id)) == (
        ["unit_submission.send_back"], [])
    assert notes(org_id=d.organisation_id) == ["declaration.send_back"]
    mail = mail_to(officer.email)
    assert "汇总表未盖章" in mail.body


# Attachments: the province (its unit, not a draft), the ministry (not a draft), an expert
# who accepted the review. Every test sets up a file that could leak.

@pytest.fixture
def files(app, batch):
    return {"gd": with_attachment(batch, "440000", text="guangdong"),
            "js": with_attachment(batch, "320000", text="jiangsu"),
            "draft": with_attachment(batch, "440000", state=S.DRAFT, text="draft")}


def url(area, item):
    d, a, _ = item
    return f"/{area}/declarations/{d.id}/attachments/{a.id}"


def test_province_downloads_own_units_attachment_only(files, make, login_as):
    officer = login_as(make.province("440000"))
    ok = officer.get(url("province", files["gd"]))
    assert (ok.status_code, ok.data) == (200, files["gd"][2])
    assert ok.headers["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert officer.get(url("province", files["js"])).status_code == 403
    assert officer.get(url("province", files["draft"])).status_code == 403


def test_province_attachment_of_other_declaration_in_path_is_404(files, make, login_as):
    officer = login_as(make.province("440000"))
    d, _a, _ = files["gd"]
    _d, other, _ = files["draft"]
    assert officer.get(f"/province/declarations/{d.id}/attachments/{other.id}"
                       ).status_code == 403
    _d2, own, _ = files["gd"]
    assert officer.get(f"/province/declarations/{files['js'][0].id}/attachments/{own.id}"
                       ).status_code == 404


def test_ministry_downloads_submitted_not_draft(files, ministry):
    response = ministry.get(url("ministry", files["js"]))
    assert (response.status_code, response.data) == (200, files["js"][2])
    assert ministry.get(url("ministry", files["draft"])).status_code == 403


def test_ministry_declaration_page_links_attachment(files, ministry):
    d, a, _ = files["gd"]
    page = ministry.get(f"/ministry/declarations/{d.id}").get_data(as_text=True)
    assert f'href="/ministry/declarations/{d.id}/attachments/{a.id}"' in page


@pytest.mark.parametrize("state, status", [(ReviewState.ASSIGNED, 403),
                                           (ReviewState.DECLINED, 403),
                                           (ReviewState.ACCEPTED, 200),
                                           (ReviewState.SUBMITTED, 200)])
def test_expert_downloads_only_after_accepting(files, make, login_as, state, status):
    expert = helpers.expert(make)
    d, a, content = files["gd"]
    review = ReviewAssignment(declaration_id=d.id, expert_id=expert.id, state=state,
                              scores={}, comments={}, assigned_at=NOW)
    db.session.add(review)
    db.session.commit()
    response = login_as(expert).get(f"/expert/reviews/{review.id}/attachments/{a.id}")
    assert response.status_code == status
    if status == 200:
        assert response.data == content


def test_expert_permission_is_per_declaration(files, make):
    expert = helpers.expert(make)
    other = helpers.expert(make)
    d, a, _ = files["gd"]
    db.session.add(ReviewAssignment(declaration_id=d.id, expert_id=expert.id,
                                    state=ReviewState.ACCEPTED, scores={}, comments={},
                                    assigned_at=NOW))
    db.session.commit()
    assert [permissions.can_download_attachment(u, x[1]) for u in (expert, other)
            for x in (files["gd"], files["js"])] == [True, False, False, False]
