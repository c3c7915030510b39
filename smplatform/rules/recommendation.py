"""Recommendation quotas (推荐名额) as pure rules: lines, limits, the can-add check, ranking.

A unit recommends its passed declarations on *lines*, each with its own limit. The limits are
a batch setting that the ministry may edit; this module takes them as a dict
{line: allowed} and supplies the notice's defaults in `default_limits`. A planned city
(计划单列市) has a single city line `city_any`: one city application of either class.
"""
from __future__ import annotations

from smplatform.rules import quotas
from smplatform.rules.quotas import (  # noqa: F401
    CITY_ANY,
    CITY_COMPREHENSIVE,
    CITY_DESIGN,
    ENTERPRISE,
    PLATFORM_OTHER,
    PLATFORM_SHARED,
)

# The lines and the notice's defaults are defined once, in rules/quotas.py (the ministry's
# quota table); this module adds what the province's recommendation list needs on top.
REGULAR_LINES = quotas.quota_lines_for("province")
PLANNED_CITY_LINES = quotas.quota_lines_for(quotas.PLANNED_CITY_KIND)
ALL_LINES = REGULAR_LINES + (CITY_ANY,)

PLANNED_CITY = quotas.PLANNED_CITY_KIND

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
    return quotas.unit_group_for(unit_kind) == quotas.PLANNED


def lines_for(unit_kind: str) -> tuple[str, ...]:
    return quotas.quota_lines_for(unit_kind)


def default_limits(unit_kind: str) -> dict[str, int]:
    """The notice's quotas for a unit of this kind (province, region, municipality, XPCC or
    planned city)."""
    return quotas.default_limits(quotas.unit_group_for(unit_kind))


def line_of(category: str, klass: str | None, unit_kind: str) -> str:
    """The quota line a declaration counts against (raises ValueError for an unknown class)."""
    return quotas.line_for(category, klass, unit_kind)


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
