"""Objections (异议) from the public during a public notice (公示), and their handling.

Anyone may object to a shortlisted declaration while its batch's notice runs: the objector
gives a name, a phone number (an e-mail address if they want the acknowledgement by mail),
optionally an organisation, and the grounds. The objection reaches the ministry's decisions
page, where it is handled like one the ministry recorded itself (services/selection.py
record_objection): its handling and outcome are recorded, and an upheld objection lets the
ministry take the declaration off the shortlist.
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from smplatform import clock
from smplatform.enums import DeclarationState, ObjectionOutcome, ObjectionSource
from smplatform.extensions import db
from smplatform.models import Batch, Declaration, Objection, OutboxEmail, PublicNotice, User
from smplatform.rules import public_notice as notice_rules
from smplatform.services import DomainError
from smplatform.services.audit import client_ip, record, register_labels

GROUNDS_MIN, GROUNDS_MAX = 20, 4000
NAME_MAX, ORGANISATION_MAX = 100, 200
PHONE_RE = re.compile(r"^[0-9+()\- ]{5,30}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _today() -> date:
    return clock.china(clock.now()).date()


def running_notice(batch: Batch) -> PublicNotice | None:
    """The batch's notice if it runs today (objections are taken), else None."""
    notice = db.session.scalar(select(PublicNotice).where(PublicNotice.batch_id == batch.id))
    if notice is None or notice.published_at is not None or not notice_rules.running(
            starts_on=notice.starts_on, ends_on=notice.ends_on, today=_today()):
        return None
    return notice


def shortlisted(batch: Batch) -> list[Declaration]:
    """The declarations one may object to: the batch's shortlist, by category and unit."""
    return list(db.session.scalars(select(Declaration).where(
        Declaration.batch_id == batch.id, Declaration.state == DeclarationState.SHORTLISTED)
        .order_by(Declaration.category, Declaration.unit_code, Declaration.org_name)))


@dataclass(frozen=True)
class Receipt:
    """What the objector is told: the reference to quote and when it was received."""

    reference: str
    received_on: date
    declaration_name: str


def _text(value: str | None, field: str, *, limit: int, required: bool = True,
          minimum: int = 0) -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError(_("This field is required."), field=field)
    if len(value) > limit:
        raise DomainError(_("At most %(n)d characters.", n=limit), field=field)
    if value and len(value) < minimum:
        raise DomainError(_("Give the grounds in at least %(n)d characters: what is wrong, and "
                            "how you know it.", n=minimum), field=field)
    return value


def check(*, name: str, organisation: str | None, phone: str, email: str | None,
          grounds: str) -> dict[str, str]:
    """Every problem of the objector's entries at once: {field: message}."""
    problems: dict[str, str] = {}
    for field, call in (
            ("name", lambda: _text(name, "name", limit=NAME_MAX)),
            ("organisation", lambda: _text(organisation, "organisation",
                                           limit=ORGANISATION_MAX, required=False)),
            ("phone", lambda: _phone(phone)),
            ("email", lambda: _email(email)),
            ("grounds", lambda: _text(grounds, "grounds", limit=GROUNDS_MAX,
                                      minimum=GROUNDS_MIN))):
        try:
            call()
        except DomainError as error:
            problems[field] = str(error.message)
    return problems


def _phone(value: str | None) -> str:
    value = _text(value, "phone", limit=30)
    if not PHONE_RE.match(value):
        raise DomainError(_("Enter a phone number of digits, spaces, +, - or brackets."),
                          field="phone")
    return value


def _email(value: str | None) -> str | None:
    value = _text(value, "email", limit=254, required=False)
    if value and not EMAIL_RE.match(value):
        raise DomainError(_("Enter a valid e-mail address."), field="email")
    return value or None


def receive(*, batch: Batch, declaration: Declaration | None, name: str,
            organisation: str | None, phone: str, email: str | None,
            grounds: str) -> Receipt:
    """Take an objection from the public while the batch's notice runs.

    Side effects: inserts an Objection (source public, unhandled, with a random reference);
    queues an acknowledgement e-mail when an address is given; audit `objection.receive`
    (with the reference, not the objector's contact). Raises DomainError outside the notice,
    for a declaration not on the shortlist, or on the first bad entry (check() lists all).
    """
    notice = running_notice(batch)
    if notice is None:
        raise DomainError(_("Objections are taken only while the shortlist is under public "
                            "notice."), code="no_notice")
    if declaration is None or declaration.batch_id != batch.id \
            or declaration.state != DeclarationState.SHORTLISTED:
        raise DomainError(_("Choose a declaration on the shortlist."), field="declaration_id")
    problems = check(name=name, organisation=organisation, phone=phone, email=email,
                     grounds=grounds)
    if problems:
        field, message = next(iter(problems.items()))
        raise DomainError(message, field=field)
    now = clock.now()
    objection = Objection(
        declaration=declaration, received_on=_today(), received_at=now,
        summary=grounds.strip(), source=ObjectionSource.PUBLIC,
        reference=f"{batch.number}-{secrets.token_hex(4).upper()}",
        objector_name=name.strip(), objector_organisation=(organisation or "").strip() or None,
        objector_phone=phone.strip(), objector_email=(email or "").strip() or None,
        ip=client_ip())
    db.session.add(objection)
    db.session.flush()
    record("objection.receive", obj=objection, actor_name="public",
           unit_code=declaration.unit_code,
           detail={"declaration_id": declaration.id, "reference": objection.reference})
    if objection.objector_email:
        _acknowledge(objection)
    return Receipt(reference=objection.reference, received_on=objection.received_on,
                   declaration_name=public_name(declaration))


def public_name(declaration: Declaration) -> str:
    """The name the public lists show: a city by its city's name (in the request's
    language)."""
    from smplatform.models import City
    if declaration.category == "city" and declaration.city_code:
        city = db.session.get(City, declaration.city_code)
        if city is not None:
            return city.name
    return declaration.org_name


def _acknowledge(objection: Objection) -> None:
    params = {"reference": objection.reference, "name": public_name(objection.declaration),
              "day": objection.received_on.isoformat()}
    bodies = []
    for locale in ("zh_CN", "en"):
        with force_locale(locale):
            bodies.append(_("Your objection to %(name)s was received on %(day)s with the "
                            "reference %(reference)s. The Department of Industrial Policy and "
                            "Regulations of the Ministry of Industry and Information "
                            "Technology will look into it; it may contact you by phone.",
                            **params))
    with force_locale("zh_CN"):
        subject = _("Public notice: your objection was received (%(reference)s)",
                    reference=objection.reference)
    db.session.add(OutboxEmail(to=objection.objector_email, subject=subject,
                               body="\n\n".join(bodies) + "\n", created_at=clock.now()))


def awaiting_handling(batch: Batch | None = None) -> list[Objection]:
    """Objections from the public not handled yet (of one batch, or of all)."""
    query = select(Objection).where(Objection.outcome.is_(None)).order_by(Objection.id)
    if batch is not None:
        query = query.join(Declaration).where(Declaration.batch_id == batch.id)
    return list(db.session.scalars(query))


def handle(*, actor: User, objection: Objection, handling: str, outcome: str) -> None:
    """The ministry records how it handled an objection from the public and the outcome.

    Side effects: sets handling, outcome, recorded_by, recorded_at; audit `objection.handle`.
    Raises DomainError when it is already handled, or on an empty handling or unknown outcome.
    """
    if objection.handled:
        raise DomainError(_("This objection has already been handled."), code="handled")
    handling = _text(handling, "handling", limit=GROUNDS_MAX)
    if outcome not in {o.value for o in ObjectionOutcome}:
        raise DomainError(_("Choose the outcome."), field="outcome")
    objection.handling = handling
    objection.outcome = outcome
    objection.recorded_by_id = actor.id
    objection.recorded_at = clock.now()
    db.session.flush()
    record("objection.handle", actor=actor, obj=objection,
           unit_code=objection.declaration.unit_code,
           detail={"declaration_id": objection.declaration_id, "reference": objection.reference,
                   "outcome": outcome})


register_labels({"objection.receive": _l("Objection received from the public"),
                 "objection.handle": _l("Objection handled")})
