from hypothesis import given, settings
from hypothesis import strategies as st
import pytest

from smplatform.rules.assignment import (
    Expert,
    Item,
    assign,
    in_conflict,
    is_eligible,
    load_spread,
    reachable,
)

UNITS = ["110000", "310000", "440000", "440300", "650000", "330000"]


def experts(count, unit="110000", **kw):
    return [Expert(id=i, unit_code=unit, **kw) for i in range(1, count + 1)]


def test_assign_three_reviewers_each_by_default():
    items = [Item(id=10, unit_code="440000"), Item(id=11, unit_code="440000")]
    result = assign(items, experts(6))
    assert result.reviewers == {10: [1, 2, 3], 11: [4, 5, 6]}
    assert result.unassignable == {}
    assert result.complete is True


def test_assign_n_is_configurable():
    result = assign([Item(id=1, unit_code="440000")], experts(5), n=5)
    assert result.reviewers == {1: [1, 2, 3, 4, 5]}


def test_assign_never_same_unit():
    pool = experts(3, unit="440000") + [Expert(id=9, unit_code="110000")]
    result = assign([Item(id=1, unit_code="440000")], pool, n=1)
    assert result.reviewers == {1: [9]}


def test_assign_never_same_organisation_by_credit_code():
    pool = [Expert(id=1, unit_code="110000", org_credit_code="91440101MA59D2MK1X"),
            Expert(id=2, unit_code="310000")]
    item = Item(id=5, unit_code="440000", org_credit_code="91440101ma59d2mk1x")
    assert assign([item], pool, n=1).reviewers == {5: [2]}


def test_assign_never_same_organisation_by_name():
    pool = [Expert(id=1, unit_code="110000", org_name="广州示范装备制造股份有限公司"),
            Expert(id=2, unit_code="310000")]
    item = Item(id=5, unit_code="440000", org_name="广州示范装备制造股份有限公司")
    assert assign([item], pool, n=1).reviewers == {5: [2]}


def test_in_conflict_blank_organisations_do_not_conflict():
    assert in_conflict(Item(id=1, unit_code="440000", org_name=""),
                       Expert(id=1, unit_code="110000", org_name="")) is False


def test_assign_skips_declined_and_inactive():
    pool = [Expert(id=1, unit_code="110000", declined=frozenset({7})),
            Expert(id=2, unit_code="110000", active=False),
            Expert(id=3, unit_code="110000")]
    assert assign([Item(id=7, unit_code="440000")], pool, n=1).reviewers == {7: [3]}
    assert is_eligible(Item(id=8, unit_code="440000"), pool[0]) is True


def test_assign_reports_item_without_enough_eligible_experts():
    pool = experts(2) + [Expert(id=3, unit_code="440000")]
    result = assign([Item(id=1, unit_code="440000"), Item(id=2, unit_code="310000")], pool)
    assert result.unassignable == {1: 2}
    assert result.reviewers == {2: [1, 2, 3]}
    assert result.complete is False


def test_assign_prefers_least_loaded():
    pool = [Expert(id=1, unit_code="110000", load=4), Expert(id=2, unit_code="110000", load=0),
            Expert(id=3, unit_code="110000", load=1), Expert(id=4, unit_code="110000", load=0)]
    result = assign([Item(id=1, unit_code="440000")], pool, n=2)
    assert result.reviewers == {1: [2, 4]}
    assert result.loads == {1: 4, 2: 1, 3: 1, 4: 1}


def test_assign_ties_prefer_matching_field_then_lower_id():
    pool = [Expert(id=1, unit_code="110000"),
            Expert(id=2, unit_code="110000", fields=frozenset({"shared_manufacturing"})),
            Expert(id=3, unit_code="110000")]
    item = Item(id=1, unit_code="440000", topics=frozenset({"shared_manufacturing"}))
    assert assign([item], pool, n=2).reviewers == {1: [1, 2]}
    assert assign([item], pool, n=1).reviewers == {1: [2]}


def test_assign_most_constrained_item_first():
    # Item 2 (from 310000) can use only experts 1-3; item 1 could use anyone.
    pool = experts(3) + [Expert(id=4, unit_code="310000"), Expert(id=5, unit_code="310000"),
                         Expert(id=6, unit_code="310000")]
    items = [Item(id=1, unit_code="440000"), Item(id=2, unit_code="310000")]
    result = assign(items, pool)
    assert result.reviewers == {2: [1, 2, 3], 1: [4, 5, 6]}


def test_assign_is_deterministic():
    items = [Item(id=i, unit_code=UNITS[i % 3]) for i in range(20)]
    pool = [Expert(id=i, unit_code=UNITS[i % 6]) for i in range(12)]
    assert assign(items, pool).reviewers == assign(list(items), list(pool)).reviewers


def test_assign_refuses_n_below_one_and_duplicate_ids():
    with pytest.raises(ValueError):
        assign([], experts(1), n=0)
    with pytest.raises(ValueError):
        assign([], [Expert(id=1, unit_code="x"), Expert(id=1, unit_code="y")])


def test_load_spread():
    assert load_spread({1: 3, 2: 5, 3: 4}) == 2
    assert load_spread({1: 3, 2: 5, 3: 4}, [1, 3]) == 1
    assert load_spread({}) == 0


# Property-based tests over random pools.

orgs = st.sampled_from(["", "甲公司", "乙公司", "丙公司"])
expert_st = st.builds(lambda unit, org, active, declined: (unit, org, active, declined),
                      st.sampled_from(UNITS), orgs, st.booleans(),
                      st.frozensets(st.integers(0, 14), max_size=3))
item_st = st.tuples(st.sampled_from(UNITS), orgs)


@settings(max_examples=200, deadline=None)
@given(st.lists(item_st, max_size=15), st.lists(expert_st, max_size=12), st.integers(1, 4))
def test_assign_property_conflicts_counts_and_reports(raw_items, raw_experts, n):
    items = [Item(id=i, unit_code=u, org_name=o) for i, (u, o) in enumerate(raw_items)]
    pool = [Expert(id=100 + i, unit_code=u, org_name=o, active=a, declined=d)
            for i, (u, o, a, d) in enumerate(raw_experts)]
    by_id = {e.id: e for e in pool}
    result = assign(items, pool, n=n)
    # Every item is either assigned exactly n distinct reviewers or reported, never both.
    assert set(result.reviewers) | set(result.unassignable) == {i.id for i in items}
    assert set(result.reviewers) & set(result.unassignable) == set()
    for item in items:
        if item.id in result.reviewers:
            chosen = result.reviewers[item.id]
            assert len(chosen) == n
            assert len(set(chosen)) == n
            for expert_id in chosen:
                expert = by_id[expert_id]
                assert expert.active
                assert expert.unit_code != item.unit_code
                assert not (item.org_name and item.org_name == expert.org_name)
                assert item.id not in expert.declined
        else:
            eligible = [e for e in pool if is_eligible(item, e)]
            assert result.unassignable[item.id] == len(eligible)
            assert len(eligible) < n
    # Loads add up to the assignments made.
    assert sum(result.loads.values()) == n * len(result.reviewers)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 30), st.integers(1, 15), st.integers(1, 5))
def test_assign_property_balanced_without_conflicts(item_count, expert_count, n):
    items = [Item(id=i, unit_code="440000") for i in range(item_count)]
    pool = [Expert(id=100 + i, unit_code=UNITS[i % 2]  # never 440000
                   if UNITS[i % 2] != "440000" else "110000") for i in range(expert_count)]
    result = assign(items, pool, n=n)
    if n > expert_count:
        assert result.unassignable == {i.id: expert_count for i in items}
    else:
        assert len(result.reviewers) == item_count
        assert load_spread(result.loads) <= 1


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(UNITS), min_size=1, max_size=20),
       st.lists(st.sampled_from(UNITS), min_size=1, max_size=15), st.integers(1, 3))
def test_assign_property_balanced_within_each_units_eligible_pool(item_units, expert_units, n):
    """Items of one unit only: all the eligible experts end within one of each other."""
    unit = item_units[0]
    items = [Item(id=i, unit_code=unit) for i in range(len(item_units))]
    pool = [Expert(id=100 + i, unit_code=u) for i, u in enumerate(expert_units)]
    eligible = [e.id for e in pool if e.unit_code != unit]
    result = assign(items, pool, n=n)
    if len(eligible) >= n:
        assert load_spread(result.loads, eligible) <= 1
        assert all(result.loads[e.id] == 0 for e in pool if e.unit_code == unit)
    else:
        assert result.reviewers == {}


def test_reachable_counts_present_and_eligible_reviewers():
    items = [Item(1, "440000"), Item(2, "110000")]
    experts = [Expert(10, "110000"), Expert(11, "110000", declined=frozenset({1})),
               Expert(12, "310000", active=False)]
    assert reachable(items, experts, {1: 1}) == {1: 2, 2: 0}
