"""The national dashboard (全国工作台): the 37 provincial units as a board, and totals by
category, class and service model. Read-only.

Every figure is computed with a fixed number of GROUP BY queries (six, however many units and
declarations there are), never one query per unit.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import case, func, select

from smplatform.enums import Category, DeclarationState
from smplatform.extensions import db
from smplatform.models import Batch, Declaration, LiaisonContact, Recommendation, Unit
from smplatform.models import UnitSubmission

S = DeclarationState
# Declarations that passed the provincial review, wherever they went next.
PASSED_STATES = frozenset({S.PASSED, S.FORWARDED, S.NOT_RECOMMENDED, S.EXPERT_REVIEW,
                           S.EXPERT_PASSED, S.EXPERT_FAILED, S.SHORTLISTED, S.NOT_SELECTED,
                           S.PUBLISHED})
# The national list's `stage` filter: each board column links to the list behind it.
STAGES = ("submitted", "passed", "recommended")


@dataclass
class Counts:
    """How many declarations were submitted by applicants, passed the provincial review and
    are on the units' recommendation lists."""

    submitted: int = 0
    passed: int = 0
    recommended: int = 0

    def add(self, other: Counts) -> None:
        self.submitted += other.submitted
        self.passed += other.passed
        self.recommended += other.recommended


@dataclass
class UnitRow:
    unit: Unit
    contacts: int = 0
    counts: Counts = field(default_factory=Counts)
    submission: str | None = None  # None (never opened), open, submitted, sent_back


@dataclass
class Board:
    batch: Batch
    units: list[UnitRow]
    total: Counts
    by_category: dict[str, Counts]
    # (category, class) → counts, for platforms and cities; service model → counts, enterprises.
    by_class: dict[tuple[str, str], Counts]
    by_service_model: dict[str, Counts]

    @property
    def units_with_contacts(self) -> int:
        return sum(1 for row in self.units if row.contacts)

    @property
    def units_submitted(self) -> int:
        return sum(1 for row in self.units if row.submission == "submitted")

    @property
    def units_sent_back(self) -> int:
        return sum(1 for row in self.units if row.submission == "sent_back")


def _counted():
    """Columns counting submitted and passed declarations of a grouped SELECT."""
    submitted = func.count(case((Declaration.state != S.DRAFT.value, 1)))
    passed = func.count(case((Declaration.state.in_([s.value for s in PASSED_STATES]), 1)))
    return submitted, passed


def board(batch: Batch) -> Board:
    """The batch's board: one row per unit (ordered by code), and the totals."""
    units = db.session.scalars(select(Unit).order_by(Unit.code)).all()
    contacts = dict(db.session.execute(
        select(LiaisonContact.unit_code, func.count()).where(LiaisonContact.batch_id == batch.id)
        .group_by(LiaisonContact.unit_code)).all())
    submissions = dict(db.session.execute(
        select(UnitSubmission.unit_code, UnitSubmission.state)
        .where(UnitSubmission.batch_id == batch.id)).all())
    submitted, passed = _counted()
    per_unit = {code: (s, p) for code, s, p in db.session.execute(
        select(Declaration.unit_code, submitted, passed).where(Declaration.batch_id == batch.id)
        .group_by(Declaration.unit_code)).all()}
    recommended = dict(db.session.execute(
        select(Recommendation.unit_code, func.count()).where(Recommendation.batch_id == batch.id)
        .group_by(Recommendation.unit_code)).all())
    rows = []
    for unit in units:
        s, p = per_unit.get(unit.code, (0, 0))
        rows.append(UnitRow(unit=unit, contacts=contacts.get(unit.code, 0),
                            counts=Counts(s, p, recommended.get(unit.code, 0)),
                            submission=submissions.get(unit.code)))
    by_category = {c.value: Counts() for c in Category}
    by_class: dict[tuple[str, str], Counts] = {}
    by_model: dict[str, Counts] = {}
    total = Counts()
    has_rec = func.count(Recommendation.id)
    grouped = db.session.execute(
        select(Declaration.category, Declaration.klass, Declaration.service_model, submitted,
               passed, has_rec)
        .outerjoin(Recommendation, Recommendation.declaration_id == Declaration.id)
        .where(Declaration.batch_id == batch.id)
        .group_by(Declaration.category, Declaration.klass, Declaration.service_model)).all()
    for category, klass, model, s, p, r in grouped:
        counts = Counts(s, p, r)
        total.add(counts)
        by_category.setdefault(category, Counts()).add(counts)
        if category == Category.ENTERPRISE.value:
            if model:
                by_model.setdefault(model, Counts()).add(counts)
        elif klass:
            by_class.setdefault((category, klass), Counts()).add(counts)
    return Board(batch=batch, units=rows, total=total, by_category=by_category,
                 by_class=dict(sorted(by_class.items())), by_service_model=by_model)


def chart_data(board: Board, *, unit_label, category_label, stage_labels: dict,
               list_url) -> dict:
    """The charts' data (embedded as a JSON data block): series by unit and by category, each
    bar with the link to the national list behind it. Labels come already translated."""
    def series(items, url_args):
        return [{"name": stage_labels[stage],
                 "data": [{"value": getattr(counts, stage), "url": list_url(stage=stage, **args)}
                          for counts, args in zip(items, url_args, strict=True)]}
                for stage in STAGES]

    unit_rows = board.units
    categories = list(board.by_category)
    return {
        "units": {"labels": [unit_label(r.unit) for r in unit_rows],
                  "series": series([r.counts for r in unit_rows],
                                   [{"unit": r.unit.code} for r in unit_rows])},
        "categories": {"labels": [category_label(c) for c in categories],
                       "series": series([board.by_category[c] for c in categories],
                                        [{"category": c} for c in categories])},
    }
