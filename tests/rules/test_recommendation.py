"""Quota rules for both kinds of unit (pure, no app)."""
import pytest

from smplatform.rules import recommendation as r


def test_default_limits_regular_unit():
    assert r.default_limits("province") == {"enterprise": 10, "platform_shared": 1,
                                            "platform_other": 3, "city_comprehensive": 1,
                                            "city_design": 1}


def test_default_limits_planned_city():
    assert r.default_limits("planned_city") == {"enterprise": 3, "platform_shared": 1,
                                                "platform_other": 1, "city_any": 1}


@pytest.mark.parametrize("category,klass,kind,line", [
    ("enterprise", None, "province", "enterprise"),
    ("enterprise", None, "planned_city", "enterprise"),
    ("platform", "shared_manufacturing", "municipality", "platform_shared"),
    ("platform", "other", "planned_city", "platform_other"),
    ("city", "comprehensive", "province", "city_comprehensive"),
    ("city", "industrial_design", "xpcc", "city_design"),
    ("city", "comprehensive", "planned_city", "city_any"),
    ("city", "industrial_design", "planned_city", "city_any"),
])
def test_line_of(category, klass, kind, line):
    assert r.line_of(category, klass, kind) == line


def test_line_of_platform_without_class_is_an_error():
    with pytest.raises(ValueError):
        r.line_of("platform", None, "province")


def test_can_add_up_to_the_limit_regular():
    limits = r.default_limits("province")
    assert r.can_add("enterprise", {"enterprise": 9}, limits) is True
    assert r.can_add("enterprise", {"enterprise": 10}, limits) is False
    assert r.can_add("city_design", {"city_comprehensive": 1}, limits) is True


def test_planned_city_one_city_of_either_class():
    limits = r.default_limits("planned_city")
    used = {r.line_of("city", "comprehensive", "planned_city"): 1}
    line = r.line_of("city", "industrial_design", "planned_city")
    assert r.can_add(line, used, limits) is False
    assert r.can_add("enterprise", {"enterprise": 3}, limits) is False


def test_line_missing_from_limits_has_no_slot():
    assert r.can_add("city_any", {}, r.default_limits("province")) is False


def test_limits_are_a_parameter():
    assert r.can_add("enterprise", {"enterprise": 10}, {"enterprise": 12}) is True
    assert r.free_slots("enterprise", {"enterprise": 14}, {"enterprise": 12}) == 0


def test_move_and_renumber():
    assert r.move(["a", "b", "c"], "c", "up") == ["a", "c", "b"]
    assert r.move(["a", "b", "c"], "a", "up") == ["a", "b", "c"]
    assert r.move(["a", "b", "c"], "a", "down") == ["b", "a", "c"]
    assert r.renumber(["x", "y"]) == {"x": 1, "y": 2}
    assert r.next_rank([]) == 1
    assert r.next_rank([1, 3]) == 4
    with pytest.raises(ValueError):
        r.move(["a"], "a", "sideways")
