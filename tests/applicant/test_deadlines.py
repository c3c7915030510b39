"""Deadlines that bind, one second before and one second after each:

- the applicant deadline: a draft is editable until it, read-only after it (the page says
  why and until when the province may extend it); the province extends it for one
  organisation (audited), which then binds that organisation only;
- an expert's review due date: scoring until it, refused after it; a reminder in the
  application and by e-mail when it is 48 hours away (once); overdue flagged on the expert's
  and the ministry's pages; overdue reviews given to other experts;
- the province's deadline: a reminder 72 hours before when declarations await review; the
  dashboard flags the pending reviews once it has passed.
"""
from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from smplatform.extensions import db
from smplatform.models import AuditEntry, Declaration, Notification, OutboxEmail, \
    ReviewAssignment
from smplatform.rules import rubric
from smplatform.services import review_assignments
from tests.support import declarations as h
from tests.support import selection as selection
from tests.support.helpers import english

SECOND = timedelta(seconds=1)




def _text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ",
                                                    response.get_data(as_text=True))))


def _save(client, d, text: str):
    db.session.expire_all()
    d = db.session.get(Declaration, d.id)
    raw = h.section_raw("enterprise", "narrative", d.data)
    raw["basic_situation"] = text
    return client.post(f"/applicant/declarations/{d.id}/sections/narrative",
                       data={**raw, "version": str(d.version)})


@pytest.fixture
def drafts(app, clock, make):
    """Two Guangdong organisations with a draft each; the unit's internal deadline."""
    clock.set(h.DURING)
    batch = h.batch5()
    h.internal_deadline(batch)
    a, b = make.applicant(unit="440000", name="延期企业"), make.applicant(unit="440000")
    return {"batch": batch, "a": a, "b": b, "da": h.ready(a, batch), "db": h.ready(b, batch)}


def test_draft_editable_one_second_before_the_deadline(drafts, clock, login_as):
    clock.set(h.INTERNAL - SECOND)
    client = english(login_as(drafts["a"]))
    assert _save(client, drafts["da"], "截止前一秒").status_code == 302
    db.session.expire_all()
    assert db.session.get(Declaration, drafts["da"].id).data["basic_situation"] == "截止前一秒"


def test_draft_read_only_one_second_after_the_deadline(drafts, clock, login_as):
    clock.set(h.INTERNAL + SECOND)
    client = english(login_as(drafts["a"]))
    assert _save(client, drafts["da"], "截止后一秒").status_code == 403
    db.session.expire_all()
    assert db.session.get(Declaration, drafts["da"].id).data["basic_situation"] != "截止后一秒"
    section = client.get(f"/applicant/declarations/{drafts['da'].id}/sections/narrative")
    assert section.status_code == 302 and section.headers["Location"].endswith("/preview")
    page = _text(client.get(f"/applicant/declarations/{drafts['da'].id}"))
    assert "The deadline has passed: this draft is read-only" in page
    assert "The deadline for your declaration was 2023-04-25 23:59:59." in page
    assert ("Your provincial department can extend the deadline for your organisation, at "
            "the latest until 2023-05-31 23:59:59") in page


def test_read_only_banner_in_chinese(drafts, clock, login_as):
    clock.set(h.INTERNAL + SECOND)
    page = _text(login_as(drafts["a"]).get(f"/applicant/declarations/{drafts['da'].id}",
                                           headers={"Accept-Language": "zh-CN"}))
    assert "截止时间已过：本草稿只读" in page


def test_province_extends_for_one_organisation_only(drafts, clock, login_as, make):
    clock.set(h.INTERNAL + SECOND)
    officer = english(login_as(make.province("440000")))
    page = _text(officer.get("/province/extensions"))
    assert "延期企业" in page
    until = datetime(2023, 5, 10, 18, 0, tzinfo=h.CST)
    response = officer.post("/province/extensions", data={
        "organisation_id": str(drafts["a"].organisation_id), "until": "2023-05-10T18:00:00",
        "reason": "系统故障导致未能按时提交"})
    assert response.status_code == 302
    audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "deadline.extend"))
    assert (audit.detail["from"], audit.detail["until"], audit.detail["reason"]) == (
        h.INTERNAL.astimezone(UTC).isoformat(), until.astimezone(UTC).isoformat(),
        "系统故障导致未能按时提交")
    clock.set(until - SECOND)
    assert _save(english(login_as(drafts["a"])), drafts["da"], "延期内").status_code == 302
    assert _save(english(login_as(drafts["b"])), drafts["db"], "别人").status_code == 403
    clock.set(until + SECOND)
    assert _save(english(login_as(drafts["a"])), drafts["da"], "延期后").status_code == 403


@pytest.mark.parametrize("until,message", [
    ("2023-06-01T00:00:00", "at the latest until 2023-05-31 23:59:59"),
    ("2023-04-20T12:00:00", "must be later than the organisation's deadline now"),
])
def test_extension_out_of_bounds_is_refused(drafts, clock, login_as, make, until, message):
    clock.set(h.INTERNAL + SECOND)
    officer = english(login_as(make.province("440000")))
    response = officer.post("/province/extensions", data={
        "organisation_id": str(drafts["a"].organisation_id), "until": until, "reason": "x"})
    assert response.status_code == 422
    assert message in _text(response)
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "deadline.extend")) == 0


def test_another_units_officer_cannot_extend(drafts, clock, login_as, make):
    clock.set(h.INTERNAL + SECOND)
    officer = english(login_as(make.province("330000")))
    response = officer.post("/province/extensions", data={
        "organisation_id": str(drafts["a"].organisation_id), "until": "2023-05-10T18:00:00",
        "reason": "越权"})
    assert response.status_code == 422
    assert "This organisation does not belong to your unit." in _text(response)


# ------------------------------------------------------------------ experts' due dates

DUE = datetime(2023, 7, 1, 15, 59, 59, tzinfo=UTC)


@pytest.fixture
def review(app, clock, make):
    clock.set(datetime(2023, 6, 20, 2, 0, tzinfo=UTC))
    batch = selection.make_batch()
    d = selection.declaration(batch, "440000", name="到期企业")
    expert = selection.expert(make, unit="110000")
    selection.expert(make, unit="120000")  # a replacement in the pool
    row = review_assignments.add_reviewer(actor=make.ministry(), declaration=d, expert=expert,
                                          due_at=DUE)
    row.state = "accepted"
    db.session.commit()
    return {"review": row, "expert": expert, "batch": batch, "d": d}


def _score(client, review):
    db.session.expire_all()
    row = db.session.get(ReviewAssignment, review.id)
    data = {f"score_{c.key}": "70" for c in rubric.rubric_for("enterprise")}
    return client.post(f"/expert/reviews/{row.id}/scores",
                       data={**data, "action": "submit", "version": str(row.version)},
                       follow_redirects=True)


def test_review_scored_one_second_before_it_is_due(review, clock, login_as):
    clock.set(DUE - SECOND)
    _score(english(login_as(review["expert"])), review["review"])
    db.session.expire_all()
    assert db.session.get(ReviewAssignment, review["review"].id).state == "submitted"


def test_review_refused_one_second_after_it_is_due(review, clock, login_as):
    clock.set(DUE + SECOND)
    client = english(login_as(review["expert"]))
    response = _score(client, review["review"])
    assert "This review was due on 2023-07-01 23:59:59: it can no longer be scored." in \
        _text(response)
    db.session.expire_all()
    assert db.session.get(ReviewAssignment, review["review"].id).state == "accepted"
    assert "overdue" in _text(client.get("/expert/"))


def _remind(app) -> str:
    return app.test_cli_runner().invoke(args=["send-reminders"]).output


def test_expert_reminded_once_48_hours_before(app, review, clock):
    clock.set(DUE - timedelta(hours=48) - SECOND)
    assert "0 to experts" in _remind(app)
    clock.set(DUE - timedelta(hours=48) + SECOND)
    assert "1 to experts" in _remind(app)
    assert "0 to experts" in _remind(app)  # once only
    note = db.session.scalar(select(Notification).where(
        Notification.user_id == review["expert"].id, Notification.key == "review.due_soon"))
    assert note.params["due"] == "2023-07-01 23:59:59"
    # Addresses and bodies are encrypted at rest: read the outbox, compare here.
    [mail] = [m for m in db.session.scalars(select(OutboxEmail))
              if m.to == review["expert"].email and "2023-07-01" in m.body]
    assert "is due on 2023-07-01 23:59:59" in mail.body


def test_overdue_review_flagged_and_reassigned(app, review, clock, login_as, make):
    clock.set(DUE - SECOND)
    ministry = english(login_as(make.ministry()))
    page = _text(ministry.get(f"/ministry/batches/{review['batch'].id}/review"))
    assert "None: every open review is within its due date." in page
    clock.set(DUE + SECOND)
    ministry = english(login_as(make.ministry()))
    page = _text(ministry.get(f"/ministry/batches/{review['batch'].id}/review"))
    assert "1 overdue" in page and "到期企业" in page
    response = ministry.post(f"/ministry/batches/{review['batch'].id}/review/reassign-overdue",
                             data={"due_on": "2023-07-15"})
    assert response.status_code == 302
    db.session.expire_all()
    rows = db.session.scalars(select(ReviewAssignment).where(
        ReviewAssignment.declaration_id == review["d"].id).order_by(ReviewAssignment.id)).all()
    assert [(r.expert_id == review["expert"].id, r.state) for r in rows] == [
        (True, "withdrawn"), (False, "assigned")]
    assert rows[1].due_at == datetime(2023, 7, 15, 15, 59, 59, tzinfo=UTC)
    assert db.session.scalar(select(Notification).where(
        Notification.user_id == review["expert"].id,
        Notification.key == "review.withdrawn")) is not None
    withdrawn = english(login_as(review["expert"]))
    assert withdrawn.get(f"/expert/reviews/{rows[0].id}").status_code == 403


# ------------------------------------------------------------------ the province's deadline


@pytest.fixture
def pending(app, clock, make, login_as):
    clock.set(h.DURING)
    batch = h.batch5()
    user = make.applicant(unit="440000")
    d = h.ready(user, batch)
    login_as(user).post(f"/applicant/declarations/{d.id}/submit",
                        data={"version": str(d.version)})
    return {"batch": batch, "officer": make.province("440000")}


def test_province_reminded_72_hours_before_its_deadline(app, pending, clock):
    clock.set(h.PROVINCE - timedelta(hours=72) - SECOND)
    assert "0 to units" in _remind(app)
    clock.set(h.PROVINCE - timedelta(hours=72) + SECOND)
    assert "1 to units" in _remind(app)
    assert "0 to units" in _remind(app)
    note = db.session.scalar(select(Notification).where(
        Notification.user_id == pending["officer"].id,
        Notification.key == "province.review_due_soon"))
    assert note.params == {"count": 1, "due": "2023-05-31 23:59:59"}


def test_province_dashboard_flags_pending_reviews_after_its_deadline(pending, clock, login_as):
    clock.set(h.PROVINCE - SECOND)
    assert "province-overdue" not in login_as(pending["officer"]).get(
        "/province/").get_data(as_text=True)
    clock.set(h.PROVINCE + SECOND)
    page = _text(english(login_as(pending["officer"])).get("/province/"))
    assert "1 declaration(s) still await your review, and your unit's deadline " \
        "(2023-05-31 23:59:59) has passed." in page
