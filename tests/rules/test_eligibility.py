"""Eligibility rules over every organisation type and category."""
from __future__ import annotations

from datetime import date

import pytest

from smplatform.enums import Category, OrgType
from smplatform.rules import eligibility

ALL = {name: True for name in eligibility.COMMON_CONDITIONS}
REPORTING = date(2023, 5, 31)

ALLOWED = {
    (OrgType.ENTERPRISE, Category.ENTERPRISE): True,
    (OrgType.ENTERPRISE, Category.PLATFORM): True,
    (OrgType.ENTERPRISE, Category.CITY): False,
    (OrgType.PLATFORM_OPERATOR, Category.ENTERPRISE): False,
    (OrgType.PLATFORM_OPERATOR, Category.PLATFORM): True,
    (OrgType.PLATFORM_OPERATOR, Category.CITY): False,
    (OrgType.CITY_DEPARTMENT, Category.ENTERPRISE): False,
    (OrgType.CITY_DEPARTMENT, Category.PLATFORM): False,
    (OrgType.CITY_DEPARTMENT, Category.CITY): True,
}


@pytest.mark.parametrize(("org_type", "category"), list(ALLOWED))
def test_category_allowed_by_org_type(org_type, category):
    assert (category in eligibility.categories_for(org_type)) == ALLOWED[(org_type, category)]
    assert (eligibility.category_refusal(org_type, category) is None) == \
        ALLOWED[(org_type, category)]


@pytest.mark.parametrize(("org_type", "category"), [k for k, v in ALLOWED.items() if v])
@pytest.mark.parametrize("missing", eligibility.COMMON_CONDITIONS)
def test_refusals_when_a_common_condition_is_not_attested(org_type, category, missing):
    attested = dict(ALL, **{missing: False})
    refusals = eligibility.refusals(org_type=org_type, category=category, attested=attested,
                                    launch_date=date(2019, 1, 1), reporting_date=REPORTING,
                                    city_code="440600")
    assert len(refusals) == 1
    assert "four common conditions" in str(refusals[0])


@pytest.mark.parametrize(("org_type", "category"), [k for k, v in ALLOWED.items() if v])
def test_refusals_empty_when_eligible(org_type, category):
    assert eligibility.refusals(org_type=org_type, category=category, attested=ALL,
                                launch_date=date(2019, 1, 1), reporting_date=REPORTING,
                                city_code="440600") == []


@pytest.mark.parametrize(("launch", "ok"), [
    (date(2021, 5, 31), True),     # exactly 2 years
    (date(2021, 6, 1), False),     # one day short
    (date(2022, 1, 1), False),
    (date(2015, 1, 1), True),
    (date(2024, 1, 1), False),     # in the future
    (None, False),
])
def test_platform_refusal_two_years(launch, ok):
    assert (eligibility.platform_refusal(launch, REPORTING) is None) == ok


def test_platform_refusal_explains_dates():
    message = str(eligibility.platform_refusal(date(2022, 3, 1), REPORTING))
    assert "2022-03-01" in message and "2023-05-31" in message


@pytest.mark.parametrize("code", sorted(eligibility.KNOWN_DEMONSTRATION_CITY_CODES))
def test_city_refusal_for_every_known_demonstration_city(code):
    assert eligibility.city_refusal(code, eligibility.KNOWN_DEMONSTRATION_CITY_CODES) is not None


def test_city_refusal_uses_the_given_registry():
    assert eligibility.city_refusal("440600", frozenset()) is None
    assert eligibility.city_refusal("440600", {"440600"}) is not None


def test_shanghai_not_blocked_by_pudong():
    assert eligibility.city_refusal("310000", eligibility.KNOWN_DEMONSTRATION_CITY_CODES) is None


def test_city_refusal_without_city():
    assert eligibility.city_refusal(None, frozenset()) is not None


def test_refusals_collects_platform_and_conditions():
    refusals = eligibility.refusals(org_type=OrgType.PLATFORM_OPERATOR,
                                    category=Category.PLATFORM, attested={},
                                    launch_date=date(2022, 1, 1), reporting_date=REPORTING)
    assert len(refusals) == 2


def test_classes_for_every_category():
    assert eligibility.classes_for(Category.ENTERPRISE) == ()
    assert [str(c) for c in eligibility.classes_for(Category.PLATFORM)] == [
        "shared_manufacturing", "other"]
    assert [str(c) for c in eligibility.classes_for(Category.CITY)] == [
        "comprehensive", "industrial_design"]
