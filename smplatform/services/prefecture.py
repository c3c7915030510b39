"""The prefecture tier (市级初审), optional per province and batch, off by default.

When a province turns it on, a declaration of an organisation registered in one of its
prefecture-level cities goes first to that city's industry and IT officer (Role.CITY, scoped
to the city), who passes it on to the province's queue or returns it with comments. An
organisation without a city goes straight to the province. Each tier has its deadline: the
applicants' (services/deadlines), the cities' (here), the province's (the batch's).
"""
from __future__ import annotations

from collections import Counter
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from smplatform import clock
from smplatform.enums import DeclarationState, Role
from smplatform.extensions import db
from smplatform.models import Batch, City, Declaration, PrefectureReview, User
from smplatform.services import DomainError, workflow
from smplatform.services.audit import record, register_labels
from smplatform.services.notifications import notify_organisation

COMMENT_MAX = 4000
S = DeclarationState


def setting(batch: Batch, unit_code: str) -> PrefectureReview | None:
    return db.session.scalar(select(PrefectureReview).where(
        PrefectureReview.batch_id == batch.id, PrefectureReview.unit_code == unit_code))


def goes_to_city(declaration: Declaration) -> bool:
    """Whether a submission of this declaration goes to its city's initial review now: the
    tier is on and the cities' deadline has not passed (after it, the city could not act, so
    submissions and resubmissions go to the province directly)."""
    if not declaration.city_code:
        return False
    row = setting(declaration.batch, declaration.unit_code)
    return row is not None and row.enabled and clock.now() <= row.city_deadline


def set_prefecture_review(*, actor: User, batch: Batch, enabled: bool,
                          city_deadline: datetime | None) -> PrefectureReview:
    """Turn the tier on or off for the officer's unit in a batch, with the cities' deadline.

    Refused without a deadline when turning it on, or with a cities' deadline after the
    province's own (the batch's province deadline). Declarations already with a city stay
    there when the tier is turned off (the cities finish them).
    Side effects: adds or updates the PrefectureReview; audit `prefecture.set`.
    """
    if enabled and city_deadline is None:
        raise DomainError(_("Enter the cities' deadline."), field="city_deadline")
    if city_deadline is not None and city_deadline > batch.province_deadline:
        raise DomainError(_("The cities' deadline must come before your unit's own deadline "
                            "(%(deadline)s).", deadline=clock.china(batch.province_deadline)
                            .strftime("%Y-%m-%d %H:%M:%S")), field="city_deadline")
    row = setting(batch, actor.unit_code)
    if row is None:
        row = PrefectureReview(batch_id=batch.id, unit_code=actor.unit_code)
        db.session.add(row)
    row.enabled = bool(enabled)
    row.city_deadline = city_deadline or row.city_deadline or batch.province_deadline
    row.updated_at, row.updated_by_id = clock.now(), actor.id
    db.session.flush()
    record("prefecture.set", actor=actor, obj=row, unit_code=actor.unit_code,
           detail={"batch": batch.number, "enabled": row.enabled,
                   "city_deadline": row.city_deadline.isoformat()})
    return row


def _check_city(actor: User, declaration: Declaration) -> None:
    if actor.role != Role.CITY or actor.city_code != declaration.city_code or \
            actor.unit_code != declaration.unit_code:
        raise DomainError(_("This declaration is not from your city."), code="not_your_city")
    row = setting(declaration.batch, declaration.unit_code)
    if row is not None and clock.now() > row.city_deadline:
        raise DomainError(_("The cities' deadline (%(deadline)s) has passed: ask the province.",
                            deadline=clock.china(row.city_deadline)
                            .strftime("%Y-%m-%d %H:%M:%S")), code="deadline")


def _lock(declaration: Declaration) -> None:
    """Claim the row: of two officers acting at once, the second finds the state changed."""
    table = Declaration.__table__
    result = db.session.execute(
        table.update().where(table.c.id == declaration.id,
                             table.c.version == declaration.version,
                             table.c.state == declaration.state)
        .values(version=table.c.version + 1))
    if result.rowcount != 1:
        raise DomainError(_("The declaration changed meanwhile. Reload the page."), code="race")
    db.session.refresh(declaration)


def city_pass(*, actor: User, declaration: Declaration, comment: str | None = None) -> None:
    """The city's officer passes the declaration on to the province's queue.

    Side effects: workflow `city_pass` (history, audit); version +1; the applicant notified.
    """
    _check_city(actor, declaration)
    comment = (comment or "").strip() or None
    if comment and len(comment) > COMMENT_MAX:
        raise DomainError(_("At most %(n)d characters.", n=COMMENT_MAX), field="comment")
    workflow.check(declaration, "city_pass", Role.CITY)
    _lock(declaration)
    workflow.apply(declaration, "city_pass", actor=actor, role=Role.CITY, comment=comment)
    db.session.flush()
    notify_organisation(organisation=declaration.organisation, key="declaration.city_pass",
                        params={"number": declaration.electronic_number or ""})


def city_return(*, actor: User, declaration: Declaration, comment: str) -> None:
    """The city's officer returns the declaration for revision, with comments (required);
    the applicant revises and resubmits it to the city.

    Side effects: workflow `city_return` (history with the comment, audit); version +1; the
    applicant notified.
    """
    _check_city(actor, declaration)
    comment = (comment or "").strip()
    if not comment:
        raise DomainError(_("Say what must be revised."), field="comment")
    if len(comment) > COMMENT_MAX:
        raise DomainError(_("At most %(n)d characters.", n=COMMENT_MAX), field="comment")
    workflow.check(declaration, "city_return", Role.CITY)
    _lock(declaration)
    workflow.apply(declaration, "city_return", actor=actor, role=Role.CITY, comment=comment)
    db.session.flush()
    notify_organisation(organisation=declaration.organisation, key="declaration.city_return",
                        params={"number": declaration.electronic_number or ""})


def take_over_overdue(*, actor: User, batch: Batch) -> int:
    """After the cities' deadline, the province takes every declaration of its unit still at
    a city's initial review into its own queue; returns how many.

    Refused before the deadline (the cities may still act) and when none is left at a city.
    Side effects: workflow `province_take_over` for each (history, audit), version +1 each;
    each applicant notified.
    """
    row = setting(batch, actor.unit_code)
    if row is None or clock.now() <= row.city_deadline:
        raise DomainError(_("The cities may act until their deadline; you can take their "
                            "declarations over after it."), code="too_early")
    waiting = db.session.scalars(select(Declaration).where(
        Declaration.batch_id == batch.id, Declaration.unit_code == actor.unit_code,
        Declaration.state == S.CITY_REVIEW).order_by(Declaration.id)).all()
    if not waiting:
        raise DomainError(_("No declaration is waiting at a city."), code="none")
    for declaration in waiting:
        _lock(declaration)
        workflow.apply(declaration, "province_take_over", actor=actor, role=Role.PROVINCE)
        notify_organisation(organisation=declaration.organisation,
                            key="declaration.province_take_over",
                            params={"number": declaration.electronic_number or ""})
    db.session.flush()
    return len(waiting)


def city_queue(user: User, batch: Batch) -> list[Declaration]:
    """The city's declarations of the batch past the draft, awaiting review first."""
    order = {S.CITY_REVIEW.value: 0, S.RETURNED.value: 1}
    rows = db.session.scalars(select(Declaration).where(
        Declaration.batch_id == batch.id, Declaration.unit_code == user.unit_code,
        Declaration.city_code == user.city_code, Declaration.state != S.DRAFT)
        .order_by(Declaration.submitted_at, Declaration.id)).all()
    return sorted(rows, key=lambda d: (order.get(d.state, 2), d.submitted_at or clock.now()))


def progress_by_city(batch: Batch, unit_code: str) -> list[dict]:
    """Per city of the unit: declarations at the city (awaiting its review), returned for
    revision, and passed on (in the province's hands or beyond). One query."""
    counts: dict[str, Counter] = {}
    for city_code, state, n in db.session.execute(
            select(Declaration.city_code, Declaration.state, func.count())
            .where(Declaration.batch_id == batch.id, Declaration.unit_code == unit_code,
                   Declaration.state != S.DRAFT)
            .group_by(Declaration.city_code, Declaration.state)):
        counts.setdefault(city_code or "", Counter())[state] += n
    cities = db.session.scalars(select(City).where(City.unit_code == unit_code)
                                .order_by(City.code)).all()
    rows = []
    for city in cities:
        c = counts.get(city.code, Counter())
        rows.append({"city": city, "at_city": c[S.CITY_REVIEW.value],
                     "returned": c[S.RETURNED.value],
                     "passed": sum(n for s, n in c.items()
                                   if s not in (S.CITY_REVIEW.value, S.RETURNED.value))})
    return rows


register_labels({"prefecture.set": _l("Prefecture-level initial review set")})
