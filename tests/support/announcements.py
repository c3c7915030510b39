"""Helpers of the announcement tests: write and publish notices through the desk's forms."""
from __future__ import annotations

import re

from smplatform.extensions import db
from smplatform.models import Announcement

EN = {"Accept-Language": "en"}


def text(response) -> str:
    return response.get_data(as_text=True)


def new_notice(client, title="关于申报的通知", body="正文", **extra) -> Announcement:
    """A draft through the desk's form; returns it."""
    response = client.post("/publishing/announcements/new",
                           data={"title_zh": title, "body_zh": body, **extra})
    assert response.status_code == 302, text(response)[:2000]
    notice_id = int(re.search(r"/announcements/(\d+)/edit", response.headers["Location"])[1])
    db.session.expire_all()
    return db.session.get(Announcement, notice_id)


def publish(client, notice, at: str = "") -> None:
    response = client.post(f"/publishing/announcements/{notice.id}/publish",
                           data={"publish_at": at})
    assert response.status_code == 302, text(response)[:2000]
    db.session.expire_all()


def edit_form(client, notice) -> dict:
    """The edit form's current values (as a browser would post them back)."""
    html = text(client.get(f"/publishing/announcements/{notice.id}/edit"))
    version = re.search(r'id="version" name="version" type="hidden" value="(\d+)"', html)
    return {"title_zh": notice.title_zh, "body_zh": notice.body_zh,
            "title_en": notice.title_en, "body_en": notice.body_en,
            "version": version[1] if version else ""}
