"""Access table: notices (public and the publishing desk), figures, help and the FAQ.

The objects are national notices (the ministry's) in each state, and a notice of unit 330000
that the world's 440000 officer may not touch; each state-changing entry has its own notice.
"""
from __future__ import annotations

import io
from datetime import timedelta

from tests.access import Access, everyone, expect

ALL_200 = everyone(200)
EDITORS = expect(403, anonymous=302, ministry=200, province=200)
MINISTRY_ONLY = expect(403, anonymous=302, ministry=200)


def _notice(w, key: str, *, state: str = "draft", actor: str = "ministry", unit=None):
    """A national notice (or, with `unit`, one of that unit's officers) in `state`, made once
    per world and key; returns its id."""
    cache = w.cache.setdefault("notices", {})
    if key in cache:
        return cache[key]
    from smplatform import clock
    from smplatform.extensions import db
    from smplatform.services import announcements
    author = w.users[actor]
    if unit is not None:
        from tests.support.factories import Factories
        author = Factories().province(unit)
    a = announcements.create(actor=author, title_zh=f"通知 {key}", body_zh="正文")
    if state == "public_with_file":
        from tests.support.evaluations import PDF
        announcements.add_attachment(announcement=a, actor=author, stream=io.BytesIO(PDF),
                                     filename="annex.pdf")
    if state in ("public", "public_with_file"):
        announcements.publish(announcement=a, actor=author)
    if state == "scheduled":
        announcements.publish(announcement=a, actor=author,
                              publish_at=clock.now() + timedelta(days=3))
    db.session.commit()
    cache[key] = a.id
    return a.id


def _attachment(w, key: str) -> tuple[int, int]:
    from smplatform.extensions import db
    from smplatform.models import Announcement
    notice = db.session.get(Announcement, _notice(w, key, state="public_with_file"))
    return notice.id, notice.attachments[0].id


def _faq(w, key: str) -> int:
    cache = w.cache.setdefault("faq", {})
    if key not in cache:
        from smplatform.extensions import db
        from smplatform.services import faq
        entry = faq.save(actor=w.users["ministry"], values={
            "question_zh": "问题", "answer_zh": "回答", "published": True})
        db.session.commit()
        cache[key] = entry.id
    return cache[key]


def _draft_path(key, suffix=""):
    return lambda w: f"/publishing/announcements/{_notice(w, key)}{suffix}"


ACCESS = [
    Access("public.notices", "/notices?q=%25&unit=national", ALL_200),
    Access("public.announcement", lambda w: f"/notices/{_notice(w, 'p', state='public')}",
           ALL_200),
    Access("public.announcement", lambda w: f"/notices/{_notice(w, 'd')}",
           expect(403, anonymous=302, ministry=200)),
    Access("public.announcement", lambda w: f"/notices/{_notice(w, 'z', unit='330000')}",
           expect(403, anonymous=302)),
    Access("public.announcement_attachment",
           lambda w: "/notices/{}/attachments/{}".format(*_attachment(w, "f")), ALL_200),
    Access("public.notices_feed", "/notices/feed.atom", ALL_200),
    Access("public.notice", "/notice/2023", everyone(302)),
    Access("public.figures", "/figures?map=city", ALL_200),
    Access("public.figures_export", "/figures/export.xlsx", ALL_200),
    Access("public.help_index", "/help", ALL_200),
    Access("public.help_role", "/help/province", ALL_200),
    Access("public.faq", "/help/faq", ALL_200),
    Access("publishing.announcements_list", "/publishing/announcements", EDITORS),
    Access("publishing.announcement_new", "/publishing/announcements/new", EDITORS),
    Access("publishing.announcement_edit", _draft_path("e", "/edit"), MINISTRY_ONLY),
    Access("publishing.announcement_edit",
           lambda w: f"/publishing/announcements/{_notice(w, 'z2', unit='330000')}/edit",
           expect(403, anonymous=302)),
    Access("publishing.announcement_revision", _draft_path("r", "/revisions/1"),
           MINISTRY_ONLY),
    Access("publishing.announcement_publish", _draft_path("pub", "/publish"),
           expect(403, anonymous=302, ministry=302), method="POST"),
    Access("publishing.announcement_unschedule",
           lambda w: f"/publishing/announcements/{_notice(w, 's', state='scheduled')}"
                     "/unschedule",
           expect(403, anonymous=302, ministry=302), method="POST"),
    Access("publishing.announcement_withdraw",
           lambda w: f"/publishing/announcements/{_notice(w, 'w', state='public')}/withdraw",
           expect(403, anonymous=302, ministry=302), method="POST",
           data={"reason": "撤回原因"}),
    Access("publishing.attachment_add", _draft_path("att", "/attachments"),
           expect(403, anonymous=302, ministry=422), method="POST"),
    Access("publishing.attachment_remove",
           lambda w: "/publishing/announcements/{}/attachments/{}/remove".format(
               *_attachment(w, "rm")),
           expect(403, anonymous=302, ministry=302), method="POST"),
    Access("publishing.faq_list", "/publishing/faq", MINISTRY_ONLY),
    Access("publishing.faq_new", "/publishing/faq/new", MINISTRY_ONLY),
    Access("publishing.faq_edit", lambda w: f"/publishing/faq/{_faq(w, 'e')}/edit",
           MINISTRY_ONLY),
    Access("publishing.faq_delete", lambda w: f"/publishing/faq/{_faq(w, 'd')}/delete",
           expect(403, anonymous=302, ministry=302), method="POST"),
]
