"""Announcements (通知公告): write, publish (now or at a set time), unschedule, withdraw, edit
with history, attachments; and the queries of the public pages.

The ministry publishes national notices (unit_code None); a provincial officer publishes for
its own unit only, whatever a form says: the unit is taken from the actor. Readers see a
notice once its publication time has come (rules/announcements.py); a withdrawn notice stays
readable and says so.
"""
from __future__ import annotations

from datetime import datetime
from typing import BinaryIO

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from smplatform import clock
from smplatform.enums import Role
from smplatform.extensions import db
from smplatform.models import Announcement, AnnouncementAttachment, AnnouncementRevision, User
from smplatform.rules import announcements as rules
from smplatform.enums import AnnouncementState, AnnouncementStatus
from smplatform.search import contains
from smplatform.services import DomainError, storage
from smplatform.services.audit import record, register_labels

register_labels({
    "announcement.create": _l("Announcement drafted"),
    "announcement.edit": _l("Announcement edited"),
    "announcement.publish": _l("Announcement published"),
    "announcement.schedule": _l("Announcement scheduled"),
    "announcement.unschedule": _l("Announcement taken back to draft"),
    "announcement.withdraw": _l("Announcement withdrawn"),
    "announcement.attachment_add": _l("Announcement attachment added"),
    "announcement.attachment_remove": _l("Announcement attachment removed"),
})

S = AnnouncementStatus


# ------------------------------------------------------------------ writing


def _text(value: str | None) -> str:
    return (value or "").replace("\r\n", "\n").strip()


def _checked(title_zh, title_en, body_zh, body_en) -> dict:
    values = {"title_zh": " ".join(_text(title_zh).split()),
              "title_en": " ".join(_text(title_en).split()),
              "body_zh": _text(body_zh), "body_en": _text(body_en)}
    if not values["title_zh"]:
        raise DomainError(_("Give the notice a title in Chinese."), field="title_zh")
    if not values["body_zh"]:
        raise DomainError(_("Write the notice's text in Chinese."), field="body_zh")
    for key in ("title_zh", "title_en"):
        if len(values[key]) > rules.TITLE_MAX:
            raise DomainError(_("A title may have at most %(n)d characters.",
                                n=rules.TITLE_MAX), field=key)
    for key in ("body_zh", "body_en"):
        if len(values[key]) > rules.BODY_MAX:
            raise DomainError(_("The text may have at most %(n)d characters.",
                                n=rules.BODY_MAX), field=key)
    if bool(values["title_en"]) != bool(values["body_en"]):
        raise DomainError(_("For the English version give both the title and the text, or "
                            "neither."),
                          field="body_en" if values["title_en"] else "title_en")
    return values


def unit_of(actor: User) -> str | None:
    """The region an actor publishes for: None (national) for the ministry, the officer's
    own unit for a province."""
    if actor.role == Role.MINISTRY:
        return None
    if actor.role == Role.PROVINCE and actor.unit_code:
        return actor.unit_code
    raise DomainError(_("Only the ministry and provincial departments publish notices."))


def _revise(announcement: Announcement, actor: User | None, note: str = "") -> None:
    number = len(announcement.revisions) + 1 if announcement.id else 1
    db.session.add(AnnouncementRevision(
        announcement=announcement, number=number, title_zh=announcement.title_zh,
        title_en=announcement.title_en, body_zh=announcement.body_zh,
        body_en=announcement.body_en, note=_text(note)[:500],
        after_publication=announcement.is_public,
        edited_by_id=getattr(actor, "id", None), edited_at=clock.now()))


def create(*, actor: User, title_zh: str, body_zh: str, title_en: str = "",
           body_en: str = "", slug: str | None = None) -> Announcement:
    """A new draft for the actor's region (national for the ministry).

    Side effects: adds the Announcement and its first revision; audit `announcement.create`.
    """
    values = _checked(title_zh, title_en, body_zh, body_en)
    now = clock.now()
    announcement = Announcement(unit_code=unit_of(actor), status=S.DRAFT, slug=slug,
                                created_by_id=actor.id, created_at=now, updated_at=now,
                                **values)
    db.session.add(announcement)
    db.session.flush()
    _revise(announcement, actor)
    db.session.flush()
    record("announcement.create", actor=actor, obj=announcement,
           unit_code=announcement.unit_code, detail={"title": announcement.title_zh})
    return announcement


def _conflict_error() -> DomainError:
    return DomainError(_("Someone else changed this notice while you were editing it. "
                         "Your changes were not saved: reload it and make them again."),
                       code="conflict")


def _conflict(announcement: Announcement, base_version: int | None) -> None:
    if base_version is not None and base_version != announcement.version:
        raise _conflict_error()


def _flush() -> None:
    """Flush; a concurrent change of the same notice (its version moved on) is a conflict."""
    try:
        db.session.flush()
    except StaleDataError as error:
        raise _conflict_error() from error


def edit(*, announcement: Announcement, actor: User, title_zh: str, body_zh: str,
         title_en: str = "", body_en: str = "", note: str = "",
         base_version: int | None = None) -> Announcement:
    """Change the text of a notice that is not withdrawn; the previous text stays in the
    history. An edit after publication is shown to readers as an update.

    Refused when someone else saved since `base_version`, or nothing changed.
    Side effects: updates the text, adds a revision; audit `announcement.edit`.
    """
    if announcement.state not in rules.CAN_EDIT:
        raise DomainError(_("A withdrawn notice can no longer be changed."), code="state")
    _conflict(announcement, base_version)
    values = _checked(title_zh, title_en, body_zh, body_en)
    if all(getattr(announcement, k) == v for k, v in values.items()):
        raise DomainError(_("Nothing was changed."), code="unchanged")
    for key, value in values.items():
        setattr(announcement, key, value)
    announcement.updated_at = clock.now()
    _revise(announcement, actor, note)
    _flush()
    record("announcement.edit", actor=actor, obj=announcement, unit_code=announcement.unit_code,
           detail={"revision": len(announcement.revisions), "note": _text(note)[:200],
                   "after_publication": announcement.is_public})
    return announcement


def publish(*, announcement: Announcement, actor: User,
            publish_at: datetime | None = None) -> Announcement:
    """Publish now, or at `publish_at` (China's wall clock is the caller's business: an
    aware instant); a scheduled notice may be given another time.

    Refused for a notice already public or withdrawn, and for a time in the past.
    Side effects: sets status and publication time; audit `announcement.publish` or
    `announcement.schedule`.
    """
    if announcement.state not in rules.CAN_PUBLISH:
        raise DomainError(_("This notice is already public."), code="state")
    now = clock.now()
    if publish_at is not None and publish_at < now.replace(second=0, microsecond=0):
        raise DomainError(_("The publication time has passed. Leave it empty to publish "
                            "now."), field="publish_at")
    when = publish_at if publish_at is not None and publish_at > now else now
    announcement.status = S.PUBLISHED
    announcement.publish_at = when
    announcement.published_by_id = actor.id
    announcement.updated_at = now
    _flush()
    scheduled = when > now
    record("announcement.schedule" if scheduled else "announcement.publish", actor=actor,
           obj=announcement, unit_code=announcement.unit_code,
           detail={"publish_at": when.isoformat()})
    return announcement


def unschedule(*, announcement: Announcement, actor: User) -> Announcement:
    """Take a scheduled notice back to draft before it appears.

    Side effects: status draft, no publication time; audit `announcement.unschedule`.
    """
    if announcement.state not in rules.CAN_UNSCHEDULE:
        raise DomainError(_("Only a scheduled notice that has not appeared yet can go back "
                            "to draft."), code="state")
    announcement.status = S.DRAFT
    announcement.publish_at = None
    announcement.updated_at = clock.now()
    _flush()
    record("announcement.unschedule", actor=actor, obj=announcement,
           unit_code=announcement.unit_code)
    return announcement


def withdraw(*, announcement: Announcement, actor: User, reason: str) -> Announcement:
    """Withdraw a public notice: it stays readable, marked withdrawn, with the reason.

    Side effects: status withdrawn, time and reason; audit `announcement.withdraw`.
    """
    if announcement.state not in rules.CAN_WITHDRAW:
        raise DomainError(_("Only a published notice can be withdrawn."), code="state")
    reason = _text(reason)
    if not reason:
        raise DomainError(_("Say why the notice is withdrawn: readers will see it."),
                          field="reason")
    if len(reason) > rules.REASON_MAX:
        raise DomainError(_("At most %(n)d characters.", n=rules.REASON_MAX), field="reason")
    now = clock.now()
    announcement.status = S.WITHDRAWN
    announcement.withdrawn_at = now
    announcement.withdrawn_reason = reason
    announcement.updated_at = now
    _flush()
    record("announcement.withdraw", actor=actor, obj=announcement,
           unit_code=announcement.unit_code, detail={"reason": reason})
    return announcement


def add_attachment(*, announcement: Announcement, actor: User | None, stream: BinaryIO,
                   filename: str, title: str = "") -> AnnouncementAttachment:
    """Attach a document (PDF, Office, image), checked by its content.

    Refused for a withdrawn notice, past ATTACHMENTS_MAX files, or a file the storage
    refuses (empty, too large, not what its name says).
    Side effects: stores the file (removed again if the transaction does not commit), adds
    the attachment; audit `announcement.attachment_add`. A refusal changes nothing, except
    that a full disk is audited (`storage.disk_full`): the caller commits the refusal.
    """
    if announcement.state == AnnouncementState.WITHDRAWN:
        raise DomainError(_("A withdrawn notice can no longer be changed."), code="state")
    if len(announcement.attachments) >= rules.ATTACHMENTS_MAX:
        raise DomainError(_("A notice may have at most %(n)d attachments.",
                            n=rules.ATTACHMENTS_MAX), field="file")
    try:
        stored = storage.save(stream, filename, allowed=storage.DOCUMENT_KINDS,
                              uploaded_by=actor)
    except DomainError as error:
        storage.record_disk_full(actor=actor, error=error, obj=announcement)
        raise
    db.session.flush()
    attachment = AnnouncementAttachment(
        announcement=announcement, stored_file=stored, created_at=clock.now(),
        title=" ".join(_text(title).split())[:200])
    db.session.add(attachment)
    announcement.updated_at = clock.now()
    db.session.flush()
    record("announcement.attachment_add", actor=actor, actor_name=None if actor else "system",
           obj=announcement, unit_code=announcement.unit_code,
           detail={"attachment": attachment.id, "name": stored.original_name,
                   "size": stored.size, "sha256": stored.sha256})
    return attachment


def remove_attachment(*, attachment: AnnouncementAttachment, actor: User) -> None:
    """Remove an attachment of a notice that is not withdrawn.

    Side effects: deletes the attachment and its stored file (the file after commit); audit
    `announcement.attachment_remove`.
    """
    announcement = attachment.announcement
    if announcement.state == AnnouncementState.WITHDRAWN:
        raise DomainError(_("A withdrawn notice can no longer be changed."), code="state")
    stored = attachment.stored_file
    detail = {"attachment": attachment.id, "name": stored.original_name,
              "sha256": stored.sha256}
    announcement.attachments.remove(attachment)
    db.session.flush()
    storage.delete(stored)
    announcement.updated_at = clock.now()
    db.session.flush()
    record("announcement.attachment_remove", actor=actor, obj=announcement,
           unit_code=announcement.unit_code, detail=detail)


def download_name(attachment: AnnouncementAttachment) -> str:
    return attachment.stored_file.original_name


# ------------------------------------------------------------------ reading

NATIONAL = "national"  # the `unit` filter's value for the ministry's own notices


def public_query(*, q: str | None = None, unit: str | None = None):
    """Public notices (published whose time has come, and withdrawn ones), newest first;
    `q` searches titles and texts in both languages, literally; `unit` is a unit code, or
    NATIONAL for the ministry's."""
    now = clock.now()
    query = select(Announcement).options(joinedload(Announcement.unit)).where(
        Announcement.status.in_((S.PUBLISHED, S.WITHDRAWN)),
        Announcement.publish_at <= now).order_by(Announcement.publish_at.desc(),
                                                 Announcement.id.desc())
    if unit == NATIONAL:
        query = query.where(Announcement.unit_code.is_(None))
    elif unit:
        query = query.where(Announcement.unit_code == unit)
    if q:
        query = query.where(or_(*(contains(column, q) for column in (
            Announcement.title_zh, Announcement.title_en, Announcement.body_zh,
            Announcement.body_en))))
    return query


def latest(limit: int = 6, *, unit: str | None = None) -> list[Announcement]:
    return list(db.session.scalars(public_query(unit=unit).limit(limit)))


def for_region(unit_code: str | None, limit: int = 5) -> list[Announcement]:
    """What an applicant of `unit_code` is shown: its unit's notices and the ministry's."""
    query = public_query().where(or_(Announcement.unit_code.is_(None),
                                     Announcement.unit_code == unit_code))
    return list(db.session.scalars(query.limit(limit)))


def desk_query(actor: User):
    """The notices an editor manages, newest change first: every national one for the
    ministry, the unit's own for a provincial officer."""
    query = select(Announcement).order_by(Announcement.updated_at.desc(),
                                          Announcement.id.desc())
    if actor.role == Role.MINISTRY:
        return query.where(Announcement.unit_code.is_(None))
    return query.where(Announcement.unit_code == actor.unit_code)


def by_slug(slug: str) -> Announcement | None:
    return db.session.scalar(select(Announcement).where(Announcement.slug == slug))
