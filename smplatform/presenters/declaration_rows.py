"""A page of a declarations list (the province's queue, the ministry's national list) as its
table shows it: each row's link, labels and time of submission worked out here, in Python,
once per row. In the template each of these was a Jinja call (url_for, a label lookup, the
`cst` filter) with Jinja's own overhead on top, for every row: the rows took a third of the
queue's Python calls (bench/RESULTS.md, section 12, has what this saves).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from flask import url_for

from smplatform import clock
from smplatform.enums import Category, DeclarationState


@dataclass(frozen=True, slots=True)
class Row:
    id: int
    href: str
    electronic_number: str | None
    org_name: str
    credit_code: str
    unit_code: str
    unit: str  # the unit's name when the list shows it, else its code
    category: str
    state: str
    submitted: str  # China Standard Time, yyyy-MM-dd HH:mm (as the `cst` filter writes it)
    low_service_share: bool
    stamped_confirmed: bool


def submitted_text(value: datetime | None) -> str:
    """As the templates' `cst` filter writes a time with its default (numeric) pattern."""
    return clock.china(value).strftime("%Y-%m-%d %H:%M") if value is not None else ""


def rows(records: Iterable, *, endpoint: str, unit_names: dict[str, str] | None = None
         ) -> list[Row]:
    """`records` (selection.LIST_COLUMNS rows) as table rows linking to `endpoint`, whose
    only argument is `declaration_id`, the last segment of its path: one url_for for the
    page, then the id appended (tests/presenters compare every link with url_for)."""
    link = url_for(endpoint, declaration_id=0).removesuffix("0")
    categories, states = Category.label_map(), DeclarationState.label_map()
    units = unit_names or {}
    return [Row(id=r.id, href=f"{link}{r.id}", electronic_number=r.electronic_number,
                org_name=r.org_name, credit_code=r.credit_code, unit_code=r.unit_code,
                unit=units.get(r.unit_code, r.unit_code),
                category=categories.get(r.category, r.category),
                state=states.get(r.state, r.state), submitted=submitted_text(r.submitted_at),
                low_service_share=bool(r.low_service_share),
                stamped_confirmed=r.stamped_confirmed_at is not None)
            for r in records]
