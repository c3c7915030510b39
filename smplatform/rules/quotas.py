"""Recommendation quotas (推荐名额) per provincial-level unit, as the 2023 notice sets them.

Every provincial-level unit recommends within a quota per line. Provinces, autonomous regions,
municipalities and the XPCC share one table ("regular"); the five cities separately listed in
the plan share another ("planned"), in which the two city classes form one combined line: a
planned city may recommend itself once, in either class. The ministry can edit both tables per
batch; these are the defaults.
"""
from __future__ import annotations

from collections.abc import Mapping

# Unit groups: which quota table a provincial-level unit uses.
REGULAR = "regular"
PLANNED = "planned"
UNIT_GROUPS = (REGULAR, PLANNED)

# Quota lines.
ENTERPRISE = "enterprise"
PLATFORM_SHARED = "platform_shared"
PLATFORM_OTHER = "platform_other"
CITY_COMPREHENSIVE = "city_comprehensive"
CITY_DESIGN = "city_design"
CITY_ANY = "city_any"

# Declaration categories and classes (the values the declaration models use).
CATEGORY_ENTERPRISE = "enterprise"
CATEGORY_PLATFORM = "platform"
CATEGORY_CITY = "city"
PLATFORM_SHARED_MANUFACTURING = "shared_manufacturing"
PLATFORM_OTHER_CLASS = "other"
CITY_COMPREHENSIVE_CLASS = "comprehensive"
CITY_INDUSTRIAL_DESIGN = "industrial_design"

PLANNED_CITY_KIND = "planned_city"

DEFAULT_QUOTAS: dict[str, dict[str, int]] = {
    REGULAR: {ENTERPRISE: 10, PLATFORM_SHARED: 1, PLATFORM_OTHER: 3,
              CITY_COMPREHENSIVE: 1, CITY_DESIGN: 1},
    PLANNED: {ENTERPRISE: 3, PLATFORM_SHARED: 1, PLATFORM_OTHER: 1, CITY_ANY: 1},
}


def unit_group_for(unit_kind: str) -> str:
    """The quota table a unit of this kind uses: planned cities have their own."""
    return PLANNED if str(unit_kind) == PLANNED_CITY_KIND else REGULAR


def quota_lines_for(unit_kind: str) -> tuple[str, ...]:
    """The quota lines, in display order, for a unit of this kind."""
    return tuple(DEFAULT_QUOTAS[unit_group_for(unit_kind)])


def default_limits(unit_group: str) -> dict[str, int]:
    """A copy of the default limits of one unit group."""
    return dict(DEFAULT_QUOTAS[unit_group])


def line_for(category: str, klass: str | None, unit_kind: str) -> str:
    """The quota line a declaration of this category and class counts against in this unit.

    Raises ValueError for an unknown category or class.
    """
    category, klass = str(category), (str(klass) if klass is not None else None)
    if category == CATEGORY_ENTERPRISE:
        return ENTERPRISE
    if category == CATEGORY_PLATFORM:
        if klass == PLATFORM_SHARED_MANUFACTURING:
            return PLATFORM_SHARED
        if klass == PLATFORM_OTHER_CLASS:
            return PLATFORM_OTHER
        raise ValueError(f"unknown platform class {klass!r}")
    if category == CATEGORY_CITY:
        if klass not in (CITY_COMPREHENSIVE_CLASS, CITY_INDUSTRIAL_DESIGN):
            raise ValueError(f"unknown city class {klass!r}")
        if unit_group_for(unit_kind) == PLANNED:
            return CITY_ANY
        return CITY_COMPREHENSIVE if klass == CITY_COMPREHENSIVE_CLASS else CITY_DESIGN
    raise ValueError(f"unknown category {category!r}")


def would_exceed(used: Mapping[str, int], limits: Mapping[str, int], line: str) -> bool:
    """True when recommending one more on `line` would go over its limit.

    A line missing from `limits` has no places at all (a closed door, not an open one).
    """
    return used.get(line, 0) + 1 > limits.get(line, 0)


def remaining(used: Mapping[str, int], limits: Mapping[str, int]) -> dict[str, int]:
    """Places left on every line of `limits` (never below zero)."""
    return {line: max(limit - used.get(line, 0), 0) for line, limit in limits.items()}
