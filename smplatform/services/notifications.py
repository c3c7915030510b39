"""Telling applicants what happened: in-application notifications and the e-mail outbox.

A notification stores a message key and its parameters; it is rendered in the reader's
language when shown. E-mails are queued in the outbox (in the same transaction as the change
they report, so nothing is sent for a change that was rolled back) and delivered by
`flask --app wsgi send-mail`.
"""
from __future__ import annotations

import smtplib
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, bindparam, false, func, or_, select, update

from smplatform import clock
from smplatform.extensions import db
from smplatform.models import Notification, Organisation, OutboxEmail, User
from smplatform.rules import mail_retry

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
    "declaration.city_pass": lambda p: gettext(
        "The city's industry and IT department passed your declaration %(number)s on to the "
        "provincial department.", **p),
    "declaration.province_take_over": lambda p: gettext(
        "The cities' deadline has passed: the provincial department took your declaration "
        "%(number)s over and reviews it itself.", **p),
    "declaration.city_return": lambda p: gettext(
        "The city's industry and IT department returned your declaration %(number)s for "
        "revision. See its comments, revise and submit again.", **p),
    "review.withdrawn": lambda p: gettext(
        "Your review of declaration %(number)s was overdue and has been given to another "
        "expert.", **p),
    "review.due_soon": lambda p: gettext(
        "Your review of declaration %(number)s is due on %(due)s (China Standard Time).", **p),
    "province.review_due_soon": lambda p: gettext(
        "%(count)s declaration(s) of your unit still await your review; your unit submits to "
        "the ministry by %(due)s (China Standard Time).", **p),
    "review.assigned": lambda p: gettext(
        "You have been assigned declaration %(number)s to review. Declare whether you have a "
        "conflict of interest before you open it.", **p),
    "organisation.hand_over_admin": lambda p: gettext(
        "%(name)s handed the administrator role of %(organisation)s to you: you can now add "
        "colleagues, disable their accounts and hand the role on, under Accounts.", **p),
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


# The unread count of the navigation (every signed-in page), built once: for_user_query's
# conditions with the organisation as a parameter (`organisation_id = NULL` matches nothing,
# as for_user_query leaves it out); a count without the subquery. A fifth of the cost.
_UNREAD_COUNT = select(func.count(Notification.id)).where(
    or_(Notification.user_id == bindparam("user_id"),
        Notification.organisation_id == bindparam("organisation_id")),
    Notification.read_at.is_(None))


def unread_count(user: User) -> int:
    return db.session.scalar(_UNREAD_COUNT, {"user_id": user.id,
                                             "organisation_id": user.organisation_id}) or 0


def mark_all_read(*, user: User) -> int:
    """Mark the user's unread notifications read. Side effects: sets read_at. No audit entry
    (reading is not a state change of the domain)."""
    now = clock.now()
    notes = db.session.scalars(for_user_query(user).where(Notification.read_at.is_(None))).all()
    for note in notes:
        note.read_at = now
    db.session.flush()
    return len(notes)


def _due_query(now: datetime, max_attempts: int):
    """Unsent e-mails with attempts left whose next attempt is due, oldest first."""
    return (select(OutboxEmail)
            .where(OutboxEmail.sent_at.is_(None), OutboxEmail.attempts < max_attempts,
                   or_(OutboxEmail.next_attempt_at.is_(None),
                       OutboxEmail.next_attempt_at <= now))
            .order_by(OutboxEmail.id))


def _failed(mail: OutboxEmail, error: str, *, max_attempts: int) -> None:
    """Count a failed attempt; schedule the next one after the backoff, or none when the
    attempts are used up (the mail has then failed for good)."""
    config = current_app.config
    now = clock.now()
    mail.attempts += 1
    mail.last_error = error[:2000]
    if mail.attempts >= max_attempts:
        mail.next_attempt_at = None
    else:
        mail.next_attempt_at = mail_retry.next_attempt_at(
            now, mail.attempts, base=config["MAIL_RETRY_BASE"], cap=config["MAIL_RETRY_CAP"])


def _claim(query) -> list[OutboxEmail]:
    """The mails of `query`, held by this transaction until it ends (see deliver_outbox)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return list(db.session.scalars(query.with_for_update(skip_locked=True)))
    # An UPDATE that changes nothing, only to take SQLite's write lock before the read.
    db.session.execute(update(OutboxEmail).where(false())
                       .values(attempts=OutboxEmail.attempts))
    return list(db.session.scalars(query))


def deliver_outbox(*, limit: int = 100, max_attempts: int | None = None) -> tuple[int, int]:
    """Send the e-mails of the outbox that are due over SMTP (MAIL_SERVER, MAIL_PORT,
    MAIL_FROM), at most `limit`, oldest first.

    Due: not sent, fewer than `max_attempts` (default MAIL_MAX_ATTEMPTS) attempts, and no
    next attempt scheduled or its time has come. A failed attempt schedules the next one
    after an exponential backoff (MAIL_RETRY_BASE doubled per failure, at most
    MAIL_RETRY_CAP), so a server that is down is not hammered.

    Side effects: sets sent_at on each delivered OutboxEmail (and clears next_attempt_at and
    last_error); on failure increments attempts, stores last_error and sets next_attempt_at
    (null once the attempts are used up). No audit entry (delivery is not a state change of
    the domain). Returns (sent, failed). The caller commits.

    Safe to run on every node at once: each run claims the mails it sends until it commits
    (PostgreSQL: FOR UPDATE SKIP LOCKED, so another run takes the next ones and never the
    same; SQLite: the write lock first, so another run waits and then finds them sent).
    """
    config = current_app.config
    if max_attempts is None:
        max_attempts = config["MAIL_MAX_ATTEMPTS"]
    pending = _claim(_due_query(clock.now(), max_attempts).limit(limit))
    if not pending:
        return 0, 0
    sent = failed = 0
    try:
        smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30)
    except OSError as error:
        for mail in pending:
            _failed(mail, f"connect: {error}", max_attempts=max_attempts)
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
            try:
                smtp.send_message(message)
            except (smtplib.SMTPException, OSError) as error:
                # OSError: the connection broke in the middle of the run.
                _failed(mail, str(error) or type(error).__name__, max_attempts=max_attempts)
                failed += 1
            else:
                mail.attempts += 1
                mail.sent_at = clock.now()
                mail.last_error = None
                mail.next_attempt_at = None
                sent += 1
    db.session.flush()
    return sent, failed


@dataclass(frozen=True)
class OutboxStatus:
    """The unsent part of the outbox: how many are due now, how many wait for a retry and
    when the earliest is due, how many failed for good."""

    due: int
    waiting: int
    next_attempt_at: datetime | None
    failed: int


def outbox_status(*, max_attempts: int | None = None) -> OutboxStatus:
    """Counts of the unsent e-mails (read only)."""
    if max_attempts is None:
        max_attempts = current_app.config["MAIL_MAX_ATTEMPTS"]
    now = clock.now()
    unsent = OutboxEmail.sent_at.is_(None)
    retrying = and_(unsent, OutboxEmail.attempts < max_attempts,
                    OutboxEmail.next_attempt_at > now)
    due = db.session.scalar(select(func.count()).select_from(
        _due_query(now, max_attempts).order_by(None).subquery())) or 0
    waiting, earliest = db.session.execute(
        select(func.count(), func.min(OutboxEmail.next_attempt_at)).where(retrying)).one()
    failed = db.session.scalar(select(func.count()).select_from(OutboxEmail).where(
        unsent, OutboxEmail.attempts >= max_attempts)) or 0
    return OutboxStatus(due=due, waiting=waiting or 0, next_attempt_at=earliest, failed=failed)


def unsent_emails(*, limit: int = 100) -> list[OutboxEmail]:
    """The unsent e-mails (due, waiting for a retry, or failed for good), oldest first."""
    return list(db.session.scalars(select(OutboxEmail).where(OutboxEmail.sent_at.is_(None))
                                   .order_by(OutboxEmail.id).limit(limit)))
