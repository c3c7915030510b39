"""The public figures (数据统计): the demonstrations of every batch in the registry (batches
1–4 imported, later batches added on publication) by provincial-level unit, category, class,
service model, batch and year. Read-only.

One GROUP BY query over the registry gives every figure; the counts may be kept for a short
while (PUBLIC_FIGURES_MAX_AGE_SECONDS; the page says as of when). Titles that were revoked
are not counted (their number is given beside the figures).
"""
from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from smplatform import clock
from smplatform.enums import CityClass, PlatformClass, ServiceModel
from smplatform.extensions import db
from smplatform.models import RegistryEntry
from smplatform.rules.evaluation import DemoCategory, EntryStatus

CATEGORIES = tuple(c.value for c in DemoCategory)
CLASSES = tuple([("platform", k.value) for k in PlatformClass]
                + [("city", k.value) for k in CityClass])
MODELS = tuple(m.value for m in ServiceModel)


@dataclass(frozen=True)
class Figures:
    """Counts of current demonstrations (title not revoked). `at`: when they were counted;
    `registry_at`: the registry's last change."""

    at: datetime
    registry_at: datetime | None
    years: dict            # batch number → year
    by_unit: dict          # unit code → {category: n}
    by_batch: dict         # batch number → {category: n}
    by_class: dict         # (category, class) → {batch number: n}
    by_model: dict         # service model → {batch number: n} (enterprises)
    revoked: int

    @property
    def total(self) -> int:
        return sum(sum(c.values()) for c in self.by_batch.values())

    def unit_total(self, code: str) -> int:
        return sum(self.by_unit.get(code, {}).values())

    def by_year(self) -> dict:
        """Year → {category: n} (two batches of one year add up)."""
        out: dict = {}
        for number, counts in self.by_batch.items():
            row = out.setdefault(self.years[number], dict.fromkeys(CATEGORIES, 0))
            for category, n in counts.items():
                row[category] = row.get(category, 0) + n
        return dict(sorted(out.items()))


_KEPT: dict = {}
_LOCK = threading.Lock()


def figures(*, max_age_seconds: int = 0) -> Figures:
    now = clock.now()
    if max_age_seconds > 0:
        kept = _KEPT.get("figures")
        if kept is not None and (now - kept.at).total_seconds() < max_age_seconds:
            return kept
    rows = db.session.execute(
        select(RegistryEntry.batch_number, RegistryEntry.year, RegistryEntry.category,
               RegistryEntry.unit_code, RegistryEntry.klass, func.count())
        .where(RegistryEntry.status != EntryStatus.REVOKED)
        .group_by(RegistryEntry.batch_number, RegistryEntry.year, RegistryEntry.category,
                  RegistryEntry.unit_code, RegistryEntry.klass)).all()
    revoked = db.session.scalar(select(func.count()).select_from(RegistryEntry).where(
        RegistryEntry.status == EntryStatus.REVOKED)) or 0
    registry_at = db.session.scalar(select(func.max(RegistryEntry.updated_at)))
    years: dict = {}
    by_unit: dict = defaultdict(lambda: dict.fromkeys(CATEGORIES, 0))
    by_batch: dict = {}
    by_class: dict = {key: {} for key in CLASSES}
    by_model: dict = {key: {} for key in MODELS}
    for batch, year, category, unit, klass, n in rows:
        years.setdefault(batch, year)
        by_unit[unit][category] = by_unit[unit].get(category, 0) + n
        counts = by_batch.setdefault(batch, dict.fromkeys(CATEGORIES, 0))
        counts[category] = counts.get(category, 0) + n
        if category in ("platform", "city") and klass:
            cell = by_class.setdefault((category, klass), {})
            cell[batch] = cell.get(batch, 0) + n
        elif category == "enterprise" and klass:
            cell = by_model.setdefault(klass, {})
            cell[batch] = cell.get(batch, 0) + n
    result = Figures(at=now, registry_at=registry_at, years=dict(sorted(years.items())),
                     by_unit=dict(by_unit), by_batch=dict(sorted(by_batch.items())),
                     by_class=by_class, by_model=by_model, revoked=revoked)
    if max_age_seconds > 0:
        with _LOCK:
            _KEPT["figures"] = result
    return result


def unit_counts() -> dict[str, int]:
    """Current demonstrations per unit (all batches): the map's `demonstrations` figure."""
    return dict(db.session.execute(
        select(RegistryEntry.unit_code, func.count())
        .where(RegistryEntry.status != EntryStatus.REVOKED)
        .group_by(RegistryEntry.unit_code)).all())
