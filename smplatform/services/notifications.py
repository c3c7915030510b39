"""Telling applicants what happened: in-application notifications and the e-mail outbox.

A notification stores a message key and its parameters; it is rendered in the reader's
language when shown. E-mails are queued in the outbox (in the same transaction as the change
they report, so nothing is sent for a change that was rolled back) and delivered by
`flask --app wsgi send-mail`.
"""
from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from smplatform import clock
from smplatform.extensions import db
from smplatform.models import Notification, Organisation, OutboxEmail, User

# Message keys → functions rendering them in the current language.
MESSAGES = {
    "declaration.start_review": lambda p: gettext(
        "The province has started reviewing your declaration %(number)s.", **p),
    "declaration.pass": lambda p: gettext(
        "Your declaration %(number)s passed the provincial review. Download the declaration "
        "form, stamp it and hand in the stamped copy.", **p),
    "declaration.return": lambda p: gettext(
        "Your declaration %(number)s was returned for revision: %(comment)s", **p),
    "declaration.reject": lambda p: gettext(
        "Your declaration %(number)s was rejected by the province: %(comment)s", **p),
    "declaration.stamped_confirmed": lambda p: gettext(
        "The province confirmed the stamped copy of your declaration %(number)s.", **p),
    "declaration.forward": lambda p: gettext(
        "Your declaration %(number)s was recommended to the ministry.", **p),
    "declaration.not_recommend": lambda p: gettext(
        "Your declaration %(number)s was not recommended to the ministry this time.", **p),
    "declaration.send_back": lambda p: gettext(
        "The ministry sent the province's submission back; your declaration %(number)s is "
        "with the province again.", **p),
    # The ministry's selection (national area).
    "declaration.expert_pass": lambda p: gettext(
        "Your declaration %(number)s passed the expert review.", **p),
    "declaration.expert_fail": lambda p: gettext(
        "Your declaration %(number)s did not pass the expert review.", **p),
    "declaration.shortlist": lambda p: gettext(
        "Your declaration %(number)s has been shortlisted; the shortlist will be put under "
        "public notice.", **p),
    "declaration.not_shortlist": lambda p: gettext(
        "Your declaration %(number)s was not selected this time.", **p),
    "declaration.remove_after_notice": lambda p: gettext(
        "After an objection was upheld, your declaration %(number)s was taken off the "
        "shortlist.", **p),
    "declaration.publish": lambda p: gettext(
        "Your declaration %(number)s was published: you are a service-oriented manufacturing "
        "demonstration.", **p),
    "unit_submission.send_back": lambda p: gettext(
        "The ministry sent your unit's submission of batch %(batch)s back: %(reason)s", **p),
    "review.assigned": lambda p: gettext(
        "You have been assigned declaration %(number)s to review. Declare whether you have a "
        "conflict of interest before you open it.", **p),
}
SUBJECT = _l("Service-oriented manufacturing platform: news about your declaration")
SUBJECT_STAFF = _l("Service-oriented manufacturing platform: a task for you")


def render(key: str, params: dict | None) -> str:
    """The message in the current language."""
    message = MESSAGES.get(key)
    if message is None:
        return key
    try:
        return message(dict(params or {}))
    except (KeyError, TypeError, ValueError):
        return key


def _render_in(locale: str, key: str, params: dict) -> str:
    with force_locale(locale):
        return render(key, params)


def notify_organisation(*, organisation: Organisation, key: str, params: dict,
                        link: str | None = None) -> Notification:
    """Notify every user of an organisation, in the application and by e-mail.

    Side effects: adds a Notification; adds an OutboxEmail to the organisation's contact
    e-mail (bilingual body).
    """
    if key not in MESSAGES:
        raise ValueError(f"unknown notification key {key!r}")
    now = clock.now()
    note = Notification(organisation_id=organisation.id, key=key, params=dict(params), link=link,
                        created_at=now)
    db.session.add(note)
    if organisation.contact_email:
        zh = _render_in("zh_CN", key, params)
        en = _render_in("en", key, params)
        with force_locale("zh_CN"):
            subject_zh = str(SUBJECT)
        db.session.add(OutboxEmail(to=organisation.contact_email, subject=subject_zh,
                                   body=f"{zh}\n\n{en}\n", created_at=now))
    db.session.flush()
    return note


def notify_user(*, user: User, key: str, params: dict, link: str | None = None) -> Notification:
    """Notify one staff user (a provincial officer, an expert), in the application and by
    e-mail to the account's address.

    Side effects: adds a Notification for the user; adds an OutboxEmail (bilingual body).
    """
    if key not in MESSAGES:
        raise ValueError(f"unknown notification key {key!r}")
    now = clock.now()
    note = Notification(user_id=user.id, key=key, params=dict(params), link=link,
                        created_at=now)
    db.session.add(note)
    if user.email:
        zh = _render_in("zh_CN", key, params)
        en = _render_in("en", key, params)
        with force_locale("zh_CN"):
            subject_zh = str(SUBJECT_STAFF)
        db.session.add(OutboxEmail(to=user.email, subject=subject_zh, body=f"{zh}\n\n{en}\n",
                                   created_at=now))
    db.session.flush()
    return note


def notify_unit(*, unit_code: str, key: str, params: dict) -> list[Notification]:
    """Notify every active provincial officer of a unit (notify_user for each)."""
    from smplatform.enums import Role
    officers = db.session.scalars(select(User).where(
        User.role == Role.PROVINCE.value, User.unit_code == unit_code,
        User.active.is_(True)).order_by(User.id)).all()
    return [notify_user(user=u, key=key, params=params) for u in officers]


def for_user_query(user: User):
    """Notifications addressed to the user or to its organisation, newest first."""
    conditions = [Notification.user_id == user.id]
    if user.organisation_id is not None:
        conditions.append(Notification.organisation_id == user.organisation_id)
    return select(Notification).where(or_(*conditions)).order_by(Notification.id.desc())


def unread_count(user: User) -> int:
    query = for_user_query(user).where(Notification.read_at.is_(None)).order_by(None)
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def mark_all_read(*, user: User) -> int:
    """Mark the user's unread notifications read. Side effects: sets read_at. No audit entry
    (reading is not a state change of the domain)."""
    now = clock.now()
    notes = db.session.scalars(for_user_query(user).where(Notification.read_at.is_(None))).all()
    for note in notes:
        note.read_at = now
    db.session.flush()
    return len(notes)


def deliver_outbox(*, limit: int = 100, max_attempts: int = 5) -> tuple[int, int]:
    """Send waiting e-mails over SMTP (MAIL_SERVER, MAIL_PORT, MAIL_FROM).

    Side effects: sets sent_at on each delivered OutboxEmail; on failure increments attempts
    and stores last_error. Returns (sent, failed). The caller commits.
    """
    config = current_app.config
    pending = db.session.scalars(
        select(OutboxEmail).where(OutboxEmail.sent_at.is_(None),
                                  OutboxEmail.attempts < max_attempts)
        .order_by(OutboxEmail.id).limit(limit)).all()
    if not pending:
        return 0, 0
    sent = failed = 0
    try:
        smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30)
    except OSError as error:
        for mail in pending:
            mail.attempts += 1
            mail.last_error = f"connect: {error}"[:2000]
        db.session.flush()
        return 0, len(pending)
    with smtp:
        for mail in pending:
            message = EmailMessage()
            message["From"] = config["MAIL_FROM"]
            message["To"] = mail.to
            message["Subject"] = mail.subject
            message["Date"] = formatdate(localtime=False)
            message["Message-ID"] = make_msgid(domain="smplatform.localhost")
            message.set_content(mail.body)
            mail.attempts += 1
            try:
                smtp.send_message(message)
            except smtplib.SMTPException as error:
                mail.last_error = str(error)[:2000]
                failed += 1
            else:
                mail.sent_at = clock.now()
                mail.last_error = None
                sent += 1
    db.session.flush()
    return sent, failed
