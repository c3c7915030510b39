import pytest

from smplatform.rules import quotas as q
from smplatform.rules.batch_dates import (CONTACT_NOT_AFTER_OPENING, EVALUATION_NOT_AFTER_OPENING,
                                          PROVINCE_BEFORE_CONTACT, date_order_problems)
from datetime import UTC

REGULAR_KINDS = ["province", "autonomous_region", "municipality", "xpcc"]


def test_default_table_regular_units_follow_the_notice():
    assert q.DEFAULT_QUOTAS["regular"] == {"enterprise": 10, "platform_shared": 1,
                                           "platform_other": 3, "city_comprehensive": 1,
                                           "city_design": 1}


def test_default_table_planned_cities_follow_the_notice():
    assert q.DEFAULT_QUOTAS["planned"] == {"enterprise": 3, "platform_shared": 1,
                                           "platform_other": 1, "city_any": 1}


@pytest.mark.parametrize("kind", REGULAR_KINDS)
def test_quota_lines_for_regular_unit_kinds(kind):
    assert q.quota_lines_for(kind) == ("enterprise", "platform_shared", "platform_other",
                                       "city_comprehensive", "city_design")


def test_quota_lines_for_planned_city():
    assert q.quota_lines_for("planned_city") == ("enterprise", "platform_shared",
                                                 "platform_other", "city_any")


@pytest.mark.parametrize("kind", REGULAR_KINDS + ["planned_city"])
@pytest.mark.parametrize("category, klass, line", [
    ("enterprise", None, "enterprise"),
    ("enterprise", "customised", "enterprise"),
    ("platform", "shared_manufacturing", "platform_shared"),
    ("platform", "other", "platform_other"),
])
def test_line_for_enterprises_and_platforms_same_for_every_unit(kind, category, klass, line):
    assert q.line_for(category, klass, kind) == line


@pytest.mark.parametrize("kind", REGULAR_KINDS)
def test_line_for_cities_in_regular_units_by_class(kind):
    assert q.line_for("city", "comprehensive", kind) == "city_comprehensive"
    assert q.line_for("city", "industrial_design", kind) == "city_design"


def test_line_for_cities_in_planned_city_is_combined():
    assert q.line_for("city", "comprehensive", "planned_city") == "city_any"
    assert q.line_for("city", "industrial_design", "planned_city") == "city_any"


@pytest.mark.parametrize("category, klass", [("platform", None), ("platform", "design"),
                                             ("city", None), ("city", "other"),
                                             ("project", None)])
def test_line_for_unknown_values_raise(category, klass):
    with pytest.raises(ValueError):
        q.line_for(category, klass, "province")


def test_line_for_every_line_is_in_the_units_table():
    cases = [("enterprise", None), ("platform", "shared_manufacturing"), ("platform", "other"),
             ("city", "comprehensive"), ("city", "industrial_design")]
    for kind in REGULAR_KINDS + ["planned_city"]:
        assert {q.line_for(c, k, kind) for c, k in cases} == set(q.quota_lines_for(kind))


def test_would_exceed_regular_enterprise_tenth_fits_eleventh_does_not():
    limits = q.default_limits("regular")
    assert q.would_exceed({"enterprise": 9}, limits, "enterprise") is False
    assert q.would_exceed({"enterprise": 10}, limits, "enterprise") is True


def test_would_exceed_planned_city_one_city_in_total():
    limits = q.default_limits("planned")
    assert q.would_exceed({}, limits, "city_any") is False
    assert q.would_exceed({"city_any": 1}, limits, "city_any") is True
    assert q.would_exceed({"enterprise": 2}, limits, "enterprise") is False
    assert q.would_exceed({"enterprise": 3}, limits, "enterprise") is True


def test_would_exceed_line_without_limit_has_no_places():
    assert q.would_exceed({}, q.default_limits("planned"), "city_design") is True


def test_would_exceed_zero_limit():
    assert q.would_exceed({}, {"enterprise": 0}, "enterprise") is True


def test_remaining_never_negative():
    assert q.remaining({"enterprise": 12, "platform_other": 1},
                       {"enterprise": 10, "platform_other": 3}) == {"enterprise": 0,
                                                                    "platform_other": 2}


def test_unit_group_for():
    assert q.unit_group_for("planned_city") == "planned"
    assert [q.unit_group_for(k) for k in REGULAR_KINDS] == ["regular"] * 4


def test_date_order_in_order_has_no_problems():
    from datetime import datetime
    d = lambda m, day: datetime(2023, m, day, tzinfo=UTC)  # noqa: E731
    assert date_order_problems(opens_at=d(3, 2), contact_deadline=d(3, 20),
                               province_deadline=d(5, 31), evaluation_deadline=d(5, 31)) == []
    assert date_order_problems(opens_at=d(3, 2), contact_deadline=d(5, 31),
                               province_deadline=d(5, 31), evaluation_deadline=d(5, 31)) == []


def test_date_order_problems_found():
    from datetime import datetime
    d = lambda m, day: datetime(2023, m, day, tzinfo=UTC)  # noqa: E731
    assert date_order_problems(opens_at=d(3, 20), contact_deadline=d(3, 20),
                               province_deadline=d(3, 19), evaluation_deadline=d(3, 1)) == [
        CONTACT_NOT_AFTER_OPENING, PROVINCE_BEFORE_CONTACT, EVALUATION_NOT_AFTER_OPENING]
