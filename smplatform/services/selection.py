"""The ministry's decision (遴选决定): on-site inspection, shortlist, public notice (公示),
objections and publication of the final list; the national list of declarations.

Every state change goes through services/workflow.apply (the table in rules/workflow.py).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import BinaryIO

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, and_, bindparam, or_, select

from smplatform import clock
from smplatform.enums import (
    Category,
    ChecklistFinding,
    DeclarationState,
    InspectionConclusion,
    ObjectionOutcome,
    Role,
)
from smplatform.extensions import db
from smplatform.models import (
    Batch,
    City,
    Declaration,
    Inspection,
    Objection,
    PublicNotice,
    Recommendation,
    Unit,
    User,
)
from smplatform.rules import public_notice as notice_rules
from smplatform.rules.working_days import Calendar, parse_days
from smplatform.search import contains
from smplatform.services import DomainError, registry, storage, workflow
from smplatform.services.audit import record
from smplatform.services.national import PASSED_STATES
from smplatform.services.notifications import notify_organisation

S = DeclarationState
TEXT_MAX = 4000
# The on-site inspection checklist (现场核查要点); labels are in the ministry's forms.
CHECKLIST = ("identity", "figures", "practices", "capability", "compliance")
INSPECTABLE_STATES = frozenset({S.EXPERT_REVIEW, S.EXPERT_PASSED})
SHORTLIST_STATES = frozenset({S.SHORTLISTED, S.PUBLISHED})


def today() -> date:
    """Today's date in China, the calendar every notice date is in."""
    return clock.china(clock.now()).date()


def _text(value: str | None, field: str, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError(_("This field is required."), field=field)
    if len(value) > TEXT_MAX:
        raise DomainError(_("At most %(n)d characters.", n=TEXT_MAX), field=field)
    return value


# On-site inspection (现场核查).

def inspections_of(declaration: Declaration) -> list[Inspection]:
    return db.session.scalars(select(Inspection).where(
        Inspection.declaration_id == declaration.id).order_by(Inspection.id)).all()


def latest_inspection(declaration: Declaration) -> Inspection | None:
    found = inspections_of(declaration)
    return found[-1] if found else None


def inspection_required(declaration: Declaration) -> bool:
    """Every city that passed expert review is inspected; others when the ministry picks."""
    return declaration.category == Category.CITY


def record_inspection(*, actor: User, declaration: Declaration, planned_on: date | None,
                      team: str, items: Mapping[str, str], notes: str, conclusion: str,
                      documents: Iterable[tuple[BinaryIO, str]] = ()) -> Inspection:
    """Record an on-site inspection with its checklist findings, conclusion and documents.

    Side effects: stores each document (services/storage.save, StoredFile rows); inserts an
    Inspection; audit `inspection.record`. Raises DomainError on a missing date or team, an
    unknown conclusion or finding, a bad document, or a declaration not under or past
    expert review.
    """
    if declaration.state not in INSPECTABLE_STATES:
        raise DomainError(_("An on-site inspection is recorded during or after the expert "
                            "review, before the decision."), code="bad_state")
    if planned_on is None:
        raise DomainError(_("Enter the inspection date."), field="planned_on")
    team = _text(team, "team")
    notes = _text(notes, "notes", required=False)
    if conclusion not in {c.value for c in InspectionConclusion}:
        raise DomainError(_("Choose the conclusion."), field="conclusion")
    findings = {}
    allowed = {f.value for f in ChecklistFinding}
    for key in CHECKLIST:
        value = items.get(key)
        if value not in allowed:
            raise DomainError(_("Give a finding for every checklist item."), field=key)
        findings[key] = value
    file_ids = []
    for stream, name in documents:
        stored = storage.save(stream, name, allowed=storage.DOCUMENT_KINDS, uploaded_by=actor)
        db.session.flush()
        file_ids.append(stored.id)
    inspection = Inspection(declaration=declaration, planned_on=planned_on, team=team,
                            findings={"items": findings, "notes": notes},
                            conclusion=conclusion, document_ids=file_ids,
                            recorded_by_id=actor.id, recorded_at=clock.now())
    db.session.add(inspection)
    db.session.flush()
    record("inspection.record", actor=actor, obj=inspection, unit_code=declaration.unit_code,
           detail={"declaration_id": declaration.id, "planned_on": planned_on.isoformat(),
                   "conclusion": conclusion, "findings": findings, "documents": file_ids})
    return inspection


def _notify(declaration: Declaration, action: str) -> None:
    notify_organisation(organisation=declaration.organisation, key=f"declaration.{action}",
                        params={"number": declaration.electronic_number or ""})


# The decision and the public notice (公示).

def notice_of(batch: Batch) -> PublicNotice | None:
    return db.session.scalar(select(PublicNotice).where(PublicNotice.batch_id == batch.id))


def _no_notice_yet(batch: Batch) -> None:
    if notice_of(batch) is not None:
        raise DomainError(_("The shortlist is under public notice or published: it can no "
                            "longer be changed, except by an upheld objection."),
                          code="notice_started")


def shortlist(*, actor: User, declaration: Declaration) -> None:
    """Put a declaration that passed the expert review on the shortlist.

    Refused for a city without a recorded on-site inspection, for any declaration whose
    latest inspection failed, and once the batch's public notice exists.
    Side effects: workflow `shortlist` (event and audit entry); the applicant is notified.
    """
    _no_notice_yet(declaration.batch)
    inspection = latest_inspection(declaration)
    if inspection is None and inspection_required(declaration):
        raise DomainError(_("A city is shortlisted only after its on-site inspection has been "
                            "recorded."), code="inspection_required")
    if inspection is not None and inspection.conclusion == InspectionConclusion.FAIL:
        raise DomainError(_("The on-site inspection failed: this declaration cannot be "
                            "shortlisted."), code="inspection_failed")
    workflow.apply(declaration, "shortlist", actor=actor, role=Role.MINISTRY,
                   detail={"inspection_id": inspection.id if inspection else None})
    _notify(declaration, "shortlist")


def not_shortlist(*, actor: User, declaration: Declaration, comment: str | None = None) -> None:
    """Decide not to select a declaration that passed the expert review.

    Side effects: workflow `not_shortlist` (event and audit entry); the applicant is notified.
    """
    _no_notice_yet(declaration.batch)
    workflow.apply(declaration, "not_shortlist", actor=actor, role=Role.MINISTRY,
                   comment=(comment or "").strip() or None)
    _notify(declaration, "not_shortlist")


def _count(batch: Batch, state: S) -> int:
    return db.session.scalar(select(db.func.count()).select_from(Declaration).where(
        Declaration.batch_id == batch.id, Declaration.state == state))


def notice_policy() -> notice_rules.NoticePolicy:
    """The notice rules as this deployment sets them: the minimum number of working days,
    and the public holidays and make-up working days it lists (config.py)."""
    config = current_app.config
    return notice_rules.NoticePolicy(
        calendar=Calendar(holidays=parse_days(config.get("PUBLIC_HOLIDAYS")),
                          makeup_days=parse_days(config.get("MAKEUP_WORKING_DAYS"))),
        min_working_days=int(config.get("NOTICE_MIN_WORKING_DAYS")
                             or notice_rules.DEFAULT_MIN_WORKING_DAYS))


@dataclass(frozen=True)
class NoticeGuidance:
    """What the ministry's page says about the notice before anyone tries: the rules, the
    earliest end of a notice starting today, and when the list may be published."""

    today: date
    min_working_days: int
    earliest_end: date  # of a notice starting today
    publishable_from: date | None  # None until a notice exists
    may_publish: bool


def notice_guidance(batch: Batch) -> NoticeGuidance:
    policy, day, notice = notice_policy(), today(), notice_of(batch)
    return NoticeGuidance(
        today=day, min_working_days=policy.min_working_days,
        earliest_end=policy.earliest_end(day),
        publishable_from=notice_rules.publishable_from(notice.ends_on) if notice else None,
        may_publish=notice is not None and notice.published_at is None
        and notice_rules.may_publish(ends_on=notice.ends_on, today=day))


def _check_period(starts_on: date, ends_on: date) -> None:
    policy = notice_policy()
    problems = policy.problems(starts_on=starts_on, ends_on=ends_on, today=today())
    if notice_rules.STARTS_IN_PAST in problems:
        raise DomainError(_("A public notice starts today (%(today)s) or later; it cannot be "
                            "backdated.", today=today().isoformat()), field="starts_on")
    if notice_rules.ENDS_BEFORE_START in problems:
        raise DomainError(_("The notice cannot end before it starts."), field="ends_on")
    if notice_rules.TOO_SHORT in problems:
        raise DomainError(_("A public notice lasts at least %(n)d working days: starting on "
                            "%(start)s, it can end on %(end)s at the earliest.",
                            n=policy.min_working_days, start=starts_on.isoformat(),
                            end=policy.earliest_end(starts_on).isoformat()), field="ends_on")


def start_notice(*, actor: User, batch: Batch, starts_on: date | None,
                 ends_on: date | None) -> PublicNotice:
    """Put the batch's shortlist under public notice from `starts_on` to `ends_on` (inclusive).

    The notice starts today or later (China Standard Time) and lasts at least the configured
    number of working days (notice_policy()).
    Side effects: inserts PublicNotice; audit `notice.start`. Raises DomainError on missing,
    reversed, backdated or too short dates, an empty shortlist, declarations still awaiting
    the decision, or a notice that already exists.
    """
    if starts_on is None:
        raise DomainError(_("Enter the first day of the public notice."), field="starts_on")
    if ends_on is None:
        raise DomainError(_("Enter the last day of the public notice."), field="ends_on")
    _check_period(starts_on, ends_on)
    if notice_of(batch) is not None:
        raise DomainError(_("This batch's shortlist is already under public notice."),
                          code="exists")
    if _count(batch, S.SHORTLISTED) == 0:
        raise DomainError(_("The shortlist is empty."), code="empty")
    waiting = _count(batch, S.EXPERT_PASSED)
    if waiting:
        raise DomainError(_("%(n)d declaration(s) that passed the expert review still await "
                            "the decision (shortlist or not).", n=waiting), code="undecided")
    notice = PublicNotice(batch=batch, starts_on=starts_on, ends_on=ends_on,
                          created_at=clock.now())
    db.session.add(notice)
    db.session.flush()
    record("notice.start", actor=actor, obj=notice, detail={
        "batch": batch.number, "starts_on": starts_on.isoformat(),
        "ends_on": ends_on.isoformat(), "shortlisted": _count(batch, S.SHORTLISTED)})
    return notice


def notice_visible(notice: PublicNotice | None) -> bool:
    """The public sees the shortlist from the notice's first day on."""
    return notice is not None and today() >= notice.starts_on


def objections_of(declaration: Declaration) -> list[Objection]:
    return db.session.scalars(select(Objection).where(
        Objection.declaration_id == declaration.id).order_by(Objection.id)).all()


def record_objection(*, actor: User, declaration: Declaration, received_on: date | None,
                     summary: str, handling: str, outcome: str) -> Objection:
    """Record an objection received during the notice, how it was handled and its outcome.

    Side effects: inserts Objection; audit `objection.record`. Raises DomainError when the
    declaration is not shortlisted, there is no notice, or the date is outside the notice
    or in the future.
    """
    notice = notice_of(declaration.batch)
    if declaration.state != S.SHORTLISTED or notice is None:
        raise DomainError(_("Objections are recorded for shortlisted declarations under "
                            "public notice."), code="bad_state")
    if received_on is None:
        raise DomainError(_("Enter the date the objection was received."), field="received_on")
    if not notice.starts_on <= received_on <= notice.ends_on:
        raise DomainError(_("The objection must have been received during the notice "
                            "(%(start)s to %(end)s).", start=notice.starts_on.isoformat(),
                            end=notice.ends_on.isoformat()), field="received_on")
    if received_on > today():
        raise DomainError(_("The date cannot be in the future."), field="received_on")
    if outcome not in {o.value for o in ObjectionOutcome}:
        raise DomainError(_("Choose the outcome."), field="outcome")
    objection = Objection(declaration=declaration, received_on=received_on,
                          summary=_text(summary, "summary"), handling=_text(handling, "handling"),
                          outcome=outcome, recorded_by_id=actor.id, recorded_at=clock.now())
    db.session.add(objection)
    db.session.flush()
    record("objection.record", actor=actor, obj=objection, unit_code=declaration.unit_code,
           detail={"declaration_id": declaration.id, "received_on": received_on.isoformat(),
                   "outcome": outcome})
    return objection


def remove_after_notice(*, actor: User, declaration: Declaration) -> None:
    """Take a shortlisted declaration off the list because an objection was upheld.

    Side effects: workflow `remove_after_notice` (event and audit entry naming the
    objection); the applicant is notified. Raises DomainError when no upheld objection is recorded.
    """
    upheld = [o for o in objections_of(declaration) if o.outcome == ObjectionOutcome.UPHELD]
    if not upheld:
        raise DomainError(_("Only an upheld objection can take a declaration off the "
                            "shortlist."), code="no_upheld_objection")
    workflow.apply(declaration, "remove_after_notice", actor=actor, role=Role.MINISTRY,
                   detail={"objection_id": upheld[-1].id})
    _notify(declaration, "remove_after_notice")


def publish(*, actor: User, batch: Batch) -> int:
    """Publish the final list once the public notice has ended; returns how many.

    Side effects: every shortlisted declaration → published (workflow `publish`, one event
    and audit entry each) and its applicant notified; sets PublicNotice.published_at; the
    batch's published demonstrations added to (or updated in) the public registry
    (registry.add_published); audit `notice.publish`.
    Raises DomainError before the day after the notice's last day, or when already published.
    """
    notice = notice_of(batch)
    if notice is None:
        raise DomainError(_("Put the shortlist under public notice first."), code="no_notice")
    if notice.published_at is not None:
        raise DomainError(_("This batch's list is already published."), code="published")
    if not notice_rules.may_publish(ends_on=notice.ends_on, today=today()):
        raise DomainError(_("The list can be published only after the public notice ends: "
                            "from %(day)s on.",
                            day=notice_rules.publishable_from(notice.ends_on).isoformat()),
                          code="notice_running")
    shortlisted = db.session.scalars(select(Declaration).where(
        Declaration.batch_id == batch.id, Declaration.state == S.SHORTLISTED)
        .order_by(Declaration.id).with_for_update()).all()
    for declaration in shortlisted:
        workflow.apply(declaration, "publish", actor=actor, role=Role.MINISTRY)
    notice.published_at = clock.now()
    db.session.flush()
    for declaration in shortlisted:
        _notify(declaration, "publish")
    added = registry.add_published(actor=actor, entries=published_entries(batch))
    record("notice.publish", actor=actor, obj=notice,
           detail={"batch": batch.number, "published": len(shortlisted),
                   "registry_created": added.created, "registry_updated": added.updated})
    return len(shortlisted)


# Public lists.

@dataclass(frozen=True)
class PublishedEntry:
    """One published demonstration, as the public registry takes it."""

    batch_number: int
    year: int
    category: str
    klass: str | None  # platform or city class; the service model for an enterprise
    name: str
    credit_code: str
    unit_code: str
    city_code: str | None
    organisation_id: int
    electronic_number: str | None


def published_entries(batch: Batch) -> list[PublishedEntry]:
    """The batch's published demonstrations, for the public registry of all batches. A
    demonstration city is named by its city (佛山市), not by the department that declared."""
    rows = db.session.execute(
        select(Declaration, City.name_zh).outerjoin(City, City.code == Declaration.city_code)
        .where(Declaration.batch_id == batch.id, Declaration.state == S.PUBLISHED)
        .order_by(Declaration.category, Declaration.unit_code, Declaration.org_name)).all()
    return [PublishedEntry(batch.number, batch.year, d.category,
                           d.service_model if d.category == Category.ENTERPRISE else d.klass,
                           city if d.category == Category.CITY and city else d.org_name,
                           d.credit_code, d.unit_code, d.city_code,
                           d.organisation_id, d.electronic_number) for d, city in rows]


def public_list(batch: Batch, states: Iterable[S], *, q: str | None = None,
                category: str | None = None) -> Select:
    """The public columns of a batch's shortlisted or published declarations: name (a city
    by its city's name: `city_zh`/`city_en`), category and class, provincial-level unit."""
    query = (select(Declaration.id, Declaration.org_name, Declaration.category,
                    Declaration.klass, Declaration.unit_code, Unit.name_zh, Unit.name_en,
                    City.name_zh.label("city_zh"), City.name_en.label("city_en"))
             .join(Unit, Unit.code == Declaration.unit_code)
             .outerjoin(City, and_(City.code == Declaration.city_code,
                                   Declaration.category == Category.CITY.value))
             .where(Declaration.batch_id == batch.id,
                    Declaration.state.in_([str(s) for s in states]))
             .order_by(Declaration.category, Declaration.unit_code, Declaration.org_name))
    if q and q.strip():
        text = q.strip()
        query = query.where(or_(contains(Declaration.org_name, text),
                                contains(City.name_zh, text), contains(City.name_en, text),
                                contains(Unit.name_zh, text), contains(Unit.name_en, text)))
    if category in {c.value for c in Category}:
        query = query.where(Declaration.category == category)
    return query


# The national list of declarations (the ministry's view of every unit).

SORTS = {
    "number": (Declaration.electronic_number, Declaration.id),
    "name": (Declaration.org_name, Declaration.id),
    "unit": (Declaration.unit_code, Declaration.id),
    "state": (Declaration.state, Declaration.id),
    "submitted": (Declaration.submitted_at, Declaration.id),
}


# What a list of declarations shows of each (ministry/_declaration_list.html,
# province/_queue_results.html): read for one page of ids, without the ORM's objects.
LIST_COLUMNS = (Declaration.id, Declaration.electronic_number, Declaration.org_name,
                Declaration.credit_code, Declaration.low_service_share, Declaration.unit_code,
                Declaration.category, Declaration.state, Declaration.submitted_at,
                Declaration.stamped_confirmed_at)


# Built once (its cache key too): half the cost of building it for each page.
_PAGE_ROWS = select(*LIST_COLUMNS).where(Declaration.id.in_(bindparam("ids", expanding=True)))


def page_rows(ids: list[int]) -> list:
    """The LIST_COLUMNS of these declarations, in the order of `ids` (one page of a list
    whose ids came from a covering index)."""
    if not ids:
        return []
    rows = {r.id: r for r in db.session.execute(_PAGE_ROWS, {"ids": list(ids)})}
    return [rows[i] for i in ids if i in rows]


def declaration_list(*, q: str | None = None, batch_id: int | None = None,
                     unit_code: str | None = None, category: str | None = None,
                     klass: str | None = None, service_model: str | None = None,
                     state: str | None = None, low_share: bool = False,
                     sort: str = "number", descending: bool = False,
                     stage: str | None = None) -> Select:
    """The filtered, sorted query of declarations (name, credit code or number search).

    `stage` is what the national dashboard counts: "submitted" (not a draft), "passed" (passed
    the provincial review, wherever it went next) or "recommended" (on a unit's list).
    """
    query = select(Declaration)
    if q and q.strip():
        text = q.strip()
        query = query.where(or_(contains(Declaration.org_name, text),
                                Declaration.credit_code == text.upper(),
                                contains(Declaration.electronic_number, text)))
    conditions = []
    if batch_id:
        conditions.append(Declaration.batch_id == batch_id)
    if unit_code:
        conditions.append(Declaration.unit_code == unit_code)
    if category:
        conditions.append(Declaration.category == category)
    if klass:
        conditions.append(Declaration.klass == klass)
    if service_model:
        conditions.append(Declaration.service_model == service_model)
    if state:
        conditions.append(Declaration.state == state)
    if low_share:
        conditions.append(Declaration.low_service_share.is_(True))
    if stage == "submitted":
        conditions.append(Declaration.state != S.DRAFT.value)
    elif stage == "passed":
        conditions.append(Declaration.state.in_([s.value for s in PASSED_STATES]))
    elif stage == "recommended":
        conditions.append(Declaration.id.in_(select(Recommendation.declaration_id)))
    if conditions:
        query = query.where(and_(*conditions))
    columns = SORTS.get(sort, SORTS["number"])
    return query.order_by(*[c.desc() if descending else c for c in columns])
