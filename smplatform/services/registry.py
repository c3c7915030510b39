"""The demonstration registry of batches 1–4: import (all rows or none, idempotent), linking
organisations to their entries, the set of demonstration cities, and listing/export."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from smplatform import clock
from smplatform.enums import OrgType
from smplatform.extensions import db
from smplatform.models import City, Organisation, RegistryEntry, Unit, User
from smplatform.rules import credit_code as credit
from smplatform.search import contains
from smplatform.rules.evaluation import (
    BATCH_YEARS,
    HEADER_WORDS,
    Conclusion,
    REQUIRED_COLUMNS,
    DemoCategory,
    EntryStatus,
    RegistryRow,
    RowProblem,
    check_rows,
)
from smplatform.services import DomainError
from smplatform.services.audit import record

DEMO_FILE = Path(__file__).resolve().parent.parent / "data" / "demo_registry.csv"
MAX_ROWS = 20000


@dataclass
class ImportReport:
    """What an import did, or why it did nothing: problems are (line, column, RowProblem)."""

    problems: list[tuple[int, str, RowProblem]] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


# ---------------------------------------------------------------- reading files


def read_table(content: bytes, filename: str) -> list[tuple[int, dict]]:
    """The rows of a CSV or XLSX file as (line number, {column: text}); headers in either
    language. Raises DomainError when the file cannot be read or a required column is missing.
    """
    if content[:4] == b"PK\x03\x04" or filename.lower().endswith(".xlsx"):
        table = _read_xlsx(content)
    else:
        table = _read_csv(content)
    if not table:
        raise DomainError(_("The file is empty."), code="empty")
    header = [HEADER_WORDS.get(str(h or "").strip().lower(), HEADER_WORDS.get(
        str(h or "").strip())) for h in table[0]]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise DomainError(_("Required columns are missing: %(cols)s. The first row must name "
                            "the columns.", cols=", ".join(missing)), code="columns")
    rows = []
    for number, values in enumerate(table[1:], start=2):
        if not any(str(v or "").strip() for v in values):
            continue
        rows.append((number, {key: _text(value) for key, value in zip(header, values, strict=False)
                              if key is not None}))
    if len(rows) > MAX_ROWS:
        raise DomainError(_("The file has more than %(n)d rows.", n=MAX_ROWS), code="size")
    return rows


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_csv(content: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise DomainError(RowProblem.UNREADABLE.label, code="unreadable")
    return [row for row in csv.reader(io.StringIO(text))]


def _read_xlsx(content: bytes) -> list[list]:
    from openpyxl import load_workbook
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    except Exception as error:  # noqa: BLE001  (a damaged workbook breaks openpyxl many ways)
        raise DomainError(RowProblem.UNREADABLE.label, code="unreadable") from error


# ---------------------------------------------------------------- importing


def _reference() -> tuple[dict[str, str], set[str]]:
    cities = dict(db.session.execute(select(City.code, City.unit_code)).all())
    units = set(db.session.scalars(select(Unit.code)))
    return cities, units


def _existing_key(entry: RegistryEntry) -> tuple:
    if entry.category == DemoCategory.CITY and entry.city_code:
        return (entry.batch_number, entry.category, "city", entry.city_code)
    if entry.credit_code:
        return (entry.batch_number, entry.category, "code", entry.credit_code)
    return (entry.batch_number, entry.category, "name", entry.name)


def import_rows(*, actor: User | None, rows: list[tuple[int, dict]],
                source: str = "") -> ImportReport:
    """Check every row; when all are valid, insert new entries and update changed ones.

    Idempotent: a row matching an existing entry by (batch, category, credit code), (batch,
    category, city code) for cities, or the name when there is no code, updates it in place.
    Side effects (only when every row is valid): inserts/updates RegistryEntry; creates
    evaluation tasks for new entries in an open campaign; links registered organisations;
    audit entry `registry.import`.
    """
    cities, units = _reference()
    good, problems = check_rows(rows, cities=cities, units=units)
    report = ImportReport(problems=problems, rows=len(rows))
    if problems:
        return report
    existing = {_existing_key(e): e for e in db.session.scalars(select(RegistryEntry))}
    now = clock.now()
    new_entries = []
    for row in good:
        entry = existing.get(row.match_key())
        if entry is None:
            entry = RegistryEntry(created_at=now, updated_at=now, status=EntryStatus.ACTIVE)
            _apply(entry, row)
            db.session.add(entry)
            new_entries.append(entry)
            report.created += 1
        elif _apply(entry, row):
            entry.updated_at = now
            report.updated += 1
        else:
            report.unchanged += 1
    db.session.flush()
    for entry in new_entries:
        _link_entry(entry)
    if new_entries:
        from smplatform.services.evaluations import create_missing_tasks
        create_missing_tasks()
    if report.created or report.updated:
        record("registry.import", actor=actor, actor_name=None if actor else "cli",
               object_type="registry_entry",
               detail={"source": source[:200], "rows": report.rows, "created": report.created,
                       "updated": report.updated, "unchanged": report.unchanged})
    return report


def add_published(*, actor: User | None, entries) -> ImportReport:
    """Add a selection batch's published demonstrations to the registry, or update them.

    `entries` are services/selection.PublishedEntry. Idempotent: an entry is found again by
    (batch, category, credit code), or (batch, category, city code) for a city. The entry is
    linked to the declaring organisation. A city code not in the reference table is dropped.
    Side effects: inserts/updates RegistryEntry rows; audit `registry.publish` when something
    changed. No evaluation task is created (a new demonstration is evaluated in later
    campaigns).
    """
    now = clock.now()
    report = ImportReport()
    cities = set(db.session.scalars(select(City.code)))
    existing = {}
    numbers = {e.batch_number for e in entries}
    if numbers:
        for entry in db.session.scalars(select(RegistryEntry).where(
                RegistryEntry.batch_number.in_(numbers))):
            existing[_existing_key(entry)] = entry
    for item in entries:
        report.rows += 1
        values = {"batch_number": item.batch_number, "year": item.year,
                  "category": str(item.category), "name": item.name,
                  "credit_code": item.credit_code or None, "unit_code": item.unit_code,
                  "city_code": item.city_code if item.city_code in cities else None,
                  "klass": item.klass, "organisation_id": item.organisation_id}
        probe = RegistryEntry(**values)
        entry = existing.get(_existing_key(probe))
        if entry is None:
            entry = RegistryEntry(created_at=now, updated_at=now, status=EntryStatus.ACTIVE,
                                  **values)
            db.session.add(entry)
            existing[_existing_key(probe)] = entry
            report.created += 1
            continue
        changed = False
        for key, value in values.items():
            if getattr(entry, key) != value:
                setattr(entry, key, value)
                changed = True
        if changed:
            entry.updated_at = now
            report.updated += 1
        else:
            report.unchanged += 1
    db.session.flush()
    if report.created or report.updated:
        record("registry.publish", actor=actor, object_type="registry_entry",
               detail={"batches": sorted(numbers), "created": report.created,
                       "updated": report.updated, "unchanged": report.unchanged})
    return report


def _apply(entry: RegistryEntry, row: RegistryRow) -> bool:
    """Copy a row's values onto an entry; True when something changed."""
    values = {"batch_number": row.batch, "year": row.year, "category": str(row.category),
              "name": row.name, "credit_code": row.credit_code, "unit_code": row.unit_code,
              "city_code": row.city_code, "klass": row.klass}
    changed = False
    for key, value in values.items():
        if getattr(entry, key) != value:
            setattr(entry, key, value)
            changed = True
    return changed


def import_file(*, actor: User | None, content: bytes, filename: str) -> ImportReport:
    """Read a CSV or XLSX file and import it (see import_rows). Raises DomainError when the
    file itself cannot be read."""
    return import_rows(actor=actor, rows=read_table(content, filename), source=filename)


def load_demo_registry() -> ImportReport:
    """Import the shipped demo registry (idempotent). Called at the end of demo.seed()."""
    report = import_file(actor=None, content=DEMO_FILE.read_bytes(), filename=DEMO_FILE.name)
    if not report.ok:
        raise RuntimeError(f"demo registry has problems: {report.problems[:5]}")
    return report


# ---------------------------------------------------------------- linking


def _candidates_for(org: Organisation):
    query = select(RegistryEntry).where(RegistryEntry.organisation_id.is_(None))
    if org.org_type == OrgType.CITY_DEPARTMENT:
        if not org.city_code:
            return []
        return db.session.scalars(query.where(RegistryEntry.category == DemoCategory.CITY,
                                              RegistryEntry.city_code == org.city_code,
                                              RegistryEntry.unit_code == org.unit_code)).all()
    return db.session.scalars(query.where(RegistryEntry.category != DemoCategory.CITY,
                                          RegistryEntry.credit_code == org.credit_code)).all()


def link_organisation(org: Organisation) -> list[RegistryEntry]:
    """Link an organisation to the registry entries that are its own and still unlinked.

    Enterprises and platform operators match by credit code (any category but city); a city
    department matches its city's city entries. Existing links are never changed here (the
    province corrects them). Side effects: sets RegistryEntry.organisation_id; audit entry
    `registry.link` per linked entry.
    """
    if org is None:
        return []
    linked = _candidates_for(org)
    for entry in linked:
        entry.organisation_id = org.id
        record("registry.link", obj=entry, unit_code=entry.unit_code,
               actor_name="system", detail={"organisation_id": org.id, "automatic": True})
    if linked:
        db.session.flush()
    return linked


def link_on_sign_in(user) -> None:
    """The sign-in hook: link the user's organisation, never failing the sign-in."""
    try:
        if user is not None and user.organisation is not None:
            with db.session.begin_nested():
                link_organisation(user.organisation)
    except Exception:  # noqa: BLE001  (linking is a convenience; sign-in must go on)
        import logging
        logging.getLogger(__name__).exception("registry link failed")


def _link_entry(entry: RegistryEntry) -> None:
    """A new entry: link it to an already registered organisation if one matches."""
    if entry.category == DemoCategory.CITY:
        org = db.session.scalar(select(Organisation).where(
            Organisation.org_type == OrgType.CITY_DEPARTMENT,
            Organisation.city_code == entry.city_code,
            Organisation.unit_code == entry.unit_code).order_by(Organisation.id))
    elif entry.credit_code:
        org = db.session.scalar(select(Organisation).where(
            Organisation.credit_code == entry.credit_code))
    else:
        org = None
    if org is not None:
        entry.organisation_id = org.id


def set_link(*, actor: User, entry: RegistryEntry, credit_code: str) -> Organisation | None:
    """The province links an entry of its unit to an organisation (by credit code), or
    removes the link when the code is empty.

    Side effects: sets RegistryEntry.organisation_id; audit entry `registry.link`.
    Raises DomainError when no organisation of the entry's unit has the code.
    """
    code = credit.normalise(credit_code)
    org = None
    if code:
        org = db.session.scalar(select(Organisation).where(Organisation.credit_code == code))
        if org is None or org.unit_code != entry.unit_code:
            raise DomainError(_("No registered organisation of this unit has this unified "
                                "social credit code."), field="credit_code")
    previous = entry.organisation_id
    entry.organisation_id = org.id if org else None
    record("registry.link", actor=actor, obj=entry, unit_code=entry.unit_code,
           detail={"from": previous, "to": entry.organisation_id})
    return org


# ---------------------------------------------------------------- reading the registry


def demonstration_city_codes() -> set[str]:
    """City codes of every demonstration city whose title is not revoked.

    A district-level demonstration (上海浦东新区 in batch 3) is recorded under its city's code
    but does not make the whole city a demonstration city: only entries named as the city
    itself count (with or without the trailing 市).
    """
    rows = db.session.execute(select(RegistryEntry.city_code, RegistryEntry.name, City.name_zh)
                              .join(City, City.code == RegistryEntry.city_code).where(
        RegistryEntry.category == DemoCategory.CITY,
        RegistryEntry.status != EntryStatus.REVOKED,
        RegistryEntry.city_code.is_not(None))).all()
    return {code for code, name, city_name in rows
            if name.strip().removesuffix("市") == city_name.removesuffix("市")}


def batch_years() -> dict[int, int]:
    """Batch number → year of every batch in the registry: 1–4, and the selection batches
    whose published demonstrations were added (add_published)."""
    years = dict(BATCH_YEARS)
    years.update(db.session.execute(select(RegistryEntry.batch_number, RegistryEntry.year)
                                    .distinct()).all())
    return dict(sorted(years.items()))


def batch_sizes() -> dict[int, int]:
    """Batch number → how many demonstrations the registry lists of it (revoked included)."""
    return dict(db.session.execute(select(RegistryEntry.batch_number, func.count())
                                   .group_by(RegistryEntry.batch_number)).all())


def entries_for(organisation_id: int) -> list[RegistryEntry]:
    return list(db.session.scalars(select(RegistryEntry).where(
        RegistryEntry.organisation_id == organisation_id).order_by(RegistryEntry.batch_number)))


def search_query(*, batch: int | None = None, category: str | None = None,
                 unit_code: str | None = None, q: str | None = None):
    """The public registry's query with its filters, ordered by batch, category, unit, name."""
    query = select(RegistryEntry).order_by(RegistryEntry.batch_number, RegistryEntry.category,
                                           RegistryEntry.unit_code, RegistryEntry.name,
                                           RegistryEntry.id)
    if batch:
        query = query.where(RegistryEntry.batch_number == batch)
    if category:
        query = query.where(RegistryEntry.category == category)
    if unit_code:
        query = query.where(RegistryEntry.unit_code == unit_code)
    if q:
        query = query.where(or_(contains(RegistryEntry.name, q.strip()),
                                RegistryEntry.credit_code == credit.normalise(q)))
    return query


EXPORT_COLUMNS = ("batch", "year", "category", "name", "credit_code", "unit_code", "city_code",
                  "class", "status", "evaluation", "evaluated_on")


@dataclass(frozen=True)
class LatestConclusion:
    """A demonstration's latest evaluation conclusion and the day (China) it was given."""

    conclusion: str
    on: date

    @property
    def label(self) -> str:
        return Conclusion.label_of(self.conclusion)


def latest_conclusions(entry_ids) -> dict[int, LatestConclusion]:
    """{entry id: its latest conclusion} for these entries (one query; entries never
    concluded are left out)."""
    from smplatform.models import EvaluationTask
    ids = list(entry_ids)
    if not ids:
        return {}
    latest: dict[int, LatestConclusion] = {}
    for entry_id, conclusion, at in db.session.execute(
            select(EvaluationTask.entry_id, EvaluationTask.conclusion,
                   EvaluationTask.concluded_at)
            .where(EvaluationTask.entry_id.in_(ids), EvaluationTask.conclusion.is_not(None))
            .order_by(EvaluationTask.concluded_at)):
        latest[entry_id] = LatestConclusion(conclusion, clock.china(at).date())
    return latest


def export_rows(entries) -> list[list]:
    """Rows for CSV/XLSX export; the same columns the import reads (plus the status and the
    latest evaluation conclusion with its date)."""
    entries = list(entries)
    latest = latest_conclusions(e.id for e in entries)
    rows = []
    for e in entries:
        found = latest.get(e.id)
        rows.append([e.batch_number, e.year, e.category, e.name, e.credit_code or "",
                     e.unit_code, e.city_code or "", e.klass or "", e.status,
                     found.conclusion if found else "",
                     found.on.isoformat() if found else ""])
    return rows
