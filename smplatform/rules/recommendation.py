"""Recommendation quotas (推荐名额) as pure rules: lines, limits, the can-add check, ranking.

A unit recommends its passed declarations on *lines*, each with its own limit. The limits are
a batch setting that the ministry may edit; this module takes them as a dict
{line: allowed} and supplies the notice's defaults in `default_limits`. A planned city
(计划单列市) has a single city line `city_any`: one city application of either class.
"""
from __future__ import annotations

ENTERPRISE = "enterprise"
PLATFORM_SHARED = "platform_shared"
PLATFORM_OTHER = "platform_other"
CITY_COMPREHENSIVE = "city_comprehensive"
CITY_DESIGN = "city_design"
CITY_ANY = "city_any"

REGULAR_LINES = (ENTERPRISE, PLATFORM_SHARED, PLATFORM_OTHER, CITY_COMPREHENSIVE, CITY_DESIGN)
PLANNED_CITY_LINES = (ENTERPRISE, PLATFORM_SHARED, PLATFORM_OTHER, CITY_ANY)
ALL_LINES = REGULAR_LINES + (CITY_ANY,)

PLANNED_CITY = "planned_city"

# Bilingual line labels (the rules layer has no Flask): line → (zh, en).
LINE_LABELS = {
    ENTERPRISE: ("示范企业", "Enterprises"),
    PLATFORM_SHARED: ("示范平台（共享制造类）", "Platforms, shared manufacturing"),
    PLATFORM_OTHER: ("示范平台（其他类）", "Platforms, other"),
    CITY_COMPREHENSIVE: ("示范城市（综合类）", "Cities, comprehensive"),
    CITY_DESIGN: ("示范城市（工业设计特色类）", "Cities, industrial design"),
    CITY_ANY: ("示范城市（任一类）", "Cities, either class"),
}


def is_planned_city(unit_kind: str) -> bool:
    return str(unit_kind) == PLANNED_CITY


def lines_for(unit_kind: str) -> tuple[str, ...]:
    return PLANNED_CITY_LINES if is_planned_city(unit_kind) else REGULAR_LINES


def default_limits(unit_kind: str) -> dict[str, int]:
    """The notice's quotas for a unit of this kind (province, region, municipality, XPCC or
    planned city)."""
    if is_planned_city(unit_kind):
        return {ENTERPRISE: 3, PLATFORM_SHARED: 1, PLATFORM_OTHER: 1, CITY_ANY: 1}
    return {ENTERPRISE: 10, PLATFORM_SHARED: 1, PLATFORM_OTHER: 3, CITY_COMPREHENSIVE: 1,
            CITY_DESIGN: 1}


def line_of(category: str, klass: str | None, unit_kind: str) -> str:
    """The quota line a declaration counts against.

    Raises ValueError for a platform or city declaration without a known class.
    """
    category = str(category)
    klass = None if klass is None else str(klass)
    if category == "enterprise":
        return ENTERPRISE
    if category == "platform":
        if klass == "shared_manufacturing":
            return PLATFORM_SHARED
        if klass == "other":
            return PLATFORM_OTHER
        raise ValueError(f"platform declaration without a known class: {klass!r}")
    if category == "city":
        if klass not in ("comprehensive", "industrial_design"):
            raise ValueError(f"city declaration without a known class: {klass!r}")
        if is_planned_city(unit_kind):
            return CITY_ANY
        return CITY_COMPREHENSIVE if klass == "comprehensive" else CITY_DESIGN
    raise ValueError(f"unknown category {category!r}")


def free_slots(line: str, used: dict[str, int], limits: dict[str, int]) -> int:
    """How many more declarations the line can take (never negative)."""
    return max(0, limits.get(line, 0) - used.get(line, 0))


def can_add(line: str, used: dict[str, int], limits: dict[str, int]) -> bool:
    """Whether one more declaration fits on the line. A line absent from the limits has none."""
    return free_slots(line, used, limits) > 0


def next_rank(ranks: list[int]) -> int:
    """The rank for a declaration added at the end of a line."""
    return max(ranks, default=0) + 1


def move(order: list, item, direction: str) -> list:
    """The order after moving `item` one place "up" (towards rank 1) or "down".

    Moving the first item up or the last down changes nothing. Raises ValueError for an
    item not in the order or an unknown direction.
    """
    if direction not in ("up", "down"):
        raise ValueError(f"unknown direction {direction!r}")
    order = list(order)
    index = order.index(item)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(order):
        order[index], order[other] = order[other], order[index]
    return order


def renumber(order: list) -> dict:
    """{item: rank} with ranks 1..n in the given order."""
    return {item: rank for rank, item in enumerate(order, start=1)}
