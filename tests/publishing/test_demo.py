"""The demo data fills the notices and the FAQ: the 2023 notice is the first announcement
(with its annexes), /notice/2023 leads to it, the other states are all there; seeding again
changes nothing."""
from __future__ import annotations

from sqlalchemy import func, select

from smplatform.demo import seed
from smplatform.extensions import db
from smplatform.models import Announcement, AnnouncementAttachment, FaqEntry


def test_demo_notices(client):
    seed("Demo-Password-2023")
    db.session.commit()
    seed("Demo-Password-2023")
    db.session.commit()
    notices = {a.slug: a for a in db.session.scalars(select(Announcement))}
    first = notices["notice-2023"]
    assert (first.state, first.unit_code, first.title_zh) == (
        "published", None, "工业和信息化部办公厅关于开展2023年服务型制造示范遴选和评估工作的通知")
    assert [a.stored_file.original_name for a in first.attachments] == [
        "annex1-enterprise.pdf", "annex1-platform.pdf", "annex1-city.pdf", "annex2-template.xlsx"]
    assert {slug: str(a.state) for slug, a in notices.items()} == {
        "notice-2023": "published", "demo-ministry-reminder": "published",
        "demo-ministry-batch4": "published", "demo-ministry-maintenance": "withdrawn",
        "demo-guangdong": "published", "demo-shenzhen": "published",
        "demo-zhejiang": "published", "demo-ministry-shortlist": "scheduled",
        "demo-ministry-draft": "draft"}
    assert {notices[s].unit_code for s in ("demo-guangdong", "demo-shenzhen",
                                           "demo-zhejiang")} == {"440000", "440300", "330000"}
    assert db.session.scalar(select(func.count()).select_from(AnnouncementAttachment)) == 4
    assert db.session.scalar(select(func.count()).select_from(FaqEntry)) == 4
    response = client.get("/notice/2023")
    assert response.headers["Location"] == f"/notices/{first.id}"
    page = client.get(f"/notices/{first.id}").get_data(as_text=True)
    assert "附件2：服务型制造示范遴选申报汇总表" in page
    home = client.get("/").get_data(as_text=True)
    assert home.count('class="notice-item"') == 6
