"""Assigning expert reviewers to declarations (评审专家分配). Pure: no database.

The rules:
- every item gets exactly `n` reviewers (default 3), or none at all and is reported with the
  number of eligible experts it has; an item is never silently under-assigned;
- an expert never reviews an item from its own provincial-level unit, nor from its own
  organisation (same unified social credit code, or the same name when a code is missing);
- an expert never reviews an item it declined, and inactive experts get nothing;
- the load is balanced: each item takes the least-loaded eligible experts, ties broken by a
  matching field of expertise and then by the smaller expert id, so the result is
  deterministic. Items with the fewest eligible experts are served first.

Without conflicts, and starting from equal loads, the loads of all experts end within one of
each other.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

DEFAULT_REVIEWERS = 3


@dataclass(frozen=True)
class Item:
    """Something to review: a declaration, with what decides conflicts."""

    id: int
    unit_code: str
    org_credit_code: str | None = None
    org_name: str | None = None
    category: str | None = None
    topics: frozenset[str] = frozenset()  # e.g. its service model, to prefer matching experts


@dataclass(frozen=True)
class Expert:
    """A reviewer in the pool, with its current load (items already assigned to it)."""

    id: int
    unit_code: str
    org_credit_code: str | None = None
    org_name: str | None = None
    load: int = 0
    active: bool = True
    declined: frozenset[int] = frozenset()
    fields: frozenset[str] = frozenset()


@dataclass
class Assignment:
    """The outcome: reviewers per assigned item, items that could not be served, final loads."""

    reviewers: dict[int, list[int]] = field(default_factory=dict)
    unassignable: dict[int, int] = field(default_factory=dict)  # item id -> eligible count
    loads: dict[int, int] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return not self.unassignable


def _same(a: str | None, b: str | None) -> bool:
    a, b = "".join((a or "").split()).upper(), "".join((b or "").split()).upper()
    return bool(a) and a == b


def in_conflict(item: Item, expert: Expert) -> bool:
    """Same provincial-level unit, or same organisation as the applicant."""
    if item.unit_code == expert.unit_code:
        return True
    if _same(item.org_credit_code, expert.org_credit_code):
        return True
    return _same(item.org_name, expert.org_name)


def is_eligible(item: Item, expert: Expert) -> bool:
    """May this expert review this item at all?"""
    return expert.active and item.id not in expert.declined and not in_conflict(item, expert)


def eligible_experts(item: Item, experts: Iterable[Expert]) -> list[Expert]:
    return [e for e in experts if is_eligible(item, e)]


def reachable(items: Sequence[Item], experts: Sequence[Expert],
              have: dict[int, int] | None = None) -> dict[int, int]:
    """The most reviewers each item can have: those it has (`have`) plus the eligible
    experts not yet on it (an expert already on an item is in its `declined` set)."""
    have = have or {}
    return {item.id: have.get(item.id, 0) + len(eligible_experts(item, experts))
            for item in items}


def assign(items: Sequence[Item], experts: Sequence[Expert],
           n: int = DEFAULT_REVIEWERS) -> Assignment:
    """Assign `n` reviewers to every item that has at least `n` eligible experts.

    Items with fewer go to `unassignable` (with their eligible count) and get nobody.
    """
    if n < 1:
        raise ValueError("each item needs at least one reviewer")
    if len({e.id for e in experts}) != len(experts):
        raise ValueError("expert ids must be unique")
    loads = {e.id: e.load for e in experts}
    result = Assignment(loads=loads)
    pools = {item.id: eligible_experts(item, experts) for item in items}
    # The most constrained items first, so that they are not starved by the others.
    for item in sorted(items, key=lambda i: (len(pools[i.id]), i.id)):
        pool = pools[item.id]
        if len(pool) < n:
            result.unassignable[item.id] = len(pool)
            continue
        chosen = sorted(pool, key=lambda e: (loads[e.id], not (e.fields & item.topics),
                                             e.id))[:n]
        result.reviewers[item.id] = sorted(e.id for e in chosen)
        for e in chosen:
            loads[e.id] += 1
    return result


def load_spread(loads: dict[int, int], expert_ids: Iterable[int] | None = None) -> int:
    """max - min of the loads (of the given experts, default all); 0 for an empty pool."""
    values = [loads[i] for i in (expert_ids if expert_ids is not None else loads)]
    return max(values) - min(values) if values else 0
