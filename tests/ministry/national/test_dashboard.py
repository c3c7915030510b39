"""The national dashboard: the board of the 37 units, totals, charts' data, links, queries."""
import json
import re
from datetime import datetime, UTC

import pytest
from sqlalchemy import event

from smplatform.enums import DeclarationState as S
from smplatform.extensions import db
from smplatform.models import Batch
from smplatform.services import national
from tests.support import selection as helpers
from tests.support.national import contact, recommend, submission

T0 = datetime(2023, 6, 1, tzinfo=UTC)








@pytest.fixture
def data(app, batch):
    """Guangdong: contacts, a draft (never counted), one submitted, two passed of which one
    recommended. Jiangsu: one forwarded (recommended) and one published platform, submitted.
    Zhejiang: a passed city, its submission sent back."""
    contact(batch, "440000")
    helpers.declaration(batch, "440000", state=S.DRAFT, name="广东草稿公司")
    helpers.declaration(batch, "440000", state=S.SUBMITTED, name="广东已提交公司")
    gd_rec = helpers.declaration(batch, "440000", state=S.PASSED, name="广东推荐公司")
    helpers.declaration(batch, "440000", state=S.PASSED, name="广东通过公司",
                        service_model="supply_chain")
    js_fwd = helpers.declaration(batch, "320000", state=S.FORWARDED, name="江苏推荐公司")
    js_pub = helpers.declaration(batch, "320000", category="platform",
                                 klass="shared_manufacturing", state=S.PUBLISHED,
                                 name="江苏共享平台")
    helpers.declaration(batch, "330000", category="city", state=S.PASSED, name="浙江某市")
    recommend(gd_rec)
    recommend(js_fwd)
    recommend(js_pub, rank=2)
    submission(batch, "320000", "submitted")
    submission(batch, "330000", "sent_back")
    db.session.commit()
    return batch


def test_board_counts_per_unit(data):
    board = national.board(data)
    rows = {r.unit.code: (r.contacts, r.counts.submitted, r.counts.passed,
                          r.counts.recommended, r.submission) for r in board.units}
    assert len(board.units) == 37
    assert rows["440000"] == (1, 3, 2, 1, None)
    assert rows["320000"] == (0, 2, 2, 2, "submitted")
    assert rows["330000"] == (0, 1, 1, 0, "sent_back")
    assert rows["110000"] == (0, 0, 0, 0, None)
    assert (board.total.submitted, board.total.passed, board.total.recommended) == (6, 5, 3)
    assert (board.units_with_contacts, board.units_submitted, board.units_sent_back) == (1, 1, 1)


def test_board_totals_by_category_class_and_service_model(data):
    board = national.board(data)
    assert {c: (n.submitted, n.passed, n.recommended)
            for c, n in board.by_category.items()} == {
        "enterprise": (4, 3, 2), "platform": (1, 1, 1), "city": (1, 1, 0)}
    assert {k: (n.submitted, n.recommended) for k, n in board.by_class.items()} == {
        ("city", "comprehensive"): (1, 0), ("platform", "shared_manufacturing"): (1, 1)}
    assert {m: (n.submitted, n.passed) for m, n in board.by_service_model.items()} == {
        "customised": (3, 2), "supply_chain": (1, 1)}


def test_dashboard_page_shows_board_with_links(data, ministry):
    page = ministry.get("/ministry/").get_data(as_text=True)
    row = re.search(r'<tr id="unit-440000">(.*?)</tr>', page, re.S).group(1)
    links = re.findall(r'href="([^"]+)">(\d+)</a>', row)
    assert [(href.replace("&amp;", "&"), n) for href, n in links] == [
        (f"/ministry/declarations?batch={data.id}&unit=440000&stage={stage}", n)
        for stage, n in (("submitted", "3"), ("passed", "2"), ("recommended", "1"))] + [
        ("/registry?unit=440000", "0")]
    assert "Given (1)" in row
    sent_back = re.search(r'<tr id="unit-330000">(.*?)</tr>', page, re.S).group(1)
    assert "Sent back" in sent_back
    # The area links stay on the dashboard.
    for path in ("/ministry/batches", "/ministry/declarations", "/ministry/contacts",
                 "/ministry/submissions", f"/ministry/batches/{data.id}/review",
                 f"/ministry/batches/{data.id}/decisions", "/ministry/experts",
                 "/ministry/evaluations"):
        assert f'href="{path}"' in page, path
    # Accounts and the audit log are the separated administrators', never the ministry's.
    assert ('href="/admin/users"' in page, 'href="/admin/audit"' in page) == (False, False)


def test_dashboard_chart_data_block_matches_board(data, ministry):
    page = ministry.get("/ministry/").get_data(as_text=True)
    block = re.search(r'<script type="application/json" id="national-charts">(.*?)</script>',
                      page, re.S).group(1)
    charts = json.loads(block)
    assert charts["categories"]["labels"] == ["Demonstration enterprise",
                                              "Demonstration platform", "Demonstration city"]
    assert [s["name"] for s in charts["categories"]["series"]] == [
        "Submitted", "Passed the provincial review", "Recommended"]
    assert [d["value"] for d in charts["categories"]["series"][0]["data"]] == [4, 1, 1]
    guangdong = charts["units"]["labels"].index("Guangdong")
    bar = charts["units"]["series"][2]["data"][guangdong]
    assert bar == {"value": 1, "url": f"/ministry/declarations?batch={data.id}"
                                      f"&stage=recommended&unit=440000"}
    assert "<script>" not in page.replace('<script type="application/json"', "")


def test_stage_filters_give_the_declarations_behind_each_figure(data, ministry):
    def names(query):
        page = ministry.get(f"/ministry/declarations?batch={data.id}&{query}&sort=name")
        return sorted(re.findall(r"(广东\w+公司|江苏\w+|浙江某市)", page.get_data(as_text=True)))
    assert names("unit=440000&stage=submitted") == ["广东已提交公司", "广东推荐公司", "广东通过公司"]
    assert names("unit=440000&stage=passed") == ["广东推荐公司", "广东通过公司"]
    assert names("stage=recommended") == ["广东推荐公司", "江苏共享平台", "江苏推荐公司"]


def _statements(client, path):
    statements = []

    def count(*_args, **_kw):
        statements.append(1)
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get(path)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert response.status_code == 200
    return len(statements)


def test_dashboard_query_count_does_not_grow_with_units_or_declarations(batch, ministry):
    few = _statements(ministry, "/ministry/")
    units = ("110000", "120000", "130000", "310000", "320000", "330000", "440000", "510000")
    for n in range(120):
        d = helpers.declaration(batch, units[n % len(units)], state=S.PASSED, commit=False)
        if n % 3 == 0:
            recommend(d, rank=n)
    for unit in units:
        contact(batch, unit)
        submission(batch, unit, "submitted")
    db.session.commit()
    many = _statements(ministry, "/ministry/")
    assert many == few
    # 15: the session, the sign-in policy (two-factor roles, read once per request), the
    # batches, the figures per unit and category, the units, the unread count, what waits.
    assert many <= 15


def test_dashboard_without_batch_shows_links_only(app, ministry):
    response = ministry.get("/ministry/")
    assert response.status_code == 200
    assert "No batch has been created yet." in response.get_data(as_text=True)


def test_dashboard_unknown_batch_is_404(app, batch, ministry):
    assert ministry.get(f"/ministry/?batch={batch.id + 99}").status_code == 404


def test_dashboard_in_chinese(data, login_as, minister):
    page = login_as(minister).get("/ministry/").get_data(as_text=True)
    assert "全国工作台" in page
    assert "广东省" in page


def test_counts_are_kept_for_the_configured_age_and_the_page_says_as_of_when(
        app, data, ministry, clock):
    """With NATIONAL_BOARD_MAX_AGE_SECONDS the counts are reused until they are that old
    (a busy dashboard does not recount every declaration on every view); the page says when
    they were counted. Testing runs with 0: always fresh."""
    national.kept.clear()
    app.config["NATIONAL_BOARD_MAX_AGE_SECONDS"] = 30
    try:
        first = ministry.get("/ministry/").get_data(as_text=True)
        assert "6 declarations submitted" in first
        assert "Figures as of" in first and "at most every 30 seconds" in first
        helpers.declaration(data, "440000", state=S.SUBMITTED, name="广东新提交公司")
        db.session.commit()
        clock.advance(seconds=29)
        assert "6 declarations submitted" in ministry.get("/ministry/").get_data(as_text=True)
        clock.advance(seconds=2)
        assert "7 declarations submitted" in ministry.get("/ministry/").get_data(as_text=True)
    finally:
        app.config["NATIONAL_BOARD_MAX_AGE_SECONDS"] = 0
        national.kept.clear()


def test_kept_figures_are_laid_out_per_language_and_batch_list(
        app, data, ministry, login_as, make):
    """The figures' part of the page is kept as long as its counts, per language: a Chinese
    and an English user each see their own; a new batch shows in the selector at once, and
    the user's own links (the tiles) are never kept."""
    from flask import template_rendered

    from smplatform import fragments
    national.kept.clear()
    fragments.clear()
    rendered = []

    def record(sender, template, context, **extra):
        rendered.append(template.name)
    app.config["NATIONAL_BOARD_MAX_AGE_SECONDS"] = 30
    try:
        with template_rendered.connected_to(record, app):
            english = ministry.get("/ministry/").get_data(as_text=True)
            other = login_as(make.ministry())  # in Chinese
            chinese = other.get("/ministry/").get_data(as_text=True)
            assert "6 declarations submitted" in english
            assert "The provincial-level units" in english
            assert "全国工作台" in chinese and "广东省" in chinese
            assert "The provincial-level units" not in chinese
            assert rendered.count("ministry/_dashboard_figures.html") == 2  # one per language
            again = ministry.get("/ministry/").get_data(as_text=True)
            assert rendered.count("ministry/_dashboard_figures.html") == 2  # kept
        assert again.count('id="national-board"') == 1
        assert "6 declarations submitted" in again
        db.session.add(Batch(number=9, year=2031, status="draft", opens_at=T0,
                             contact_deadline=T0, province_deadline=T0,
                             evaluation_deadline=T0))
        db.session.commit()
        with_new = ministry.get(f"/ministry/?batch={data.id}").get_data(as_text=True)
        assert re.search(r"<option value=\"\d+\">Batch 9 \(2031\)</option>", with_new)
        assert "6 declarations submitted" in with_new  # the same kept counts
    finally:
        app.config["NATIONAL_BOARD_MAX_AGE_SECONDS"] = 0
        national.kept.clear()
        fragments.clear()


def test_counts_are_fresh_on_every_view_with_age_zero(data, ministry):
    assert "6 declarations submitted" in ministry.get("/ministry/").get_data(as_text=True)
    helpers.declaration(data, "440000", state=S.SUBMITTED, name="广东新提交公司")
    db.session.commit()
    page = ministry.get("/ministry/").get_data(as_text=True)
    assert "7 declarations submitted" in page and "Figures as of" not in page


def test_national_list_filters_are_in_the_users_language(data, login_as, minister):
    """The class filter combines two labels; it used to be built once at import, in English."""
    page = login_as(minister).get("/ministry/declarations").get_data(as_text=True)
    select = re.search(r'name="klass">(.*?)</select>', page, re.S).group(1)
    assert "Demonstration platform" not in select and "Shared manufacturing" not in select
    assert re.search(r'<option value="shared_manufacturing">[^<]*示范平台[^<]*</option>', select)


def test_national_filter_form_kept_per_state_and_language(data, ministry, login_as, make):
    """The national filter form is kept per language and form state (fragments.kept_html):
    each request shows its own selection, errors and language, whatever came before."""
    chinese = login_as(make.ministry())

    def selected(html, name):
        select = re.search(rf'name="{name}">(.*?)</select>', html, re.S).group(1)
        return re.findall(r'<option selected value="([^"]*)"', select)

    for _ in range(2):
        passed = ministry.get("/ministry/declarations?state=passed").get_data(as_text=True)
        by_unit = ministry.get("/ministry/declarations?unit=320000&sort=name"
                               ).get_data(as_text=True)
        zh = chinese.get("/ministry/declarations?state=passed").get_data(as_text=True)
        bad = ministry.get("/ministry/declarations?state=nonsense").get_data(as_text=True)
        assert selected(passed, "state") == ["passed"] and selected(by_unit, "state") == []
        assert selected(by_unit, "unit") == ["320000"] and selected(by_unit, "sort") == ["name"]
        assert selected(zh, "state") == ["passed"] and "筛选" in zh and "Filter" not in zh
        assert "广东推荐公司" in passed and "江苏推荐公司" not in passed
        assert "江苏推荐公司" in by_unit and "广东推荐公司" not in by_unit
        assert "Not a valid choice" in bad and "Not a valid choice" not in passed
