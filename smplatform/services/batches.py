"""Batches (批次): creating and editing them, opening and closing, and their quota tables.

Every change of a date, a quota or the status is audited with its old and new values.
"""
from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from smplatform import clock
from smplatform.enums import BatchStatus
from smplatform.extensions import db
from smplatform.models import Batch, BatchQuota, Unit, User
from smplatform.rules import batch_dates
from smplatform.rules import quotas as quota_rules
from smplatform.services import DomainError
from smplatform.services.audit import record

DATE_FIELDS = ("opens_at", "contact_deadline", "province_deadline", "evaluation_deadline")
EDITABLE_FIELDS = ("number", "year", "name", *DATE_FIELDS, "reporting_date")
MAX_QUOTA = 999


def _audit_value(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def _check_dates(values: dict) -> None:
    for problem in batch_dates.date_order_problems(
            **{name: values[name] for name in DATE_FIELDS}):
        field, message = {
            batch_dates.CONTACT_NOT_AFTER_OPENING: (
                "contact_deadline",
                _("The liaison contacts deadline must be after the batch opens.")),
            batch_dates.PROVINCE_BEFORE_CONTACT: (
                "province_deadline",
                _("The provinces' submission deadline cannot be before the liaison contacts "
                  "deadline.")),
            batch_dates.EVALUATION_NOT_AFTER_OPENING: (
                "evaluation_deadline",
                _("The evaluation materials deadline must be after the batch opens.")),
        }[problem]
        raise DomainError(message, field=field, code=problem)


def _check_values(values: dict, batch: Batch | None) -> None:
    for name in DATE_FIELDS:
        if values[name].tzinfo is None:
            raise ValueError(f"{name} must be an aware datetime")
    if values["number"] < 1:
        raise DomainError(_("The batch number must be 1 or more."), field="number")
    if not 2000 <= values["year"] <= 2100:
        raise DomainError(_("Enter a year between 2000 and 2100."), field="year")
    query = select(Batch.id).where(Batch.number == values["number"])
    if batch is not None:
        query = query.where(Batch.id != batch.id)
    if db.session.scalar(query) is not None:
        raise DomainError(_("A batch with this number already exists."), field="number")
    _check_dates(values)


def _values(number, year, name, opens_at, contact_deadline, province_deadline,
            evaluation_deadline, reporting_date) -> dict:
    name = (name or "").strip() or None
    if reporting_date is None:
        reporting_date = clock.china(province_deadline).date()
    return {"number": number, "year": year, "name": name, "opens_at": opens_at,
            "contact_deadline": contact_deadline, "province_deadline": province_deadline,
            "evaluation_deadline": evaluation_deadline, "reporting_date": reporting_date}


def ensure_default_quotas(*, batch: Batch) -> int:
    """Give a batch the default quota table of the notice where it has no row yet.

    Side effects: inserts BatchQuota rows (no audit entry: part of creating the batch).
    Returns the number of rows added.
    """
    have = {(q.unit_group, q.line) for q in batch.quotas}
    added = 0
    for group, lines in quota_rules.DEFAULT_QUOTAS.items():
        for line, limit in lines.items():
            if (group, line) not in have:
                batch.quotas.append(BatchQuota(unit_group=group, line=line, limit=limit))
                added += 1
    db.session.flush()
    return added


def create_batch(*, actor: User, number: int, year: int, name: str | None, opens_at: datetime,
                 contact_deadline: datetime, province_deadline: datetime,
                 evaluation_deadline: datetime, reporting_date: date | None = None) -> Batch:
    """Create a batch, not yet open, with the default quota table.

    The reporting date defaults to the province deadline's date (China Standard Time).
    Side effects: inserts Batch and its BatchQuota rows; audit entry `batch.create`.
    Raises DomainError on a taken number, a bad year or dates out of order.
    """
    values = _values(number, year, name, opens_at, contact_deadline, province_deadline,
                     evaluation_deadline, reporting_date)
    _check_values(values, None)
    batch = Batch(status=BatchStatus.DRAFT, **values)
    db.session.add(batch)
    db.session.flush()
    ensure_default_quotas(batch=batch)
    record("batch.create", actor=actor, obj=batch,
           detail={k: _audit_value(v) for k, v in values.items()} | {"status": batch.status})
    return batch


def update_batch(*, actor: User, batch: Batch, number: int, year: int, name: str | None,
                 opens_at: datetime, contact_deadline: datetime, province_deadline: datetime,
                 evaluation_deadline: datetime, reporting_date: date | None = None) -> dict:
    """Change a batch's number, year, name and dates; returns the changes made.

    Side effects: updates Batch; audit entry `batch.update` listing every changed field with
    its old and new value (none when nothing changed).
    Raises DomainError on a taken number, a bad year or dates out of order.
    """
    values = _values(number, year, name, opens_at, contact_deadline, province_deadline,
                     evaluation_deadline, reporting_date)
    _check_values(values, batch)
    changes = {}
    for key, new in values.items():
        old = getattr(batch, key)
        if old != new:
            changes[key] = {"old": _audit_value(old), "new": _audit_value(new)}
            setattr(batch, key, new)
    if changes:
        db.session.flush()
        record("batch.update", actor=actor, obj=batch, detail={"changes": changes})
    return changes


def open_batch(*, actor: User, batch: Batch) -> None:
    """Open a batch (from not yet open, or reopen a closed one). Only one may be open.

    Side effects: sets Batch.status; audit entry `batch.open` with old and new status.
    Raises DomainError when it is already open or another batch is open.
    """
    if batch.status == BatchStatus.OPEN:
        raise DomainError(_("This batch is already open."), code="already_open")
    other = db.session.scalar(select(Batch).where(Batch.status == BatchStatus.OPEN,
                                                  Batch.id != batch.id))
    if other is not None:
        raise DomainError(_("Batch %(n)d is open. Close it before opening another batch: "
                            "only one batch can be open at a time.", n=other.number),
                          code="another_open")
    old = batch.status
    batch.status = BatchStatus.OPEN
    try:
        db.session.flush()  # the unique index has the last word when two open at once
    except IntegrityError:
        # The session must now be rolled back, as routes do on every DomainError.
        raise DomainError(_("Another batch was opened at the same moment. Only one batch can "
                            "be open at a time."), code="another_open") from None
    record("batch.open", actor=actor, obj=batch,
           detail={"status": {"old": old, "new": batch.status}})


def close_batch(*, actor: User, batch: Batch) -> None:
    """Close an open batch.

    Side effects: sets Batch.status; audit entry `batch.close` with old and new status.
    Raises DomainError when the batch is not open.
    """
    if batch.status != BatchStatus.OPEN:
        raise DomainError(_("Only an open batch can be closed."), code="not_open")
    old = batch.status
    batch.status = BatchStatus.CLOSED
    db.session.flush()
    record("batch.close", actor=actor, obj=batch,
           detail={"status": {"old": old, "new": batch.status}})


def quota_table(batch: Batch) -> dict[str, dict[str, int]]:
    """The batch's limits by unit group and line, in the display order of the rules."""
    rows = {(q.unit_group, q.line): q.limit for q in batch.quotas}
    return {group: {line: rows.get((group, line), default)
                    for line, default in lines.items()}
            for group, lines in quota_rules.DEFAULT_QUOTAS.items()}


def quota_limits(batch: Batch, unit: Unit) -> dict[str, int]:
    """The limit per quota line for this provincial-level unit in this batch."""
    return quota_table(batch)[quota_rules.unit_group_for(unit.kind)]


def set_quotas(*, actor: User, batch: Batch, limits: dict[tuple[str, str], int]) -> dict:
    """Change limits of the batch's quota table; `limits` maps (unit group, line) to a limit.

    Side effects: updates or inserts BatchQuota rows; audit entry `batch.quota` listing each
    changed line with old and new limit (none when nothing changed). Returns the changes.
    Raises DomainError on a negative or too large limit, ValueError on an unknown line.
    """
    for (group, line), limit in limits.items():
        if group not in quota_rules.DEFAULT_QUOTAS or line not in quota_rules.DEFAULT_QUOTAS[group]:
            raise ValueError(f"unknown quota line {group}.{line}")
        if limit is None or limit < 0:
            raise DomainError(_("A quota cannot be negative."), field=f"{group}-{line}",
                              code="negative")
        if limit > MAX_QUOTA:
            raise DomainError(_("A quota cannot exceed %(n)d.", n=MAX_QUOTA),
                              field=f"{group}-{line}", code="too_large")
    rows = {(q.unit_group, q.line): q for q in batch.quotas}
    current = quota_table(batch)
    changes = {}
    for (group, line), limit in limits.items():
        old = current[group][line]
        row = rows.get((group, line))
        if row is None:
            batch.quotas.append(BatchQuota(unit_group=group, line=line, limit=limit))
        elif row.limit == limit:
            continue
        else:
            row.limit = limit
        if old != limit or row is None:
            changes[f"{group}.{line}"] = {"old": old, "new": limit}
    if changes:
        db.session.flush()
        record("batch.quota", actor=actor, obj=batch, detail={"changes": changes})
    return changes
