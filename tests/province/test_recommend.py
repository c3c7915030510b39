"""Recommendation within quota, reordering, submission to the ministry and sending back."""
import io
import threading
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import event, func, select

from smplatform.extensions import db
from smplatform.models import Declaration, Notification, Recommendation, UnitSubmission
from tests.support.factories import PASSWORD
from tests.support.helpers import english
from tests.support import province as helpers

def _png() -> bytes:
    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(out, "PNG")
    return out.getvalue()


PNG = _png()


def _count(unit="440000"):
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Recommendation)
                             .where(Recommendation.unit_code == unit))


def _add(c, d, htmx=False):
    headers = {"HX-Request": "true"} if htmx else {}
    return c.post("/province/recommendations/add", data={"declaration_id": d.id},
                  headers=headers)


def test_add_up_to_the_quota_then_refused(officer):
    _user, c = officer
    ds = helpers.passed(11)
    for d in ds[:10]:
        assert _add(c, d).status_code == 303
    r = _add(c, ds[10])
    assert r.status_code == 409
    assert "is used up (10 of 10)" in r.get_data(as_text=True)
    assert _count() == 10
    ranks = db.session.scalars(select(Recommendation.rank).order_by(Recommendation.rank)).all()
    assert ranks == list(range(1, 11))


def test_htmx_add_triggers_meter_refresh(officer):
    _user, c = officer
    d = helpers.passed(1)[0]
    r = _add(c, d, htmx=True)
    assert r.headers["HX-Trigger"] == "quota-changed"
    assert "<html" not in r.get_data(as_text=True)
    meters = c.get("/province/recommendations/meters").get_data(as_text=True)
    assert "1 of 10 used" in meters


def test_planned_city_recommends_one_city_of_either_class(make, login_as, batch):
    c = english(login_as(make.province("440300")))
    comp = helpers.declaration(unit="440300", category="city", klass="comprehensive",
                               state="passed")
    design = helpers.declaration(unit="440300", category="city", klass="industrial_design",
                                 state="passed")
    assert _add(c, comp).status_code == 303
    assert _add(c, design).status_code == 409
    assert _count("440300") == 1


def test_regular_unit_one_city_per_class(officer):
    _user, c = officer
    comp = helpers.declaration(category="city", klass="comprehensive", state="passed")
    design = helpers.declaration(category="city", klass="industrial_design", state="passed")
    assert (_add(c, comp).status_code, _add(c, design).status_code) == (303, 303)


def test_only_passed_declarations_can_be_recommended(officer):
    _user, c = officer
    d = helpers.declaration(state="under_review")
    assert _add(c, d).status_code == 409
    assert _count() == 0


def test_move_and_remove(officer):
    _user, c = officer
    a, b, third = helpers.passed(3)
    for d in (a, b, third):
        _add(c, d)
    rec_c = db.session.scalar(select(Recommendation).where(
        Recommendation.declaration_id == third.id))
    assert c.post(f"/province/recommendations/{rec_c.id}/move",
                  data={"direction": "up"}).status_code == 303
    db.session.expire_all()
    order = db.session.scalars(select(Recommendation.declaration_id)
                               .order_by(Recommendation.rank)).all()
    assert order == [a.id, third.id, b.id]
    rec_a = db.session.scalar(select(Recommendation).where(Recommendation.declaration_id == a.id))
    assert c.post(f"/province/recommendations/{rec_a.id}/remove").status_code == 303
    db.session.expire_all()
    rows = db.session.execute(select(Recommendation.declaration_id, Recommendation.rank)
                              .order_by(Recommendation.rank)).all()
    assert [tuple(r) for r in rows] == [(third.id, 1), (b.id, 2)]


def test_other_unit_cannot_move_a_recommendation(officer, make, login_as):
    _user, c = officer
    d = helpers.passed(1)[0]
    _add(c, d)
    rec = db.session.scalar(select(Recommendation))
    other = login_as(make.province("440300"))
    assert other.post(f"/province/recommendations/{rec.id}/remove").status_code == 403
    assert _count() == 1


def test_changes_after_the_national_deadline_are_refused(officer, clock, batch, login_as):
    user, _c = officer
    d = helpers.passed(1)[0]
    clock.set(batch.province_deadline + timedelta(seconds=1))
    c = english(login_as(user))  # the earlier session has gone idle
    r = _add(c, d)
    assert r.status_code == 409
    assert "deadline" in r.get_data(as_text=True)
    assert _count() == 0


def _ready_to_submit(c, n=2, stamped=True):
    # The unit's first liaison contact (late: the contact deadline has passed).
    assert c.post("/province/contacts", data={
        "name": "张丽", "title": "处长", "phone": "020-83133000",
        "email": "liaison@example.gov.cn"}).status_code == 303
    ds = helpers.passed(n, stamped=stamped)
    for d in ds:
        assert _add(c, d).status_code == 303
    return ds


def _upload_summary(c):
    return c.post("/province/summary/scan",
                  data={"scan": (io.BytesIO(PNG), "summary.png")},
                  content_type="multipart/form-data")


def test_submit_requires_the_stamped_summary(officer):
    _user, c = officer
    _ready_to_submit(c)
    r = c.post("/province/submit")
    assert r.status_code == 409
    assert "Upload the stamped summary" in r.get_data(as_text=True)


def test_submit_requires_confirmed_stamped_copies(officer):
    _user, c = officer
    _ready_to_submit(c, stamped=False)
    assert _upload_summary(c).status_code == 303
    r = c.post("/province/submit")
    assert r.status_code == 409
    assert "Confirm the stamped copy of every" in r.get_data(as_text=True)


def test_submit_forwards_recommended_and_not_recommends_others(officer):
    _user, c = officer
    listed = _ready_to_submit(c)
    left_out = helpers.passed(1, stamped=True)[0]
    assert _upload_summary(c).status_code == 303
    assert c.post("/province/submit").status_code == 303
    db.session.expire_all()
    states = {d.id: db.session.get(Declaration, d.id).state for d in listed + [left_out]}
    assert states == {listed[0].id: "forwarded", listed[1].id: "forwarded",
                      left_out.id: "not_recommended"}
    assert db.session.scalar(select(UnitSubmission.state)) == "submitted"
    keys = db.session.scalars(select(Notification.key).where(
        Notification.organisation_id == left_out.organisation_id)).all()
    assert keys == ["declaration.not_recommend"]
    # Submitting twice is refused, and the locked list cannot change.
    r = c.post("/province/submit")
    assert (r.status_code, "already been submitted" in r.get_data(as_text=True)) == (409, True)
    rec = db.session.scalar(select(Recommendation))
    assert c.post(f"/province/recommendations/{rec.id}/remove").status_code == 409


def test_ministry_sends_back_and_unit_resubmits(officer, make, login_as):
    _user, c = officer
    listed = _ready_to_submit(c)
    _upload_summary(c)
    c.post("/province/submit")
    ministry = login_as(make.ministry())
    assert ministry.post("/ministry/units/440000/send-back",
                         data={"reason": ""}).status_code == 422
    assert ministry.post("/ministry/units/440000/send-back",
                         data={"reason": "排序有误"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(Declaration, listed[0].id).state == "passed"
    assert db.session.scalar(select(UnitSubmission.state)) == "sent_back"
    rec = db.session.scalar(select(Recommendation).order_by(Recommendation.rank.desc()))
    assert c.post(f"/province/recommendations/{rec.id}/move",
                  data={"direction": "up"}).status_code == 303
    assert c.post("/province/submit").status_code == 303


def test_submit_after_deadline_refused(officer, clock, batch, login_as):
    user, c = officer
    _ready_to_submit(c)
    _upload_summary(c)
    clock.set(batch.province_deadline + timedelta(minutes=1))
    c = english(login_as(user))
    assert c.post("/province/submit").status_code == 409
    assert db.session.scalar(select(UnitSubmission.state)) == "open"


def test_summary_xlsx_rows_and_totals(officer):
    _user, c = officer
    ents = helpers.passed(2, low_share=True)
    plat = helpers.declaration(category="platform", klass="other", state="passed",
                               name="其他类平台公司")
    for d in ents + [plat]:
        _add(c, d)
    r = c.get("/province/summary.xlsx")
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.data)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = rows[2]
    assert header[:4] == ["No.", "Category", "Applicant", "Electronic number"]
    body = rows[3:6]
    assert [row[0] for row in body] == [1, 2, 3]
    assert [row[2] for row in body] == [ents[0].org_name, ents[1].org_name, "其他类平台公司"]
    assert body[0][6] == "20.00%"
    assert body[0][9] == "Service revenue share below 30%"
    assert rows[6][:3] == ["Total", 3, "Enterprises 2; Platforms, other 1"]


def test_summary_pdf_downloads(officer):
    _user, c = officer
    _add(c, helpers.passed(1)[0])
    r = c.get("/province/summary.pdf")
    assert (r.status_code, r.data[:5]) == (200, b"%PDF-")


def _concurrent_last_slot(app, make, login_as):
    """Two officers add the 10th enterprise at the same moment: exactly one succeeds."""
    first, second = make.province("440000"), make.province("440000")
    c1, c2 = english(login_as(first)), english(login_as(second))
    ds = helpers.passed(11)
    for d in ds[:9]:
        assert _add(c1, d).status_code == 303
    # Widen the race: pause after counting the used slots, while holding whatever lock.
    def slow(conn, cursor, statement, *args):
        if "count(*)" in statement and "FROM recommendation" in statement:
            import time
            time.sleep(0.4)
    event.listen(db.engine, "after_cursor_execute", slow)
    barrier = threading.Barrier(2)
    results = {}

    def run(name, client, d):
        with app.app_context():
            barrier.wait()
            results[name] = _add(client, d)

    threads = [threading.Thread(target=run, args=("a", c1, ds[9])),
               threading.Thread(target=run, args=("b", c2, ds[10]))]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    finally:
        event.remove(db.engine, "after_cursor_execute", slow)
    codes = sorted(r.status_code for r in results.values())
    assert codes == [303, 409]
    refused = next(r for r in results.values() if r.status_code == 409)
    assert "is used up" in refused.get_data(as_text=True)
    assert _count() == 10


def test_concurrent_last_slot_exactly_one_succeeds(app, make, login_as, batch):
    _concurrent_last_slot(app, make, login_as)


def test_officer_can_log_in_with_factory_password(make, login_as, batch):
    assert login_as(make.province("440000"), PASSWORD) is not None


def test_submit_requires_a_liaison_contact(officer):
    """The dashboard lists the contacts as a step; the submission needs them (issue 16, 10)."""
    _user, c = officer
    for d in helpers.passed(1, stamped=True):
        _add(c, d)
    _upload_summary(c)
    r = c.post("/province/submit")
    assert r.status_code == 409
    assert "Give the ministry at least one liaison contact before submitting your list" in \
        r.get_data(as_text=True)
    assert db.session.scalar(select(UnitSubmission.state)) == "open"
