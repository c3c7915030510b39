"""The unit's recommendation list within quota, the Annex 2 scan and the submission to MIIT.

Every change of a unit's list first locks the unit's UnitSubmission row (`lock_unit`), so
two officers of one unit act one after the other and a quota can never be exceeded.
Who may change a list (an officer of its unit) is the routes' permission step
(permissions.can_review_declaration, can_manage_recommendations).
"""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from smplatform import clock
from smplatform.enums import DeclarationState, Role, SubmissionState
from smplatform.extensions import db
from smplatform.language import lang
from smplatform.models import Batch, Declaration, Recommendation, Unit, UnitSubmission, User
from smplatform.rules import recommendation as rules
from smplatform.services import DomainError
from smplatform.services.audit import record
from smplatform.services.notifications import notify_organisation, notify_unit
from smplatform.services.storage import SCAN_KINDS, save
from smplatform.services.workflow import apply


def recommendation_limits(batch: Batch, unit: Unit) -> dict[str, int]:
    """The quota per line for this unit in this batch: the ministry's table where it exists,
    else the notice's defaults."""
    try:
        from smplatform.services.batches import quota_limits  # the ministry's quota table
    except ImportError:
        return rules.default_limits(unit.kind)
    try:
        limits = quota_limits(batch, unit)
    except TypeError:
        limits = quota_limits(batch=batch, unit=unit)
    return dict(limits) if limits else rules.default_limits(unit.kind)


def line_label(line: str, language: str) -> str:
    """The quota line's label in `language` ("zh" or "en")."""
    zh, en = rules.LINE_LABELS[line]
    return en if language == "en" else zh


def line_of(declaration: Declaration, unit: Unit) -> str:
    return rules.line_of(declaration.category, declaration.klass, unit.kind)


def get_submission(batch_id: int, unit_code: str) -> UnitSubmission | None:
    return db.session.scalar(select(UnitSubmission).where(
        UnitSubmission.batch_id == batch_id, UnitSubmission.unit_code == unit_code))


def lock_unit(batch_id: int, unit_code: str) -> UnitSubmission:
    """Create the unit's submission row if missing, then lock it for this transaction.

    PostgreSQL: SELECT ... FOR UPDATE. SQLite: an UPDATE of the row, which takes the database
    write lock before anything is counted (BEGIN IMMEDIATE semantics).
    Side effects: may insert the UnitSubmission row; bumps its lock_version.
    """
    where = (UnitSubmission.batch_id == batch_id, UnitSubmission.unit_code == unit_code)
    query = select(UnitSubmission).where(*where).execution_options(populate_existing=True)
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert
        db.session.execute(pg_insert(UnitSubmission.__table__).values(
            batch_id=batch_id, unit_code=unit_code, state=SubmissionState.OPEN, lock_version=0)
            .on_conflict_do_nothing(index_elements=["batch_id", "unit_code"]))
        return db.session.scalars(query.with_for_update()).one()
    # SQLite: this UPDATE is the transaction's first write and waits for the write lock.
    result = db.session.execute(update(UnitSubmission).where(*where)
                                .values(lock_version=UnitSubmission.lock_version + 1)
                                .execution_options(synchronize_session=False))
    if result.rowcount == 0:  # we hold the write lock: nobody else can create it now
        db.session.add(UnitSubmission(batch_id=batch_id, unit_code=unit_code,
                                      state=SubmissionState.OPEN, lock_version=1))
        db.session.flush()
    return db.session.scalars(query).one()


def used_by_line(batch_id: int, unit_code: str) -> dict[str, int]:
    rows = db.session.execute(
        select(Recommendation.line, func.count()).where(
            Recommendation.batch_id == batch_id, Recommendation.unit_code == unit_code)
        .group_by(Recommendation.line)).all()
    return {line: count for line, count in rows}


def meters(batch: Batch, unit: Unit) -> list[dict]:
    """One meter per quota line: used, allowed, free."""
    limits = recommendation_limits(batch, unit)
    used = used_by_line(batch.id, unit.code)
    return [{"line": line, "used": used.get(line, 0), "allowed": limits.get(line, 0),
             "free": rules.free_slots(line, used, limits)}
            for line in rules.lines_for(unit.kind)]


def recommendations(batch_id: int, unit_code: str, *,
                    with_content: bool = False) -> list[Recommendation]:
    """The unit's list in line order, then rank; declarations loaded in the same query (and
    with_content: their form's values in one more query, for Annex 2)."""
    from sqlalchemy.orm import joinedload
    order = {line: i for i, line in enumerate(rules.ALL_LINES)}
    load = joinedload(Recommendation.declaration)
    if with_content:
        load = load.selectinload(Declaration.content)
    items = db.session.scalars(
        select(Recommendation).options(load)
        .where(Recommendation.batch_id == batch_id, Recommendation.unit_code == unit_code)
        .order_by(Recommendation.rank)).all()
    return sorted(items, key=lambda r: (order.get(r.line, 99), r.rank))


def _check_open(batch: Batch, submission: UnitSubmission) -> None:
    if submission.state == SubmissionState.SUBMITTED:
        raise DomainError(_("The list has been submitted to the ministry and is locked."),
                          code="locked")
    if clock.now() > batch.province_deadline and submission.state != SubmissionState.SENT_BACK:
        raise DomainError(_("The national deadline for provincial submissions has passed."),
                          code="deadline")


def add(*, actor: User, declaration: Declaration) -> Recommendation:
    """Put a passed declaration at the end of its quota line, if the line has a free slot.

    Side effects: locks the unit; inserts a Recommendation; audit `recommendation.add`.
    Raises DomainError when the declaration is not passed, already listed, the list is
    locked or past the deadline, or the line's quota is used up.
    """
    batch, unit = declaration.batch, declaration.unit
    submission = lock_unit(batch.id, unit.code)
    _check_open(batch, submission)
    db.session.refresh(declaration)
    if declaration.state != DeclarationState.PASSED:
        raise DomainError(_("Only declarations that passed the review can be recommended."),
                          code="not_passed")
    existing = db.session.scalar(select(Recommendation.id).where(
        Recommendation.declaration_id == declaration.id))
    if existing is not None:
        raise DomainError(_("This declaration is already on the list."), code="duplicate")
    line = line_of(declaration, unit)
    limits = recommendation_limits(batch, unit)
    used = used_by_line(batch.id, unit.code)
    if not rules.can_add(line, used, limits):
        raise DomainError(_("The quota for %(line)s is used up (%(used)d of %(allowed)d). "
                            "Remove a declaration from this line first.",
                            line=line_label(line, lang()), used=used.get(line, 0),
                            allowed=limits.get(line, 0)), code="over_quota")
    ranks = list(db.session.scalars(select(Recommendation.rank).where(
        Recommendation.batch_id == batch.id, Recommendation.unit_code == unit.code,
        Recommendation.line == line)))
    item = Recommendation(batch_id=batch.id, unit_code=unit.code, declaration_id=declaration.id,
                          line=line, rank=rules.next_rank(ranks), created_at=clock.now(),
                          created_by_id=actor.id)
    db.session.add(item)
    db.session.flush()
    record("recommendation.add", actor=actor, obj=declaration, unit_code=unit.code,
           detail={"line": line, "rank": item.rank})
    return item


def _line_items(item: Recommendation) -> list[Recommendation]:
    return list(db.session.scalars(select(Recommendation).where(
        Recommendation.batch_id == item.batch_id, Recommendation.unit_code == item.unit_code,
        Recommendation.line == item.line).order_by(Recommendation.rank)))


def move(*, actor: User, item: Recommendation, direction: str) -> None:
    """Move a recommendation one place up or down within its line.

    Side effects: locks the unit; renumbers the line's ranks; audit `recommendation.move`.
    """
    if direction not in ("up", "down"):
        raise DomainError(_("Unknown direction."), code="bad_direction")
    _check_open(item.declaration.batch, lock_unit(item.batch_id, item.unit_code))
    order = rules.move(_line_items(item), item, direction)
    _renumber(order)
    record("recommendation.move", actor=actor, obj=item.declaration, unit_code=item.unit_code,
           detail={"line": item.line, "direction": direction, "rank": item.rank})


def _renumber(order: list[Recommendation]) -> None:
    # Two steps, so that no intermediate state repeats a rank.
    for index, rec in enumerate(order):
        rec.rank = 1000 + index
    db.session.flush()
    for rec, rank in rules.renumber(order).items():
        rec.rank = rank
    db.session.flush()


def remove(*, actor: User, item: Recommendation) -> None:
    """Take a declaration off the list; the line's ranks close up.

    Side effects: locks the unit; deletes the Recommendation; audit `recommendation.remove`.
    """
    _check_open(item.declaration.batch, lock_unit(item.batch_id, item.unit_code))
    declaration = item.declaration
    rest = [r for r in _line_items(item) if r.id != item.id]
    db.session.delete(item)
    db.session.flush()
    _renumber(rest)
    record("recommendation.remove", actor=actor, obj=declaration, unit_code=declaration.unit_code,
           detail={"line": item.line})


def upload_summary(*, actor: User, batch: Batch, unit_code: str, stream, filename: str):
    """Store the stamped Annex 2 summary scan for the unit.

    Side effects: locks the unit; saves the file (storage.save, scan kinds only); sets
    UnitSubmission.summary_file_id; audit `unit_submission.summary_upload`.
    """
    submission = lock_unit(batch.id, unit_code)
    _check_open(batch, submission)
    stored = save(stream, filename, allowed=SCAN_KINDS, uploaded_by=actor)
    db.session.flush()
    submission.summary_file_id = stored.id
    db.session.flush()
    record("unit_submission.summary_upload", actor=actor, obj=submission, unit_code=unit_code,
           detail={"file_id": stored.id, "sha256": stored.sha256})
    return stored


def submit(*, actor: User, batch: Batch, unit_code: str) -> UnitSubmission:
    """Submit the unit's list to the ministry.

    Requires: before the national deadline (or sent back), the stamped summary uploaded,
    a liaison contact of the unit, at least one recommendation, and a confirmed stamped
    copy of every recommended
    declaration. Side effects: locks the unit; `forward` for every recommended declaration and
    `not_recommend` for every other passed one (workflow.apply: events and audit); notifies
    their applicants; UnitSubmission becomes submitted; audit `unit_submission.submit`.
    """
    submission = lock_unit(batch.id, unit_code)
    if submission.state == SubmissionState.SUBMITTED:
        raise DomainError(_("The list has already been submitted to the ministry."),
                          code="already_submitted")
    _check_open(batch, submission)
    if submission.summary_file_id is None:
        raise DomainError(_("Upload the stamped summary (Annex 2) before submitting."),
                          code="no_summary")
    from smplatform.services.liaison import contacts_of
    if not contacts_of(batch.id, unit_code):
        raise DomainError(_("Give the ministry at least one liaison contact before submitting "
                            "your list: the ministry asks them about it (Contacts and "
                            "deadline)."), code="no_contact")
    items = recommendations(batch.id, unit_code)
    if not items:
        raise DomainError(_("The recommendation list is empty."), code="empty")
    missing = [r.declaration.electronic_number or str(r.declaration_id) for r in items
               if r.declaration.stamped_confirmed_at is None]
    if missing:
        raise DomainError(_("Confirm the stamped copy of every recommended declaration first. "
                            "Missing: %(numbers)s.", numbers=", ".join(missing)),
                          code="no_stamped_copy")
    listed = {r.declaration_id for r in items}
    for rec in items:
        _move_on(rec.declaration, "forward", actor)
    others = db.session.scalars(select(Declaration).where(
        Declaration.batch_id == batch.id, Declaration.unit_code == unit_code,
        Declaration.state == DeclarationState.PASSED)).all()
    for declaration in others:
        if declaration.id not in listed:
            _move_on(declaration, "not_recommend", actor)
    submission.state = SubmissionState.SUBMITTED
    submission.submitted_at = clock.now()
    submission.submitted_by_id = actor.id
    submission.sent_back_reason = None
    db.session.flush()
    record("unit_submission.submit", actor=actor, obj=submission, unit_code=unit_code,
           detail={"recommended": sorted(listed)})
    return submission


def _move_on(declaration: Declaration, action: str, actor: User, role: Role | None = None,
             comment: str | None = None) -> None:
    apply(declaration, action, actor=actor, role=role, comment=comment)
    notify_organisation(organisation=declaration.organisation, key=f"declaration.{action}",
                        params={"number": declaration.electronic_number or ""},
                        link=None)


def send_back(*, actor: User, batch: Batch, unit_code: str, reason: str) -> UnitSubmission:
    """The ministry returns a unit's submission: the list is unlocked again.

    Side effects: locks the unit; `send_back` for its forwarded and not-recommended
    declarations (events, audit, notifications); UnitSubmission becomes sent_back with the
    reason; audit `unit_submission.send_back`; the unit's officers are notified.
    """
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for sending the submission back."),
                          field="reason", code="no_reason")
    submission = lock_unit(batch.id, unit_code)
    if submission.state != SubmissionState.SUBMITTED:
        raise DomainError(_("This unit has no submission with the ministry."),
                          code="not_submitted")
    declarations = db.session.scalars(select(Declaration).where(
        Declaration.batch_id == batch.id, Declaration.unit_code == unit_code,
        Declaration.state.in_([DeclarationState.FORWARDED,
                               DeclarationState.NOT_RECOMMENDED]))).all()
    for declaration in declarations:
        _move_on(declaration, "send_back", actor, role=Role.MINISTRY, comment=reason)
    submission.state = SubmissionState.SENT_BACK
    submission.sent_back_reason = reason
    db.session.flush()
    record("unit_submission.send_back", actor=actor, obj=submission, unit_code=unit_code,
           detail={"reason": reason})
    notify_unit(unit_code=unit_code, key="unit_submission.send_back",
                params={"batch": batch.number, "reason": reason})
    return submission
