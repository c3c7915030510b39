"""Corrections without loss, the ministry's side: correcting one row of the registry of
batches 1–4. The corrected values pass the same checks as an imported row
(rules/evaluation.check_row); the old and new values are kept (RegistryCorrection) and
audited."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from smplatform import clock
from smplatform.extensions import db
from smplatform.models import RegistryCorrection, RegistryEntry, User
from smplatform.rules.evaluation import check_row
from smplatform.services import DomainError
from smplatform.services.audit import record, register_labels
from smplatform.services.registry import _apply, _link_entry, _reference

REASON_MAX = 2000
# The row's columns as the import names them, and the entry's attributes.
FIELDS = (("batch", "batch_number"), ("year", "year"), ("category", "category"),
          ("name", "name"), ("credit_code", "credit_code"), ("unit_code", "unit_code"),
          ("city_code", "city_code"), ("class", "klass"))


def corrections_of(entry: RegistryEntry) -> list[RegistryCorrection]:
    return db.session.scalars(select(RegistryCorrection).where(
        RegistryCorrection.entry_id == entry.id).order_by(RegistryCorrection.id.desc())).all()


def correct_entry(*, actor: User, entry: RegistryEntry, values: dict,
                  reason: str) -> RegistryCorrection | None:
    """Correct one registry row with a reason; returns the correction, or None when nothing
    changed.

    Refused (DomainError naming the field) when a value fails the import's checks, the
    corrected row would duplicate another entry, or no reason is given.
    Side effects: updates the RegistryEntry (and its link to a registered organisation when
    the credit code changed); inserts a RegistryCorrection with {field: [old, new]}; audit
    `registry.correct` with the same.
    """
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for the correction."), field="reason")
    if len(reason) > REASON_MAX:
        raise DomainError(_("At most %(n)d characters.", n=REASON_MAX), field="reason")
    cities, units = _reference()
    row, problems = check_row(0, values, cities=cities, units=units)
    if problems:
        _line, column, problem = problems[0]
        raise DomainError(str(problem.label), field=column)
    clash = db.session.scalar(select(RegistryEntry.id).where(RegistryEntry.id != entry.id)
                              .where(*_key_filter(row.match_key())).limit(1))
    if clash is not None:
        raise DomainError(_("Another registry row already records this demonstration."),
                          field="name", code="duplicate")
    before = {attr: getattr(entry, attr) for _col, attr in FIELDS}
    if not _apply(entry, row):
        return None
    changes = {attr: [before[attr], getattr(entry, attr)] for _col, attr in FIELDS
               if before[attr] != getattr(entry, attr)}
    entry.updated_at = clock.now()
    if "credit_code" in changes:
        entry.organisation_id = None
        _link_entry(entry)
    correction = RegistryCorrection(entry_id=entry.id, at=clock.now(), actor_id=actor.id,
                                    reason=reason, changes=changes)
    db.session.add(correction)
    db.session.flush()
    record("registry.correct", actor=actor, obj=entry, unit_code=entry.unit_code,
           detail={"changes": changes, "reason": reason, "correction_id": correction.id})
    return correction


def _key_filter(key: tuple) -> tuple:
    batch, category, kind, value = key
    column = {"city": RegistryEntry.city_code, "code": RegistryEntry.credit_code,
              "name": RegistryEntry.name}[kind]
    return (RegistryEntry.batch_number == batch, RegistryEntry.category == category,
            column == value)


def form_values(entry: RegistryEntry) -> dict:
    """The entry's values as the correction form (and the import) names them."""
    return {column: "" if getattr(entry, attr) is None else str(getattr(entry, attr))
            for column, attr in FIELDS}


register_labels({"registry.correct": _l("Registry row corrected")})
