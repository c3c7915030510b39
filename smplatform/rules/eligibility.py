"""Who may declare what, and the hard conditions of the 2023 notice (pure rules, no app).

Each check returns a list of refusals in plain words (lazy strings, translated when shown);
an empty list means eligible. The conditions:
- the category must suit the organisation type: a city only for a city industry and IT
  department, a platform for a platform operator or an enterprise, an enterprise only for an
  enterprise;
- the four common conditions are attested by the applicant (all four required);
- a platform must have been in formal operation for at least 2 years at the reporting date;
- a city that is already a demonstration city may not apply again;
- one declaration per organisation per category per batch.
"""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

from smplatform.enums import Category, CityClass, OrgType, PlatformClass

COMMON_CONDITIONS = ("cond_registered", "cond_operations", "cond_no_accident",
                     "cond_no_violation")
PLATFORM_MIN_YEARS = 2

# Demonstration cities of batches 2-4 named in the 2023 notice's context (partial list, by
# GB/T 2260 code). Shanghai Pudong New Area (batch 3) is a district, not a prefecture-level
# city: it does not block Shanghai (310000) as a whole, so it is not in this set. The
# ministry's registry of demonstration cities replaces this list when it exists.
KNOWN_DEMONSTRATION_CITIES: dict[str, tuple[int, str]] = {
    "320500": (2, "苏州"), "330400": (2, "嘉兴"), "350500": (2, "泉州"), "410100": (2, "郑州"),
    "440100": (2, "广州"), "350200": (2, "厦门"),
    "320200": (3, "无锡"), "330100": (3, "杭州"), "510100": (3, "成都"), "370200": (3, "青岛"),
    "330200": (3, "宁波"), "370600": (3, "烟台"), "500000": (3, "重庆"), "440300": (3, "深圳"),
    "430100": (4, "长沙"),
}
KNOWN_DEMONSTRATION_CITY_CODES = frozenset(KNOWN_DEMONSTRATION_CITIES)

_ALLOWED: dict[OrgType, tuple[Category, ...]] = {
    OrgType.ENTERPRISE: (Category.ENTERPRISE, Category.PLATFORM),
    OrgType.PLATFORM_OPERATOR: (Category.PLATFORM,),
    OrgType.CITY_DEPARTMENT: (Category.CITY,),
}


def categories_for(org_type: OrgType | str) -> tuple[Category, ...]:
    """The categories an organisation of this type may declare."""
    return _ALLOWED[OrgType(org_type)]


def classes_for(category: Category | str) -> tuple[str, ...]:
    """The classes to choose from in a category (none for enterprises)."""
    category = Category(category)
    if category == Category.PLATFORM:
        return tuple(PlatformClass)
    if category == Category.CITY:
        return tuple(CityClass)
    return ()


def category_refusal(org_type: OrgType | str, category: Category | str):
    if Category(category) in categories_for(org_type):
        return None
    return {
        Category.CITY: _l("Only a city's industry and IT department can declare a "
                          "demonstration city."),
        Category.PLATFORM: _l("A demonstration platform is declared by its operator: a "
                              "platform operator or an enterprise."),
        Category.ENTERPRISE: _l("Only a manufacturing enterprise can declare a demonstration "
                                "enterprise."),
    }[Category(category)]


def common_condition_refusals(attested: dict) -> list:
    """Every common condition must be attested; one refusal lists what is missing."""
    if all(attested.get(name) for name in COMMON_CONDITIONS):
        return []
    return [_l("All four common conditions must be met to declare. If one of them does not "
               "apply to your organisation, it cannot declare in this batch.")]


def years_between(start: date, end: date) -> int:
    """Whole years from start to end (a launch on 29 February counts from 28 February)."""
    years = end.year - start.year
    if (end.month, end.day) < (start.month, start.day):
        years -= 1
    return years


def platform_refusal(launch_date: date | None, reporting_date: date):
    """A platform needs 2 years of formal operation at the reporting date (hard rule)."""
    if launch_date is None:
        return _l("Give the date the platform went into formal operation.")
    if launch_date > reporting_date or years_between(launch_date, reporting_date) < \
            PLATFORM_MIN_YEARS:
        return _l("The platform went into formal operation on %(launch)s, less than 2 years "
                  "before the reporting date %(reporting)s. The notice requires at least 2 "
                  "years of formal operation, so it cannot declare in this batch.",
                  launch=launch_date.isoformat(), reporting=reporting_date.isoformat())
    return None


def city_refusal(city_code: str | None, demonstration_cities: frozenset[str] | set[str]):
    """A city that is already a demonstration city may not apply again (hard rule)."""
    if not city_code:
        return _l("Your organisation has no city in its registration; a city declaration "
                  "needs one.")
    if city_code in demonstration_cities:
        return _l("This city is already a national service-oriented manufacturing "
                  "demonstration city and may not apply again.")
    return None


def refusals(*, org_type, category, attested: dict, launch_date: date | None = None,
             reporting_date: date | None = None, city_code: str | None = None,
             demonstration_cities=KNOWN_DEMONSTRATION_CITY_CODES) -> list:
    """Every reason this organisation may not start this declaration (empty: eligible)."""
    out = []
    refusal = category_refusal(org_type, category)
    if refusal is not None:
        return [refusal]
    out.extend(common_condition_refusals(attested))
    if Category(category) == Category.PLATFORM:
        refusal = platform_refusal(launch_date, reporting_date)
        if refusal is not None:
            out.append(refusal)
    if Category(category) == Category.CITY:
        refusal = city_refusal(city_code, demonstration_cities)
        if refusal is not None:
            out.append(refusal)
    return out
