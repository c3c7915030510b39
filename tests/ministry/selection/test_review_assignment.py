"""Assigning reviewers: conflicts, balance, count, unstaffable refusal, manual changes, decline."""
import re
from collections import Counter

from sqlalchemy import select

from smplatform.enums import DeclarationState as S
from smplatform.extensions import db
from smplatform.models import AuditEntry, Declaration, ReviewAssignment
from tests.support import selection as helpers


def reviews(declaration_id=None):
    db.session.expire_all()
    query = select(ReviewAssignment).order_by(ReviewAssignment.id)
    if declaration_id is not None:
        query = query.where(ReviewAssignment.declaration_id == declaration_id)
    return db.session.scalars(query).all()


def pairs():
    return {(r.declaration_id, r.expert_id) for r in reviews() if r.state != "declined"}


def test_assignment_excludes_own_unit_and_organisation(app, make, batch, ministry):
    guangdong = helpers.declaration(batch, "440000")
    zhejiang_org = helpers.organisation("330000")
    zhejiang = helpers.declaration(batch, "330000", org=zhejiang_org)
    local = helpers.expert(make, unit="440000")  # Guangdong: never on Guangdong's declaration
    colleague = helpers.expert(make, unit="110000", org=zhejiang_org.name,
                               code=zhejiang_org.credit_code)  # works for the Zhejiang applicant
    others = [helpers.expert(make, unit=u) for u in ("110000", "120000", "310000")]
    response = ministry.post(f"/ministry/batches/{batch.id}/review/assign",
                             data={"per_declaration": "3"})
    assert response.status_code == 200
    assigned = pairs()
    assert (guangdong.id, local.id) not in assigned
    assert (zhejiang.id, colleague.id) not in assigned
    on_guangdong = {e for d, e in assigned if d == guangdong.id}
    on_zhejiang = {e for d, e in assigned if d == zhejiang.id}
    assert (len(on_guangdong), len(on_zhejiang)) == (3, 3)
    assert on_guangdong - ({colleague.id} | {o.id for o in others}) == set()
    assert on_zhejiang - ({local.id} | {o.id for o in others}) == set()


def test_assignment_gives_each_declaration_n_reviewers_and_balances(app, make, batch, ministry):
    declarations = [helpers.declaration(batch, unit) for unit in
                    ("440000", "440000", "330000", "330000", "320000", "320000")]
    pool = [helpers.expert(make, unit="110000") for _ in range(6)]
    ministry.post(f"/ministry/batches/{batch.id}/review/assign", data={"per_declaration": "3"})
    per_declaration = Counter(d for d, _e in pairs())
    assert per_declaration == {d.id: 3 for d in declarations}
    loads = Counter(e for _d, e in pairs())
    assert sorted(loads.values()) == [3] * len(pool)
    db.session.expire_all()
    assert {d.state for d in db.session.scalars(select(Declaration))} == {S.EXPERT_REVIEW}


def test_assignment_refuses_a_count_the_pool_cannot_staff(app, make, batch, ministry):
    beijing = helpers.declaration(batch, "110000", name="北京无人可评企业")
    fine = helpers.declaration(batch, "440000")
    helpers.expert(make, unit="110000")
    helpers.expert(make, unit="110000")
    helpers.expert(make, unit="310000")
    response = ministry.post(f"/ministry/batches/{batch.id}/review/assign",
                             data={"per_declaration": "2"})
    assert response.status_code == 400
    error = re.search(r'id="per_declaration-error">(.*?)</p>',
                      response.get_data(as_text=True), re.S).group(1)
    assert "cannot give every declaration 2 reviewers: 1 declaration(s)" in error
    assert "北京无人可评企业 (Beijing): 1" in error
    assert "Choose at most 1 reviewers per declaration" in error
    assert (reviews(beijing.id), reviews(fine.id)) == ([], [])  # refused before assigning
    assert db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "review.assign_batch")) is None


def test_review_page_says_how_many_reviewers_the_pool_can_staff(app, make, batch, ministry):
    helpers.declaration(batch, "110000")
    helpers.declaration(batch, "440000")
    helpers.expert(make, unit="110000")
    helpers.expert(make, unit="310000")
    helpers.expert(make, unit="320000")
    page = ministry.get(f"/ministry/batches/{batch.id}/review").get_data(as_text=True)
    assert re.search(r'id="staffing-limit">(.*?)<a', page, re.S).group(1).strip() == (
        "The active expert pool can give every declaration at most 2 reviewer(s) now. A "
        "larger number is refused before anyone is assigned.")
    assert re.search(r'id="per_declaration"[^>]*value="2"', page)
    response = ministry.post(f"/ministry/batches/{batch.id}/review/assign",
                             data={"per_declaration": "2"})
    assert response.status_code == 200
    assert len(pairs()) == 4


def test_assignment_tops_up_and_skips_staffed(app, make, batch, ministry):
    d = helpers.declaration(batch, "440000")
    [helpers.expert(make, unit="110000") for _ in range(4)]
    ministry.post(f"/ministry/batches/{batch.id}/review/assign", data={"per_declaration": "2"})
    ministry.post(f"/ministry/batches/{batch.id}/review/assign", data={"per_declaration": "2"})
    assert len(reviews(d.id)) == 2
    ministry.post(f"/ministry/batches/{batch.id}/review/assign", data={"per_declaration": "3"})
    assert len(reviews(d.id)) == 3


def test_assignment_count_out_of_range_refused(app, make, batch, ministry):
    helpers.declaration(batch)
    response = ministry.post(f"/ministry/batches/{batch.id}/review/assign",
                             data={"per_declaration": "0"})
    assert response.status_code == 400
    assert "Choose between 1 and 9 reviewers per declaration." in response.get_data(as_text=True)
    assert reviews() == []


def test_manual_add_refuses_same_unit(app, make, batch, ministry):
    d = helpers.declaration(batch, "440000")
    local = helpers.expert(make, unit="440000")
    response = ministry.post(f"/ministry/declarations/{d.id}/reviewers",
                             data={"expert_id": str(local.id)})
    assert response.status_code == 400
    assert ("Conflict of interest: the expert belongs to the declaration&#39;s own "
            "provincial-level unit.") in response.get_data(as_text=True)
    assert reviews() == []


def test_manual_add_refuses_same_organisation(app, make, batch, ministry):
    org = helpers.organisation("330000", name="某集团有限公司")
    d = helpers.declaration(batch, "330000", org=org)
    colleague = helpers.expert(make, unit="110000", org="某集团有限公司")
    response = ministry.post(f"/ministry/declarations/{d.id}/reviewers",
                             data={"expert_id": str(colleague.id)})
    assert "Conflict of interest: the expert works for the declaring organisation." in \
        response.get_data(as_text=True)
    assert reviews() == []


def test_manual_add_and_remove(app, make, batch, ministry):
    d = helpers.declaration(batch, "440000")
    e = helpers.expert(make, unit="110000")
    assert ministry.post(f"/ministry/declarations/{d.id}/reviewers",
                         data={"expert_id": str(e.id)}).status_code == 302
    [review] = reviews(d.id)
    assert (review.expert_id, review.state) == (e.id, "assigned")
    assert db.session.get(Declaration, d.id).state == S.EXPERT_REVIEW
    again = ministry.post(f"/ministry/declarations/{d.id}/reviewers",
                          data={"expert_id": str(e.id)})
    assert "This expert already reviews this declaration." in again.get_data(as_text=True)
    assert ministry.post(f"/ministry/reviews/{review.id}/remove").status_code == 302
    assert reviews(d.id) == []
    actions = [a.action for a in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions[-3:] == ["declaration.start_expert_review", "review.assign",
                            "review.remove"]


def test_decline_reassigns_to_another_eligible_expert(app, make, batch, login_as):
    d = helpers.declaration(batch, "440000")
    first = helpers.expert(make, unit="110000")
    local = helpers.expert(make, unit="440000")  # never eligible
    spare = helpers.expert(make, unit="310000")
    minister = make.ministry()
    from smplatform.services import review_assignments as service
    service.add_reviewer(actor=minister, declaration=d, expert=first)
    db.session.commit()
    [review] = reviews(d.id)
    client = login_as(first)
    response = client.post(f"/expert/reviews/{review.id}/decline",
                           data={"reason": "本人曾为该企业提供咨询服务"})
    assert response.status_code == 302
    rows = {r.expert_id: r for r in reviews(d.id)}
    assert rows[first.id].state == "declined"
    assert rows[first.id].declined_reason == "本人曾为该企业提供咨询服务"
    assert set(rows) == {first.id, spare.id}
    assert local.id not in rows
    assert rows[spare.id].state == "assigned"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "review.decline"))
    assert entry.detail["replacement_expert_id"] == spare.id


def test_decline_without_reason_refused(app, make, batch, login_as):
    d = helpers.declaration(batch, "440000")
    first = helpers.expert(make, unit="110000")
    from smplatform.services import review_assignments as service
    review = service.add_reviewer(actor=make.ministry(), declaration=d, expert=first)
    db.session.commit()
    client = helpers_english(login_as(first))
    response = client.post(f"/expert/reviews/{review.id}/decline", data={"reason": "  "})
    assert response.status_code == 400
    assert "Give the reason why you decline." in response.get_data(as_text=True)
    assert reviews(d.id)[0].state == "assigned"


def test_declined_expert_not_reassigned_by_automatic_assignment(app, make, batch, login_as,
                                                                 ministry):
    d = helpers.declaration(batch, "440000")
    first = helpers.expert(make, unit="110000")
    from smplatform.services import review_assignments as service
    review = service.add_reviewer(actor=make.ministry(), declaration=d, expert=first)
    db.session.commit()
    login_as(first).post(f"/expert/reviews/{review.id}/decline", data={"reason": "回避"})
    ministry.post(f"/ministry/batches/{batch.id}/review/assign", data={"per_declaration": "1"})
    assert [(r.expert_id, r.state) for r in reviews(d.id)] == [(first.id, "declined")]


def helpers_english(client):
    client.post("/language", data={"lang": "en", "next": "/"})
    return client


def test_ranked_sections_headed_by_category_labels_even_when_empty(app, batch, ministry):
    english = ministry.get(f"/ministry/batches/{batch.id}/review").get_data(as_text=True)
    headings = re.findall(r'<h3 id="ranked-\w+-title">(.*?)</h3>', english)
    assert headings == ["Demonstration enterprise", "Demonstration platform",
                        "Demonstration city"]
    ministry.post("/language", data={"lang": "zh_CN", "next": "/"})
    chinese = ministry.get(f"/ministry/batches/{batch.id}/review")
    assert re.findall(r'<h3 id="ranked-\w+-title">(.*?)</h3>',
                      chinese.get_data(as_text=True)) == ["示范企业", "示范平台", "示范城市"]
