"""Announcements (通知公告): drafts, publishing now and at a set time, withdrawal, edit
history, the region of provincial notices, search and pages, the home page."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from smplatform.extensions import db
from smplatform.models import Announcement, AnnouncementRevision, AuditEntry
from tests.support.announcements import EN, edit_form, new_notice, publish, text

NOW = datetime(2023, 3, 10, 2, 0, tzinfo=UTC)  # 10:00 in China


@pytest.fixture
def ministry(make, login_as, clock):
    clock.set(NOW)
    return login_as(make.ministry())


def titles(html: str) -> list[str]:
    return re.findall(r'<li class="notice-item">\s*<a href="/notices/\d+"[^>]*>([^<]+)</a>',
                      html)


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.action.like("announcement.%")).order_by(AuditEntry.seq)))


def test_draft_is_seen_only_by_its_editors(ministry, client, make, login_as):
    notice = new_notice(ministry, "草稿通知")
    assert notice.status == "draft"
    assert client.get(f"/notices/{notice.id}").status_code == 302  # to sign in
    assert login_as(make.applicant()).get(f"/notices/{notice.id}").status_code == 403
    assert titles(text(client.get("/notices"))) == []
    assert "Not public: Draft" in text(ministry.get(f"/notices/{notice.id}", headers=EN))


def test_publish_now_shows_it_on_home_list_and_feed(ministry, client):
    notice = new_notice(ministry, "立即发布的通知")
    publish(ministry, notice)
    assert (notice.status, notice.publish_at) == ("published", NOW)
    assert titles(text(client.get("/"))) == ["立即发布的通知"]
    assert titles(text(client.get("/notices"))) == ["立即发布的通知"]
    assert "立即发布的通知" in text(client.get("/notices/feed.atom"))
    assert actions() == ["announcement.create", "announcement.publish"]


def test_scheduled_notice_appears_at_its_time(ministry, client, clock):
    notice = new_notice(ministry, "定时发布的通知")
    publish(ministry, notice, at="2023-03-11 09:00")  # China Standard Time
    assert (notice.state, notice.publish_at) == ("scheduled", datetime(2023, 3, 11, 1, 0,
                                                                       tzinfo=UTC))
    assert client.get(f"/notices/{notice.id}").status_code == 302  # to sign in
    assert titles(text(client.get("/"))) == []
    clock.set(datetime(2023, 3, 11, 0, 59, tzinfo=UTC))
    assert titles(text(client.get("/notices"))) == []
    clock.set(datetime(2023, 3, 11, 1, 0, tzinfo=UTC))
    assert titles(text(client.get("/notices"))) == ["定时发布的通知"]
    assert client.get(f"/notices/{notice.id}").status_code == 200
    assert actions() == ["announcement.create", "announcement.schedule"]


def test_scheduled_notice_can_go_back_to_draft(ministry, clock):
    notice = new_notice(ministry)
    publish(ministry, notice, at="2023-03-12 09:00")
    response = ministry.post(f"/publishing/announcements/{notice.id}/unschedule")
    assert response.status_code == 302
    db.session.expire_all()
    assert (notice.status, notice.publish_at) == ("draft", None)
    clock.set(datetime(2023, 3, 13, tzinfo=UTC))
    assert titles(text(ministry.get("/notices"))) == []


def test_publication_time_in_the_past_is_refused(ministry):
    notice = new_notice(ministry)
    response = ministry.post(f"/publishing/announcements/{notice.id}/publish",
                             data={"publish_at": "2023-03-01 09:00"}, headers=EN)
    assert response.status_code == 422
    assert "The publication time has passed." in text(response)
    db.session.expire_all()
    assert notice.status == "draft"


def test_withdrawn_notice_stays_and_says_so(ministry, client):
    notice = new_notice(ministry, "将被撤回的通知")
    publish(ministry, notice)
    refused = ministry.post(f"/publishing/announcements/{notice.id}/withdraw",
                            data={"reason": " "}, headers=EN)
    assert refused.status_code == 422
    assert "Say why the notice is withdrawn" in text(refused)
    response = ministry.post(f"/publishing/announcements/{notice.id}/withdraw",
                             data={"reason": "已被新通知取代"})
    assert response.status_code == 302
    page = text(client.get(f"/notices/{notice.id}", headers=EN))
    assert "This notice was withdrawn on 2023-03-10." in page
    assert "已被新通知取代" in page
    listing = text(client.get("/notices", headers=EN))
    assert titles(listing) == ["将被撤回的通知"]
    assert '<span class="badge badge-warn">Withdrawn</span>' in listing
    feed = text(client.get("/notices/feed.atom", headers=EN))
    assert "[Withdrawn] 将被撤回的通知" in feed
    # Withdrawn is final: no more edits, attachments or a second withdrawal.
    again = ministry.post(f"/publishing/announcements/{notice.id}/edit",
                          data={**edit_form(ministry, notice), "body_zh": "改"})
    assert again.status_code == 422
    db.session.expire_all()
    assert notice.body_zh == "正文"


def test_edit_keeps_history_and_shows_the_update(ministry, client, clock):
    notice = new_notice(ministry, "原标题", "原正文")
    publish(ministry, notice)
    clock.advance(minutes=20)
    form = edit_form(ministry, notice)
    response = ministry.post(f"/publishing/announcements/{notice.id}/edit",
                             data={**form, "body_zh": "更正后的正文", "note": "更正日期"})
    assert response.status_code == 302
    revisions = db.session.scalars(select(AnnouncementRevision).where(
        AnnouncementRevision.announcement_id == notice.id)
        .order_by(AnnouncementRevision.number)).all()
    assert [(r.number, r.body_zh, r.after_publication, r.note) for r in revisions] == [
        (1, "原正文", False, ""), (2, "更正后的正文", True, "更正日期")]
    page = text(client.get(f"/notices/{notice.id}", headers=EN))
    assert "更正后的正文" in page
    assert re.search(r"Updated <time[^>]*>2023-03-10 10:20</time>", page)
    old = text(ministry.get(f"/publishing/announcements/{notice.id}/revisions/1"))
    assert "原正文" in old


def test_edit_over_someone_elses_save_is_refused(ministry, make, login_as):
    notice = new_notice(ministry)
    stale = edit_form(ministry, notice)
    other = login_as(make.ministry())
    assert other.post(f"/publishing/announcements/{notice.id}/edit",
                      data={**stale, "body_zh": "别人的修改"}).status_code == 302
    response = ministry.post(f"/publishing/announcements/{notice.id}/edit",
                             data={**stale, "body_zh": "我的修改"}, headers=EN)
    assert response.status_code == 409
    assert "Someone else changed this notice" in text(response)
    db.session.expire_all()
    assert notice.body_zh == "别人的修改"


def test_english_version_needs_title_and_text(ministry):
    response = ministry.post("/publishing/announcements/new", headers=EN,
                             data={"title_zh": "标题", "body_zh": "正文", "title_en": "Title"})
    assert response.status_code == 422
    assert "give both the title and the text, or neither" in text(response)
    assert db.session.scalar(select(Announcement.id)) is None


def test_reader_without_english_version_gets_chinese_marked(ministry, client):
    notice = new_notice(ministry, "只有中文的通知", "中文正文")
    publish(ministry, notice)
    page = text(client.get(f"/notices/{notice.id}", headers=EN))
    assert '<h1 lang="zh-CN">只有中文的通知</h1>' in page
    assert "This notice has no English version" in page


def test_english_reader_gets_english_version(ministry, client):
    notice = new_notice(ministry, "中文标题", "中文正文", title_en="English title",
                        body_en="English text")
    publish(ministry, notice)
    page = text(client.get(f"/notices/{notice.id}", headers=EN))
    assert "<h1>English title</h1>" in page
    assert ("English text" in page, "中文正文" in page) == (True, False)


# Provincial notices: their own region ------------------------------------------------------


def test_province_publishes_for_its_own_region(make, login_as, clock, client):
    clock.set(NOW)
    guangdong = login_as(make.province("440000"))
    notice = new_notice(guangdong, "广东省的通知", unit_code="330000")  # a forged field
    publish(guangdong, notice)
    assert notice.unit_code == "440000"
    page = text(client.get(f"/notices/{notice.id}", headers=EN))
    assert "<span>Published by Guangdong</span>" in page
    assert titles(text(client.get("/notices?unit=440000"))) == ["广东省的通知"]
    assert titles(text(client.get("/notices?unit=330000"))) == []
    assert titles(text(client.get("/notices?unit=national"))) == []


def test_other_units_and_ministry_cannot_edit_a_provincial_notice(make, login_as, clock):
    clock.set(NOW)
    guangdong = login_as(make.province("440000"))
    notice = new_notice(guangdong)
    for other in (login_as(make.province("330000")), login_as(make.ministry())):
        assert other.get(f"/publishing/announcements/{notice.id}/edit").status_code == 403
        assert other.post(f"/publishing/announcements/{notice.id}/publish").status_code == 403
    assert login_as(make.applicant()).get("/publishing/announcements").status_code == 403
    desk = text(login_as(make.province("330000")).get("/publishing/announcements"))
    assert "关于申报的通知" not in desk


def test_applicants_see_their_region_and_the_ministry(make, login_as, clock):
    clock.set(NOW)
    for unit, title in (("440000", "广东通知"), ("330000", "浙江通知")):
        officer = login_as(make.province(unit))
        publish(officer, new_notice(officer, title))
        clock.advance(minutes=1)
    ministry = login_as(make.ministry())
    publish(ministry, new_notice(ministry, "部通知"))
    in_guangdong = text(login_as(make.applicant(unit="440000")).get("/applicant/"))
    in_zhejiang = text(login_as(make.applicant(unit="330000")).get("/applicant/"))
    assert titles(in_guangdong) == ["部通知", "广东通知"]
    assert titles(in_zhejiang) == ["部通知", "浙江通知"]


# The public list: search, publisher, pages --------------------------------------------------


def test_search_is_literal_and_covers_both_languages(ministry, client, clock):
    for title, en in (("百分之百达标", "100% done"), ("其他通知", "Other_news"), ("第三个", "")):
        publish(ministry, new_notice(ministry, title, title_en=en or "",
                                     body_en="text" if en else ""))
        clock.advance(minutes=1)
    assert titles(text(client.get("/notices?q=%25"))) == ["百分之百达标"]
    assert titles(text(client.get("/notices?q=_"))) == ["其他通知"]
    assert titles(text(client.get("/notices?q=百分"))) == ["百分之百达标"]
    assert titles(text(client.get("/notices?q=OTHER"))) == ["其他通知"]
    fragment = client.get("/notices?q=第三", headers={"HX-Request": "true",
                                                     "HX-Target": "notice-results"})
    assert "<html" not in text(fragment)
    assert titles(text(fragment)) == ["第三个"]


def test_notices_are_paged_newest_first(ministry, client, clock):
    for n in range(23):
        publish(ministry, new_notice(ministry, f"通知{n:02d}"))
        clock.advance(minutes=1)
    first = titles(text(client.get("/notices")))
    second = titles(text(client.get("/notices?page=2")))
    assert (len(first), first[0], first[-1]) == (20, "通知22", "通知03")
    assert second == ["通知02", "通知01", "通知00"]
    assert len(titles(text(client.get("/")))) == 6


def test_no_state_change_through_get_of_publish(ministry):
    notice = new_notice(ministry)
    assert ministry.get(f"/publishing/announcements/{notice.id}/publish").status_code == 405


def test_publish_needs_csrf(ministry):
    notice = new_notice(ministry)
    response = ministry.post(f"/publishing/announcements/{notice.id}/publish", data={},
                             csrf=False)
    assert response.status_code == 400
    db.session.expire_all()
    assert notice.status == "draft"


def test_old_notice_address_without_the_notice_leads_to_the_list(client):
    response = client.get("/notice/2023")
    assert (response.status_code, response.headers["Location"]) == (302, "/notices")


def test_scheduled_in_the_future_by_timedelta_is_not_on_home(ministry, client):
    notice = new_notice(ministry, "明天的通知")
    publish(ministry, notice, at=(NOW + timedelta(days=1, hours=8)).strftime("%Y-%m-%d %H:%M"))
    assert titles(text(client.get("/"))) == []


@pytest.mark.parametrize("path", ["/", "/notices", "/notices/feed.atom", "/applicant/"])
def test_no_query_per_notice(make, login_as, clock, path):
    """Each list costs the same number of statements for 2 notices as for 12 of 12 units."""
    from tests.test_query_counts import Counter
    clock.set(NOW)
    units = ["440000", "330000", "320000", "110000", "510000", "370000"]
    reader = login_as(make.applicant(unit="440000"))
    counts = []
    for n in (2, 12):
        while db.session.query(Announcement).count() < n:
            officer = login_as(make.province(units[db.session.query(Announcement).count()
                                                   % len(units)]))
            publish(officer, new_notice(officer, "通知"))
        reader.get(path)  # warm
        with Counter() as counter:
            assert reader.get(path).status_code == 200
        counts.append(len(counter.statements))
    assert counts[0] == counts[1]
