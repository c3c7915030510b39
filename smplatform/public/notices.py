"""Notices (通知公告) for everyone: the list with search, region and pages; one notice with
its attachments; the Atom feed; /notice/2023, now the first announcement."""
from __future__ import annotations

from flask import abort, redirect, request, url_for
from sqlalchemy import select

from smplatform.documents import atom
from smplatform.extensions import db
from smplatform.models import Announcement, AnnouncementAttachment, Unit
from smplatform.permissions import (
    can_download_announcement_attachment,
    can_read_announcement,
    can_view_public,
)
from smplatform.services import announcements, storage
from smplatform.web import Routes, allow, lang, load, page, vary

routes = Routes()

PAGE_SIZE = 20
FEED_SIZE = 30
NOTICE_2023 = "notice-2023"


def _filters() -> dict:
    unit = request.args.get("unit") or None
    if unit and unit != announcements.NATIONAL and not (unit.isdigit() and len(unit) == 6):
        unit = None
    return {"q": (request.args.get("q") or "").strip()[:100] or None, "unit": unit}


@routes.get("/notices")
def notices():
    """Every public notice, newest first: search (titles and texts, both languages), the
    publisher (the ministry or one unit), pages."""
    allow(can_view_public)
    filters = _filters()
    listing = db.paginate(announcements.public_query(**filters), per_page=PAGE_SIZE,
                          error_out=False)
    units = db.session.scalars(select(Unit).order_by(Unit.code)).all()
    args = {k: v for k, v in filters.items() if v}
    return page("public/notices.html", fragment="public/_notice_results.html",
                target="notice-results", listing=listing, filters=filters, args=args,
                units=units, national=announcements.NATIONAL, lang=lang())


@routes.get("/notices/<int:announcement_id>")
def announcement(announcement_id: int):
    """One notice in the reader's language (Chinese when it has no English version); a
    withdrawn one says so; its editors also see it before it is public."""
    a = load(Announcement, announcement_id, can_read_announcement)
    return page("public/announcement.html", announcement=a, lang=lang())


@routes.get("/notices/<int:announcement_id>/attachments/<int:attachment_id>")
def announcement_attachment(announcement_id: int, attachment_id: int):
    attachment = load(AnnouncementAttachment, attachment_id,
                      can_download_announcement_attachment)
    if attachment.announcement_id != announcement_id:
        abort(404)
    response = storage.send(attachment.stored_file, announcements.download_name(attachment))
    if attachment.announcement.is_public:
        response.headers["Cache-Control"] = "public, max-age=300"
    return response


@routes.get("/notices/feed.atom")
def notices_feed():
    """The latest public notices as an Atom feed (same `unit` filter as the list), in the
    request's language."""
    allow(can_view_public)
    filters = _filters()
    items = db.session.scalars(announcements.public_query(unit=filters["unit"])
                               .limit(FEED_SIZE)).all()
    body = atom.feed(items, lang=lang(), unit=filters["unit"])
    response = vary(body)
    response.headers["Content-Type"] = "application/atom+xml; charset=utf-8"
    response.headers["Cache-Control"] = "public, max-age=300"
    response.vary.add("Accept-Language")
    response.vary.add("Cookie")
    return response


@routes.get("/notice/2023")
def notice():
    """The 2023 notice's old address: now the first announcement (loaded by the demo data,
    or written by the ministry); without it, the list of notices."""
    allow(can_view_public)
    a = announcements.by_slug(NOTICE_2023)
    if a is not None and a.is_public:
        return redirect(url_for(".announcement", announcement_id=a.id), 302)
    return redirect(url_for(".notices"), 302)
