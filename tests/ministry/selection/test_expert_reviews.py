"""The expert's side: conflict declaration, scoring, drafts, one submission, isolation."""
import pytest
from sqlalchemy import select

from smplatform.extensions import db
from smplatform.models import AuditEntry, ReviewAssignment
from smplatform.services import review_assignments as service
from tests.support import selection as helpers
from datetime import UTC
from tests.support.helpers import english

SCORES = {"service_share": 80, "innovation": 90, "results": 70, "capability": 60,
          "demonstration": 100}  # weighted: (1600 + 2250 + 1400 + 900 + 2000) / 100 = 81.5


def form(scores=SCORES, action="save", version=None, **extra):
    data = {f"score_{k}": str(v) for k, v in scores.items()}
    data.update({"action": action, **extra})
    if version is not None:
        data["version"] = str(version)
    return data




def fresh(review_id):
    db.session.expire_all()
    return db.session.get(ReviewAssignment, review_id)


@pytest.fixture
def setup(app, make, batch, login_as):
    minister = make.ministry()
    d = helpers.declaration(batch, "440000", name="广东某装备制造有限公司")
    e = helpers.expert(make, unit="110000")
    review = service.add_reviewer(actor=minister, declaration=d, expert=e)
    db.session.commit()
    return {"declaration": d, "expert": e, "review": review,
            "client": english(login_as(e)), "minister": minister}


def accept(s):
    return s["client"].post(f"/expert/reviews/{s['review'].id}/accept", data={"no_conflict": "y"})


def test_dashboard_lists_assignment_with_deadline(app, make, batch, login_as):
    d = helpers.declaration(batch, "440000", name="广东截止日期企业")
    e = helpers.expert(make, unit="110000")
    from datetime import datetime
    service.add_reviewer(actor=make.ministry(), declaration=d, expert=e,
                         due_at=datetime(2023, 7, 1, 15, 59, tzinfo=UTC))
    db.session.commit()
    page = login_as(e).get("/expert/").get_data(as_text=True)
    assert "广东截止日期企业" in page
    assert "2023-07-01 23:59" in page


def test_declaration_hidden_until_no_conflict_declared(setup):
    review_id = setup["review"].id
    page = setup["client"].get(f"/expert/reviews/{review_id}").get_data(as_text=True)
    assert "基本情况说明" not in page
    assert "I declare that I have no conflict of interest" in page
    assert accept(setup).status_code == 302
    review = fresh(review_id)
    assert (review.state, review.coi_declared_at is not None) == ("accepted", True)
    page = setup["client"].get(f"/expert/reviews/{review_id}").get_data(as_text=True)
    assert "基本情况说明" in page


def test_accept_without_tick_refused(setup):
    setup["client"].post(f"/expert/reviews/{setup['review'].id}/accept", data={})
    assert fresh(setup["review"].id).state == "assigned"


def test_scoring_before_accepting_refused(setup):
    setup["client"].post(f"/expert/reviews/{setup['review'].id}/scores",
                         data=form(version=1, action="submit"))
    assert fresh(setup["review"].id).state == "assigned"


def test_draft_saved_then_submitted_with_weighted_total(setup):
    accept(setup)
    rid = setup["review"].id
    draft = {"innovation": 90}
    response = setup["client"].post(f"/expert/reviews/{rid}/scores", data=form(
        draft, version=fresh(rid).version, comment_innovation="模式新颖"))
    assert response.status_code == 302
    review = fresh(rid)
    assert (review.state, review.scores, review.comments) == (
        "accepted", {"innovation": 90}, {"innovation": "模式新颖"})
    setup["client"].post(f"/expert/reviews/{rid}/scores",
                         data=form(action="submit", version=review.version))
    review = fresh(rid)
    assert (review.state, review.total, review.scores) == ("submitted", 81.5, SCORES)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "review.submit"))
    assert entry.detail["total"] == 81.5


def test_double_submit_counts_once(setup):
    accept(setup)
    rid = setup["review"].id
    version = fresh(rid).version
    first = setup["client"].post(f"/expert/reviews/{rid}/scores",
                                 data=form(action="submit", version=version))
    second = setup["client"].post(f"/expert/reviews/{rid}/scores",
                                  data=form({**SCORES, "results": 0}, action="submit",
                                            version=version))
    assert (first.status_code, second.status_code) == (302, 302)
    review = fresh(rid)
    assert (review.total, review.scores["results"]) == (81.5, 70)
    submits = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "review.submit")).all()
    assert len(submits) == 1
    page = setup["client"].get(f"/expert/reviews/{rid}").get_data(as_text=True)
    assert "This review has already been submitted." in page


@pytest.mark.parametrize("value", ["101", "-1", "abc", "7.5"])
def test_score_out_of_range_refused(setup, value):
    accept(setup)
    rid = setup["review"].id
    response = setup["client"].post(f"/expert/reviews/{rid}/scores", data=form(
        {**SCORES, "results": value}, action="submit", version=fresh(rid).version))
    assert response.status_code == 400
    assert "A score is a whole number from 0 to 100." in response.get_data(as_text=True)
    review = fresh(rid)
    assert (review.state, review.scores) == ("accepted", {})


def test_incomplete_submit_refused(setup):
    accept(setup)
    rid = setup["review"].id
    partial = {k: v for k, v in SCORES.items() if k != "capability"}
    response = setup["client"].post(f"/expert/reviews/{rid}/scores",
                                    data=form(partial, action="submit",
                                              version=fresh(rid).version))
    assert response.status_code == 400
    assert "Score every criterion before submitting." in response.get_data(as_text=True)
    assert fresh(rid).state == "accepted"


def test_stale_version_refused(setup):
    accept(setup)
    rid = setup["review"].id
    old = fresh(rid).version
    setup["client"].post(f"/expert/reviews/{rid}/scores", data=form({"results": 10}, version=old))
    setup["client"].post(f"/expert/reviews/{rid}/scores", data=form({"results": 20}, version=old))
    assert fresh(rid).scores == {"results": 10}


# Isolation: two experts, three declarations, every review submitted: data that could leak.

@pytest.fixture
def world(app, make, batch, login_as):
    minister = make.ministry()
    d1 = helpers.declaration(batch, "440000", name="甲企业")
    d2 = helpers.declaration(batch, "330000", name="乙企业")
    d3 = helpers.declaration(batch, "320000", name="丙企业")
    a = helpers.expert(make, unit="110000")
    b = helpers.expert(make, unit="120000")
    rows = {}
    for expert, declaration in ((a, d1), (a, d2), (b, d2), (b, d3)):
        r = service.add_reviewer(actor=minister, declaration=declaration, expert=expert)
        db.session.flush()
        service.declare_no_conflict(actor=expert, review=r)
        comment = "乙评语保密" if expert is b else "甲评语"
        service.save_review(actor=expert, review=r, scores=SCORES if expert is a else
                            {k: 13 for k in SCORES}, comments={"results": comment},
                            submit=True)
        rows[(expert.username, declaration.org_name)] = r.id
    db.session.commit()
    return {"a": english(login_as(a)), "b": b, "rows": rows, "d3": d3, "d2": d2}


def test_expert_dashboard_lists_only_own(world):
    page = world["a"].get("/expert/").get_data(as_text=True)
    assert ("甲企业" in page, "乙企业" in page, "丙企业" in page) == (True, True, False)


def test_expert_cannot_open_unassigned_declaration_review(world):
    other = world["rows"][(world["b"].username, "丙企业")]
    assert world["a"].get(f"/expert/reviews/{other}").status_code == 403


def test_expert_cannot_open_other_experts_review_of_same_declaration(world):
    other = world["rows"][(world["b"].username, "乙企业")]
    assert world["a"].get(f"/expert/reviews/{other}").status_code == 403
    assert world["a"].post(f"/expert/reviews/{other}/scores",
                           data=form(action="save", version=1)).status_code == 403
    assert world["a"].post(f"/expert/reviews/{other}/decline",
                           data={"reason": "x"}).status_code == 403


def test_other_reviews_hidden_after_own_submission(world):
    own = [v for (user, name), v in world["rows"].items()
           if name == "乙企业" and user != world["b"].username][0]
    page = world["a"].get(f"/expert/reviews/{own}").get_data(as_text=True)
    assert "乙评语保密" not in page
    assert ("<td>13</td>" in page, "13.0" in page, "81.5" in page) == (False, False, True)


@pytest.mark.parametrize("path", ["/ministry/", "/ministry/declarations",
                                  "/ministry/declarations/{d3}",
                                  "/ministry/declarations/{d3}/review",
                                  "/ministry/declarations/export.xlsx"])
def test_expert_cannot_open_ministry_pages(world, path):
    assert world["a"].get(path.format(d3=world["d3"].id)).status_code == 403


def test_expert_cannot_download_attachment_of_unassigned_declaration(world):
    other = world["rows"][(world["b"].username, "丙企业")]
    assert world["a"].get(f"/expert/reviews/{other}/attachments/1").status_code == 403


# The ministry's aggregates and the outcome.

def test_ministry_sees_mean_spread_and_disagreement(world, ministry):
    d2 = world["d2"]
    page = ministry.get(f"/ministry/declarations/{d2.id}/review").get_data(as_text=True)
    # totals 81.5 and 13.0: mean 47.25, range 68.5, strong disagreement
    assert '<dd id="mean">47.25</dd>' in page
    assert "68.5" in page
    assert "strong disagreement" in page
    ranked = ministry.get(f"/ministry/batches/{d2.batch_id}/review").get_data(as_text=True)
    table = ranked.split('id="ranked-enterprise"')[1].split("</table>")[0]
    assert [name for name in ("甲企业", "乙企业", "丙企业") if name in table] == [
        "甲企业", "乙企业", "丙企业"]
    assert table.index("甲企业") < table.index("乙企业") < table.index("丙企业")


def test_outcome_pass_and_fail(world, ministry):
    d2, d3 = world["d2"], world["d3"]
    assert ministry.post(f"/ministry/declarations/{d2.id}/expert-outcome",
                         data={"outcome": "pass"}).status_code == 302
    assert ministry.post(f"/ministry/declarations/{d3.id}/expert-outcome",
                         data={"outcome": "fail", "comment": "得分过低"}).status_code == 302
    db.session.expire_all()
    assert (db.session.get(type(d2), d2.id).state, db.session.get(type(d3), d3.id).state) == (
        "expert_passed", "expert_failed")


def test_outcome_without_submitted_review_refused(app, make, batch, ministry):
    d = helpers.declaration(batch, "440000")
    e = helpers.expert(make, unit="110000")
    service.add_reviewer(actor=make.ministry(), declaration=d, expert=e)
    db.session.commit()
    response = ministry.post(f"/ministry/declarations/{d.id}/expert-outcome",
                             data={"outcome": "pass"})
    assert response.status_code == 400
    assert "No expert has submitted a review of this declaration yet." in \
        response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(type(d), d.id).state == "expert_review"
