"""Review actions on one declaration, their refusals, and cross-unit isolation."""
import re
from sqlalchemy import func, select

from smplatform.extensions import db
from smplatform.models import AuditEntry, Declaration, DeclarationEvent, Notification, OutboxEmail
from tests.support import province as helpers


def _state(d_id):
    db.session.expire_all()
    return db.session.get(Declaration, d_id).state


def test_start_review_pass_notifies_applicant(officer):
    _user, c = officer
    d = helpers.declaration()
    assert c.post(f"/province/declarations/{d.id}/start-review").status_code == 303
    assert _state(d.id) == "under_review"
    assert c.post(f"/province/declarations/{d.id}/pass").status_code == 303
    assert _state(d.id) == "passed"
    keys = db.session.scalars(select(Notification.key).order_by(Notification.id)).all()
    assert keys == ["declaration.start_review", "declaration.pass"]
    assert db.session.scalar(select(func.count()).select_from(OutboxEmail)) == 2
    actions = db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.action.like("declaration.%")).order_by(AuditEntry.id)).all()
    assert actions == ["declaration.start_review", "declaration.pass"]


def test_return_with_section_comments(officer):
    _user, c = officer
    d = helpers.declaration(state="under_review")
    r = c.post(f"/province/declarations/{d.id}/return",
               data={"comment": "", "section-figures": "请补充2022年数据", "section-bogus": "x"})
    assert r.status_code == 303
    assert _state(d.id) == "returned"
    event = db.session.scalar(select(DeclarationEvent).where(DeclarationEvent.action == "return"))
    assert event.section_comments == {"figures": "请补充2022年数据"}


def test_return_without_any_comment_is_refused(officer):
    _user, c = officer
    d = helpers.declaration(state="under_review")
    r = c.post(f"/province/declarations/{d.id}/return", data={"comment": " "})
    assert r.status_code == 422
    assert _state(d.id) == "under_review"


def test_reject_requires_a_reason(officer):
    _user, c = officer
    d = helpers.declaration(state="under_review")
    assert c.post(f"/province/declarations/{d.id}/reject", data={"reason": ""}).status_code == 422
    assert _state(d.id) == "under_review"
    assert c.post(f"/province/declarations/{d.id}/reject",
                  data={"reason": "不符合条件"}).status_code == 303
    assert _state(d.id) == "rejected"


def test_pass_from_submitted_is_refused(officer):
    _user, c = officer
    d = helpers.declaration(state="submitted")
    r = c.post(f"/province/declarations/{d.id}/pass")
    assert r.status_code == 422
    assert _state(d.id) == "submitted"


def test_action_without_csrf_is_refused(officer):
    _user, c = officer
    d = helpers.declaration()
    assert c.post(f"/province/declarations/{d.id}/start-review", csrf=False).status_code == 400
    assert _state(d.id) == "submitted"


def test_confirm_stamped_copy_requires_the_tick(officer):
    _user, c = officer
    d = helpers.declaration(state="passed")
    # No stamped scan uploaded yet: refused even with the tick.
    assert c.post(f"/province/declarations/{d.id}/confirm-stamped",
                  data={"number_matches": "1"}).status_code == 422
    helpers.add_stamped_scan(d)
    assert c.post(f"/province/declarations/{d.id}/confirm-stamped").status_code == 422
    assert c.post(f"/province/declarations/{d.id}/confirm-stamped",
                  data={"number_matches": "1"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(Declaration, d.id).stamped_confirmed_at == helpers.NOW


def test_attachments_are_named_by_their_kind_in_the_users_language(officer, make, login_as):
    _user, c = officer
    d = helpers.declaration(state="passed")
    helpers.add_stamped_scan(d)
    english = c.get(f"/province/declarations/{d.id}").get_data(as_text=True)
    chinese = login_as(make.province("440000")).get(f"/province/declarations/{d.id}"
                                                     ).get_data(as_text=True)
    assert "Stamped declaration (scan) · " in english
    assert "盖章申报书扫描件 · " in chinese
    assert "stamped_scan ·" not in english + chinese


def test_detail_shows_content_flags_and_history(officer):
    _user, c = officer
    d = helpers.declaration(state="under_review", low_share=True, name="低占比制造有限公司")
    page = c.get(f"/province/declarations/{d.id}").get_data(as_text=True)
    assert "低占比制造有限公司" in page
    # The figures as the applicant's table: a row per item with its unit, a total, the share.
    assert '<th scope="row">Service revenue (10,000 yuan)</th>' in page
    assert '<th scope="row">Service revenue share</th>' in page
    assert "badge-warn" in page


def test_officer_cannot_see_or_act_on_other_unit(officer):
    """An officer of 440000 never sees a Shenzhen (440300) declaration."""
    _user, c = officer
    mine = helpers.declaration(unit="440000", name="广东本省企业")
    theirs = helpers.declaration(unit="440300", name="深圳泄露企业", state="under_review")
    passed_theirs = helpers.declaration(unit="440300", name="深圳通过企业", state="passed")
    listing = c.get("/province/declarations").get_data(as_text=True)
    assert "广东本省企业" in listing
    assert "深圳泄露企业" not in listing
    search = c.get(f"/province/declarations?q={theirs.electronic_number}").get_data(as_text=True)
    assert "深圳泄露企业" not in search
    search = c.get(f"/province/declarations?q={theirs.credit_code}").get_data(as_text=True)
    assert "深圳泄露企业" not in search
    assert c.get(f"/province/declarations/{theirs.id}").status_code == 403
    for action in ("pass", "reject", "return"):
        r = c.post(f"/province/declarations/{theirs.id}/{action}",
                   data={"reason": "x", "comment": "x"})
        assert r.status_code == 403
    assert c.post("/province/recommendations/add",
                  data={"declaration_id": passed_theirs.id}).status_code == 403
    assert "深圳通过企业" not in c.get("/province/recommendations").get_data(as_text=True)
    assert _state(theirs.id) == "under_review"
    assert mine.id


def test_drafts_are_hidden(officer):
    _user, c = officer
    d = helpers.declaration(state="draft", name="草稿企业")
    assert "草稿企业" not in c.get("/province/declarations").get_data(as_text=True)
    assert c.get(f"/province/declarations/{d.id}").status_code == 403


def test_queue_filters_and_search(officer):
    _user, c = officer
    helpers.declaration(name="甲企业", low_share=True)
    helpers.declaration(name="乙平台", category="platform", klass="shared_manufacturing",
                        state="under_review")
    text = c.get("/province/declarations?low_share=1").get_data(as_text=True)
    assert ("甲企业" in text, "乙平台" in text) == (True, False)
    text = c.get("/province/declarations?category=platform&state=under_review"
                 ).get_data(as_text=True)
    assert ("甲企业" in text, "乙平台" in text) == (False, True)
    text = c.get("/province/declarations?q=乙").get_data(as_text=True)
    assert ("甲企业" in text, "乙平台" in text) == (False, True)


def test_kept_filter_form_shows_each_request_its_own_choices(officer, make, login_as):
    """The filter form is kept per language and filters (smplatform/fragments.py): going
    back and forth between filters and languages, each page shows its own selection, search
    text (escaped) and language, and the rows' labels are in the page's language."""
    _user, c = officer
    helpers.declaration(name="甲企业", state="under_review")
    chinese = login_as(make.province("440000"))

    def selected(html, name):
        select = re.search(rf'<select id="{name}" name="{name}">(.*?)</select>', html, re.S)
        return re.findall(r'<option value="([^"]*)" selected>', select.group(1))

    for _ in range(2):
        a = c.get("/province/declarations?state=under_review").get_data(as_text=True)
        b = c.get("/province/declarations?state=submitted&sort=name").get_data(as_text=True)
        z = chinese.get("/province/declarations?state=under_review").get_data(as_text=True)
        q = c.get('/province/declarations?q=<b>"x').get_data(as_text=True)
        assert selected(a, "state") == ["under_review"] and selected(a, "sort") == ["-submitted"]
        assert selected(b, "state") == ["submitted"] and selected(b, "sort") == ["name"]
        assert selected(z, "state") == ["under_review"]
        assert "<td>Under provincial review</td>" in a and "<td>省级初审中</td>" in z
        assert "Search" in a and "Search" not in z
        assert "甲企业" in a and "甲企业" in z and "甲企业" not in b
        assert 'value="&lt;b&gt;&#34;x"' in q and '<b>"x' not in q


def test_queue_htmx_returns_partial(officer):
    _user, c = officer
    helpers.declaration(name="甲企业")
    r = c.get("/province/declarations?q=甲", headers={"HX-Request": "true",
                                                      "HX-Target": "queue-results"})
    text = r.get_data(as_text=True)
    assert ("<html" in text, "甲企业" in text) == (False, True)
    assert r.headers["Vary"].split(", ")[0] == "HX-Request"


def test_queue_query_count_is_bounded_with_many_declarations(officer):
    _user, c = officer
    for _ in range(300):
        helpers.declaration(commit=False)
    db.session.commit()
    statements = []
    from sqlalchemy import event

    def count(*_args, **_kw):
        statements.append(1)
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        r = c.get("/province/declarations?sort=name&page=3")
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert r.status_code == 200
    assert len(statements) <= 8
