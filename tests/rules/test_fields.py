"""Field checks by kind and the completeness rule, over every category."""
from __future__ import annotations

import pytest

from smplatform.rules import annex1
from smplatform.rules import fields as rules
from smplatform.rules.annex1 import Field, Text
from tests.support.declarations import complete_data

T = Text("x", "x")


@pytest.mark.parametrize(("kind", "raw", "value"), [
    ("money", "1234.5", "1234.5"), ("money", "1,234.56", "1234.56"), ("money", "0", "0"),
    ("integer", "120", "120"), ("date", "2019-06-30", "2019-06-30"),
    ("email", "a@example.com", "a@example.com"), ("mobile", "138 0013 8000", "13800138000"),
    ("mobile", "+8613800138000", "13800138000"),
    ("url", "https://example.com/x", "https://example.com/x"), ("text", "  a  b ", "a b"),
    ("credit_code", "91440101ma59d2mk1" + "0", None), ("check", "1", "1"), ("check", None, ""),
    ("money", "", ""),
])
def test_clean_accepts(kind, raw, value):
    if kind == "credit_code":
        from smplatform.rules.credit_code import make
        raw = make("91440101MA59D2MK1").lower()
        value = raw.upper()
    cleaned, error = rules.clean(Field("f", T, kind=kind), raw)
    assert (cleaned, error) == (value, None)


@pytest.mark.parametrize(("kind", "raw", "words"), [
    ("money", "-1", "negative"), ("money", "1.234", "2 decimal"), ("money", "abc", "2 decimal"),
    ("integer", "1.5", "whole number"), ("integer", "-3", "negative"),
    ("date", "2019-13-01", "YYYY-MM-DD"), ("email", "nobody", "e-mail"),
    ("mobile", "12800138000", "11-digit"), ("mobile", "1380013800", "11-digit"),
    ("credit_code", "91440101MA59D2MK10", "not valid"),
    ("credit_code", "123", "18 characters"), ("url", "ftp://example.com", "http"),
    ("url", "javascript:alert(1)", "http"),
])
def test_clean_refuses(kind, raw, words):
    value, error = rules.clean(Field("f", T, kind=kind), raw)
    assert value is None
    assert words in str(error)


def test_clean_textarea_max_length():
    f = Field("f", T, kind="textarea", max_length=5)
    assert rules.clean(f, "12345") == ("12345", None)
    value, error = rules.clean(f, "123456")
    assert value is None and "At most 5 characters; this has 6" in str(error)


def test_clean_choice_and_multichoice():
    f = annex1.definition("platform").field("shared_focus")
    assert rules.clean(f, ["order_matching"]) == (["order_matching"], None)
    assert rules.clean(f, ["nope"])[0] is None
    g = annex1.definition("enterprise").field("service_model")
    assert rules.clean(g, "other") == ("other", None)
    assert rules.clean(g, "made-up")[0] is None


@pytest.mark.parametrize("category", ["enterprise", "platform", "city"])
def test_missing_nothing_when_complete(category):
    definition = annex1.definition(category)
    kinds = [k.key for k in definition.attachments]
    assert rules.missing(definition, complete_data(category), kinds) == []


@pytest.mark.parametrize("category", ["enterprise", "platform", "city"])
def test_missing_lists_fields_attestations_and_attachments(category):
    definition = annex1.definition(category)
    missing = rules.missing(definition, {}, [])
    names = {m.name for m in missing}
    assert {"pledge", "cond_registered", "org_name"} <= names
    required_kinds = {k.key for k in definition.attachments if k.required}
    assert required_kinds <= names
    assert all(m.anchor == f"field-{m.name}" for m in missing)


@pytest.mark.parametrize(("category", "field", "other", "value"), [
    ("enterprise", "service_model_other", "service_model", "other"),
    ("platform", "shared_focus", "platform_class", "shared_manufacturing"),
    ("platform", "service_model", "platform_class", "other"),
    ("city", "demo_enterprises", "city_class", "comprehensive"),
    ("city", "design_centres", "city_class", "industrial_design"),
])
def test_missing_required_if(category, field, other, value):
    definition = annex1.definition(category)
    kinds = [k.key for k in definition.attachments]
    data = complete_data(category)
    data.pop(field, None)
    data[other] = value
    assert [m.name for m in rules.missing(definition, data, kinds)] == [field]
    data[other] = "something-else"
    assert [m.name for m in rules.missing(definition, data, kinds)] == []


def test_year_total():
    data = {"a_2020": "1.5", "a_2021": "2", "a_2022": "3"}
    assert rules.year_total(data, "a", (2020, 2021, 2022)) == "6.5"
    assert rules.year_total({"a_2020": "1"}, "a", (2020, 2021)) is None
