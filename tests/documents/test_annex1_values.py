"""The one presenter of Annex 1 values (documents/annex1_values.py): its layout follows the form
definition, and each place's style writes the same values its own way."""
from __future__ import annotations

from decimal import Decimal

import pytest
from flask_babel import force_locale

from smplatform.presenters import annex1_values as view
from smplatform.rules import annex1
from tests.support import declarations as h

ENTERPRISE = annex1.definition("enterprise")


def _field(kind: str) -> annex1.Field:
    return next(f for f in ENTERPRISE.fields() if f.kind == kind)


@pytest.mark.parametrize("category", ["enterprise", "platform", "city"])
def test_layout_walks_every_field_in_the_forms_order(category):
    definition = annex1.definition(category)
    data = h.complete_data(category)
    laid_out = view.layout(definition, data, "zh")
    assert [[(v.field.name, v.raw) for v in s.values] for s in laid_out] == [
        [(f.name, data.get(f.name)) for f in s.fields()] for s in definition.sections]


def test_year_table_totals_and_shares():
    data = {"operating_revenue_2020": "1000", "operating_revenue_2021": "2000",
            "operating_revenue_2022": "1000", "service_revenue_2020": "400",
            "service_revenue_2021": "500", "service_revenue_2022": "250.50"}
    grid = next(i for s in view.layout(ENTERPRISE, data, "en") for i in s.items
                if isinstance(i, view.Grid) and i.shares is not None)
    totals = {r.row.name: r.total for r in grid.rows}
    assert (totals["operating_revenue"], totals["service_revenue"], grid.shares,
            grid.share_total.quantize(Decimal("0.01")), grid.low_share) == (
        Decimal("4000"), Decimal("1150.50"), [40.0, 25.0, 25.05], Decimal("28.76"), True)


def test_year_table_total_waits_for_every_year():
    grid = next(i for s in view.layout(ENTERPRISE, {"operating_revenue_2020": "5"}, "zh")
                for i in s.items if isinstance(i, view.Grid))
    assert [r.total for r in grid.rows if r.row.total] == [None] * len(
        [r for r in grid.table.rows if r.total])


def _texts(app, lang: str, field: annex1.Field, raw) -> dict[str, str]:
    with app.test_request_context("/"), force_locale("en" if lang == "en" else "zh_CN"):
        return {name: view.text(field, raw, lang, style) for name, style in (
            ("form", view.FORM), ("review", view.REVIEW), ("read", view.READ),
            ("pdf", view.PDF))}


def test_each_place_writes_a_ticked_and_an_unticked_check(app):
    check = _field("check")
    assert (_texts(app, "en", check, "1"), _texts(app, "zh", check, "")) == (
        {"form": "Yes", "review": "✓", "read": "Yes", "pdf": "✓"},
        {"form": "否", "review": "", "read": "—", "pdf": ""})


def test_each_place_writes_chosen_labels(app):
    multi = next(f for f in annex1.definition("platform").fields() if f.kind == "multichoice")
    codes = [c.value for c in multi.choices[:2]] + ["retired_code"]
    en = [c.label.en for c in multi.choices[:2]] + ["retired_code"]
    zh = [c.label.zh for c in multi.choices[:2]] + ["retired_code"]
    assert (_texts(app, "en", multi, codes), _texts(app, "zh", multi, codes)) == (
        {"form": "、".join(en), "review": "、".join(en), "read": ", ".join(en),
         "pdf": "、".join(en)},
        dict.fromkeys(("form", "review", "read", "pdf"), "、".join(zh)))


def test_each_place_writes_an_empty_value_and_a_date(app):
    date = _field("date")
    assert (_texts(app, "zh", date, ""), _texts(app, "zh", date, "2019-06-01")) == (
        {"form": "", "review": "", "read": "—", "pdf": ""},
        {"form": "2019-06-01", "review": "2019-06-01", "read": "2019-06-01",
         "pdf": "2019年6月1日"})


def test_pdf_options_mark_the_chosen_ones():
    choice = _field("choice")
    chosen = choice.choices[1]
    assert view.value(choice, chosen.value, "zh").options == [
        (c.label.zh, c is chosen) for c in choice.choices]
