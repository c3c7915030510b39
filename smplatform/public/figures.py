"""Public figures (数据统计): the demonstrations of every batch by unit (a tile map and its
table), by batch and year, category, class and service model; charts and tables, each
saying as of when; downloadable as XLSX (every table) or CSV (one table)."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from urllib.parse import urlencode

from flask import abort, current_app, make_response, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from smplatform import clock
from smplatform.documents import spreadsheet
from smplatform.enums import CityClass, PlatformClass, ServiceModel
from smplatform.extensions import db
from smplatform.models import Unit
from smplatform.permissions import can_view_public
from smplatform.rules import spreadsheet as spreadsheet_rules
from smplatform.rules import tile_map
from smplatform.rules.evaluation import DemoCategory
from smplatform.services import figures as figures_service
from smplatform.web import Routes, allow, lang, page

routes = Routes()

MAP_FIGURES = ("all", *figures_service.CATEGORIES)


@dataclass
class Table:
    """One figure as a table: `rows` are (label, [cells]), a cell a number or (number, url)."""

    key: str
    title: str
    header: list[str]
    rows: list = field(default_factory=list)
    total: list | None = None


def _registry_url(**args) -> str:
    base = url_for("public.registry_list")
    args = {k: v for k, v in args.items() if v}
    return f"{base}?{urlencode(args)}" if args else base


def _tables(f: figures_service.Figures, units: list[Unit]) -> list[Table]:
    categories = [(c.value, str(c.label)) for c in DemoCategory]
    batches = list(f.years)
    batch_heads = [_("Batch %(n)d (%(year)d)", n=n, year=f.years[n]) for n in batches]
    unit = Table("units", _("Demonstrations by provincial-level unit"),
                 [_("Provincial-level unit"), *[label for _k, label in categories], _("Total")])
    for u in units:
        counts = f.by_unit.get(u.code, {})
        unit.rows.append((u.name, [(counts.get(k, 0), _registry_url(unit=u.code, category=k))
                                   for k, _l in categories]
                          + [(f.unit_total(u.code), _registry_url(unit=u.code))]))
    unit.total = [sum(c.get(k, 0) for c in f.by_batch.values()) for k, _l in categories] \
        + [f.total]
    batch = Table("batches", _("Demonstrations by batch"),
                  [_("Batch"), *[label for _k, label in categories], _("Total")])
    for n in batches:
        counts = f.by_batch[n]
        batch.rows.append((batch_heads[batches.index(n)],
                           [(counts.get(k, 0), _registry_url(batch=n, category=k))
                            for k, _l in categories]
                           + [(sum(counts.values()), _registry_url(batch=n))]))
    batch.total = list(unit.total)
    year = Table("years", _("Demonstrations by year of publication"),
                 [_("Year"), *[label for _k, label in categories], _("Total")])
    for y, counts in f.by_year().items():
        year.rows.append((str(y), [counts.get(k, 0) for k, _l in categories]
                          + [sum(counts.values())]))
    year.total = list(unit.total)

    def by_batch_rows(table, items):
        for label, cells, args in items:
            table.rows.append((label, [(cells.get(n, 0), _registry_url(batch=n, **args))
                                       for n in batches] + [sum(cells.values())]))
        table.total = [sum(cells.get(n, 0) for _l, cells, _a in items) for n in batches] \
            + [sum(sum(cells.values()) for _l, cells, _a in items)]

    klass = Table("classes", _("Platforms and cities by class"),
                  [_("Class"), *batch_heads, _("Total")])
    labels = {("platform", k.value): f"{DemoCategory.PLATFORM.label}: {k.label}"
              for k in PlatformClass} | {("city", k.value): f"{DemoCategory.CITY.label}: "
                                         f"{k.label}" for k in CityClass}
    by_batch_rows(klass, [(labels.get(key, key[1]), cells, {"category": key[0]})
                          for key, cells in f.by_class.items()])
    model = Table("models", _("Enterprises by service model"),
                  [_("Service model"), *batch_heads, _("Total")])
    by_batch_rows(model, [(ServiceModel.label_of(key), cells, {"category": "enterprise"})
                          for key, cells in f.by_model.items()])
    return [unit, batch, year, klass, model]


def _map(f: figures_service.Figures, units: list[Unit]) -> dict:
    labels = {"all": _("All demonstrations")} | {c.value: str(c.label) for c in DemoCategory}
    figures = [(key, labels[key]) for key in MAP_FIGURES]
    values = {"all": {u.code: f.unit_total(u.code) for u in units}}
    urls = {"all": {u.code: _registry_url(unit=u.code) for u in units}}
    for key in figures_service.CATEGORIES:
        values[key] = {u.code: f.by_unit.get(u.code, {}).get(key, 0) for u in units}
        urls[key] = {u.code: _registry_url(unit=u.code, category=key) for u in units}
    return tile_map.build(figures=figures, values=values, urls=urls,
                          names={u.code: u.name for u in units}, lang=lang())


def _charts(tables: list[Table]) -> dict:
    """Bar charts drawn from the tables (the same numbers): by batch, stacked by category;
    by service model; by class."""
    def plain(cell):
        return cell[0] if isinstance(cell, tuple) else cell

    def link(cell):
        return cell[1] if isinstance(cell, tuple) else None

    batches, _years, klass, model = tables[1], tables[2], tables[3], tables[4]
    return {
        "batches": {"labels": [label for label, _c in batches.rows], "stack": True,
                    "series": [{"name": head, "data": [
                        {"value": plain(cells[i]), "url": link(cells[i])}
                        for _l, cells in batches.rows]}
                        for i, head in enumerate(batches.header[1:-1])]},
        "models": {"labels": [label for label, _c in model.rows], "horizontal": True,
                   "series": [{"name": _("Enterprises"), "data": [
                       {"value": plain(cells[-1])} for _l, cells in model.rows]}]},
        "classes": {"labels": [label for label, _c in klass.rows], "horizontal": True,
                    "series": [{"name": _("Demonstrations"), "data": [
                        {"value": plain(cells[-1])} for _l, cells in klass.rows]}]},
    }


def _load():
    f = figures_service.figures(
        max_age_seconds=current_app.config["PUBLIC_FIGURES_MAX_AGE_SECONDS"])
    units = db.session.scalars(select(Unit).order_by(Unit.code)).all()
    return f, units


@routes.get("/figures")
def figures():
    allow(can_view_public)
    f, units = _load()
    tables = _tables(f, units)
    chosen = request.args.get("map")
    return page("public/figures.html", figures=f, tables=tables, map=_map(f, units),
                charts=_charts(tables), chosen=chosen if chosen in MAP_FIGURES else "all")


def _plain_rows(table: Table) -> list[list]:
    rows = [[label, *[c[0] if isinstance(c, tuple) else c for c in cells]]
            for label, cells in table.rows]
    if table.total is not None:
        rows.append([_("Total"), *table.total])
    return rows


@routes.get("/figures/export.<fmt>")
def figures_export(fmt: str):
    """Every table as an XLSX workbook (a sheet each), or one table (`table`) as CSV; with
    the time the figures were counted."""
    allow(can_view_public)
    if fmt not in ("csv", "xlsx"):
        abort(404)
    f, units = _load()
    tables = _tables(f, units)
    stamp = _("Figures as of %(time)s (China Standard Time)",
              time=_cst(f.at))
    if fmt == "csv":
        table = next((t for t in tables if t.key == request.args.get("table", "units")), None)
        if table is None:
            abort(404)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(spreadsheet_rules.csv_row([table.title, stamp]))
        writer.writerow(spreadsheet_rules.csv_row(table.header))
        for row in _plain_rows(table):
            writer.writerow(spreadsheet_rules.csv_row(row))
        response = make_response(out.getvalue().encode("utf-8-sig"))
        response.headers["Content-Type"] = "text/csv; charset=utf-8"
        name = f"figures-{table.key}.csv"
    else:
        response = make_response(_workbook(tables, stamp))
        response.headers["Content-Type"] = (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        name = "figures.xlsx"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "public, max-age=60"
    return response


def _cst(value) -> str:
    return clock.china(value).strftime("%Y-%m-%d %H:%M")


def _workbook(tables: list[Table], stamp: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    book = Workbook()
    book.remove(book.active)
    for table in tables:
        sheet = book.create_sheet(table.key)
        spreadsheet.append(sheet, [table.title])
        sheet["A1"].font = Font(bold=True)
        spreadsheet.append(sheet, [stamp])
        spreadsheet.append(sheet, table.header)
        for row in _plain_rows(table):
            spreadsheet.append(sheet, row)
        sheet.column_dimensions["A"].width = 36
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
