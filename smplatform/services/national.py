"""The national dashboard (全国工作台): the 37 provincial units as a board, and totals by
category, class and service model. Read-only.

Every figure is computed with a fixed number of GROUP BY queries (six, however many units and
declarations there are), never one query per unit. The counts may be kept for a short while
(NATIONAL_BOARD_MAX_AGE_SECONDS; the page says as of when).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import case, func, select

from smplatform import clock, shared
from smplatform.enums import Category, DeclarationState, SubmissionState
from smplatform.extensions import db
from smplatform.models import (
    Batch,
    Declaration,
    LiaisonContact,
    Recommendation,
    Unit,
    UnitSubmission,
)

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
    figures_at: datetime | None = None

    @property
    def units_with_contacts(self) -> int:
        return sum(1 for row in self.units if row.contacts)

    @property
    def units_submitted(self) -> int:
        return sum(1 for row in self.units if row.submission == SubmissionState.SUBMITTED)

    @property
    def units_sent_back(self) -> int:
        return sum(1 for row in self.units if row.submission == SubmissionState.SENT_BACK)


def _counted():
    """Columns counting submitted and passed declarations of a grouped SELECT."""
    submitted = func.count(case((Declaration.state != S.DRAFT.value, 1)))
    passed = func.count(case((Declaration.state.in_([s.value for s in PASSED_STATES]), 1)))
    return submitted, passed


@dataclass(frozen=True)
class Figures:
    """The board's counts as plain values (no ORM objects), so that they can be kept between
    requests. `at`: when they were counted."""

    at: datetime
    contacts: dict
    submissions: dict
    per_unit: dict
    recommended: dict
    grouped: tuple


class KeptFigures:
    """Where the board's counts are kept between requests: here, this process's memory.

    The only interface `figures()` uses: `get`, `put` and `clear`. A store shared by every
    process (e.g. Redis) is another class with the same three methods, put in `kept` below.
    """

    def __init__(self) -> None:
        self._figures: dict[int, Figures] = {}
        self._lock = threading.Lock()

    def get(self, batch_id: int) -> Figures | None:
        return self._figures.get(batch_id)

    def put(self, batch_id: int, figures: Figures) -> None:
        with self._lock:
            self._figures[batch_id] = figures

    def clear(self) -> None:
        with self._lock:
            self._figures.clear()


kept = KeptFigures()


def figures(batch_id: int, *, max_age_seconds: int = 0) -> Figures:
    """The board's counts: five GROUP BY queries, whose cost grows with the number of
    declarations. With max_age_seconds > 0 the counts of the last `max_age_seconds` are reused
    (`kept`), so that a busy dashboard does not recount 20,000 rows on every view (~12 ms at
    20,000 declarations, bench/RESULTS.md)."""
    now = clock.now()
    if max_age_seconds > 0:
        cached = kept.get(batch_id)
        if cached is not None and (now - cached.at).total_seconds() < max_age_seconds:
            return cached
    contacts = dict(db.session.execute(
        select(LiaisonContact.unit_code, func.count()).where(LiaisonContact.batch_id == batch_id)
        .group_by(LiaisonContact.unit_code)).all())
    submissions = dict(db.session.execute(
        select(UnitSubmission.unit_code, UnitSubmission.state)
        .where(UnitSubmission.batch_id == batch_id)).all())
    submitted, passed = _counted()
    per_unit = {code: (s, p) for code, s, p in db.session.execute(
        select(Declaration.unit_code, submitted, passed).where(Declaration.batch_id == batch_id)
        .group_by(Declaration.unit_code)).all()}
    recommended = dict(db.session.execute(
        select(Recommendation.unit_code, func.count()).where(Recommendation.batch_id == batch_id)
        .group_by(Recommendation.unit_code)).all())
    has_rec = func.count(Recommendation.id)
    grouped = tuple(tuple(row) for row in db.session.execute(
        select(Declaration.category, Declaration.klass, Declaration.service_model, submitted,
               passed, has_rec)
        .outerjoin(Recommendation, Recommendation.declaration_id == Declaration.id)
        .where(Declaration.batch_id == batch_id)
        .group_by(Declaration.category, Declaration.klass, Declaration.service_model)).all())
    result = Figures(at=now, contacts=contacts, submissions=submissions, per_unit=per_unit,
                     recommended=recommended, grouped=grouped)
    if max_age_seconds > 0:
        kept.put(batch_id, result)
    return result


def board(batch: Batch, *, max_age_seconds: int = 0, counted: Figures | None = None) -> Board:
    """The batch's board: one row per unit (ordered by code), and the totals; `figures_at`
    says when the counts were made (see figures(); `counted`: figures already at hand)."""
    units = db.session.scalars(select(Unit).order_by(Unit.code)).all()
    f = counted or figures(batch.id, max_age_seconds=max_age_seconds)
    contacts, submissions, per_unit, recommended = (f.contacts, f.submissions, f.per_unit,
                                                    f.recommended)
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
    for category, klass, model, s, p, r in f.grouped:
        counts = Counts(s, p, r)
        total.add(counts)
        by_category.setdefault(category, Counts()).add(counts)
        if category == Category.ENTERPRISE.value:
            if model:
                by_model.setdefault(model, Counts()).add(counts)
        elif klass:
            by_class.setdefault((category, klass), Counts()).add(counts)
    return Board(batch=batch, units=rows, total=total, by_category=by_category,
                 by_class=dict(sorted(by_class.items())), by_service_model=by_model,
                 figures_at=f.at)


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


# ------------------------------------------------------------------ kept for every node (Redis)

class SharedFigures(KeptFigures):
    """The counts kept for every node in Redis when REDIS_URL is set (smplatform/shared.py):
    whichever node a view lands on shows the same counting and says the same "as of", until
    NATIONAL_BOARD_MAX_AGE_SECONDS pass. Without REDIS_URL (one machine): in this process,
    as KeptFigures."""

    @staticmethod
    def _key(batch_id: int) -> str:
        return f"national:figures:{batch_id}"

    def get(self, batch_id: int) -> Figures | None:
        if shared.redis_client() is None:
            return super().get(batch_id)
        value = shared.get_json(self._key(batch_id))
        return None if value is None else _figures_from_json(value)

    def put(self, batch_id: int, figures: Figures) -> None:
        if shared.redis_client() is None:
            super().put(batch_id, figures)
            return
        shared.put_json(self._key(batch_id), _figures_to_json(figures),
                        seconds=current_app.config["NATIONAL_BOARD_MAX_AGE_SECONDS"])

    def clear(self) -> None:
        super().clear()
        shared.delete_prefix("national:figures:")


def _figures_to_json(f: Figures) -> dict:
    return {"at": f.at.isoformat(), "contacts": f.contacts, "submissions": f.submissions,
            "per_unit": f.per_unit, "recommended": f.recommended, "grouped": f.grouped}


def _figures_from_json(value: dict) -> Figures:
    return Figures(at=datetime.fromisoformat(value["at"]), contacts=value["contacts"],
                   submissions=value["submissions"],
                   per_unit={code: tuple(counts) for code, counts in value["per_unit"].items()},
                   recommended=value["recommended"],
                   grouped=tuple(tuple(row) for row in value["grouped"]))


kept = SharedFigures()
_FIGURES = kept._figures  # this process's copy (tests/ministry/national clear it)
