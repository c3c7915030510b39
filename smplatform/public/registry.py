"""The public registry of demonstrations (batches 1–4 and the published selection batches):
filters, search, pages, export."""
from __future__ import annotations

import csv
import io

from flask import abort, make_response, request
from sqlalchemy import select

from smplatform.documents import spreadsheet
from smplatform.extensions import db
from smplatform.models import Unit
from smplatform.rules.evaluation import DemoCategory
from smplatform.rules.spreadsheet import csv_row
from smplatform.permissions import can_view_public
from smplatform.services import registry
from smplatform.web import Routes, allow, page

routes = Routes()

PAGE_SIZE = 30
EXPORT_LIMIT = 20000


def _filters(batches: dict[int, int]) -> dict:
    args = request.args
    batch = args.get("batch", type=int)
    category = args.get("category") or None
    unit = args.get("unit") or None
    return {
        "batch": batch if batch in batches else None,
        "category": category if category in {c.value for c in DemoCategory} else None,
        "unit_code": unit if unit and unit.isdigit() and len(unit) == 6 else None,
        "q": (args.get("q") or "").strip()[:100] or None,
    }


@routes.get("/registry")
def registry_list():
    """The registry, filtered and paginated (the filter form's htmx request gets the results
    alone)."""
    allow(can_view_public)
    batches = registry.batch_years()
    filters = _filters(batches)
    results = db.paginate(registry.search_query(**filters), per_page=PAGE_SIZE,
                          error_out=False)
    units = db.session.scalars(select(Unit).order_by(Unit.code)).all()
    args = {k if k != "unit_code" else "unit": v for k, v in filters.items() if v}
    return page("public/registry.html", fragment="public/registry_results.html",
                page=results, units=units, filters=filters,
                args=args, categories=DemoCategory, batches=batches,
                latest=registry.latest_conclusions(e.id for e in results.items))


@routes.get("/registry/export.<fmt>")
def registry_export(fmt: str):
    allow(can_view_public)
    if fmt not in ("csv", "xlsx"):
        abort(404)
    filters = _filters(registry.batch_years())
    entries = db.session.scalars(registry.search_query(**filters).limit(EXPORT_LIMIT)).all()
    rows = registry.export_rows(entries)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(registry.EXPORT_COLUMNS)
        writer.writerows(csv_row(row) for row in rows)  # names are text, never formulas
        response = make_response(out.getvalue().encode("utf-8-sig"))
        response.headers["Content-Type"] = "text/csv; charset=utf-8"
    else:
        from openpyxl import Workbook
        book = Workbook()
        sheet = book.active
        sheet.title = "registry"
        sheet.append(list(registry.EXPORT_COLUMNS))
        for row in rows:
            spreadsheet.append(sheet, row)
        buffer = io.BytesIO()
        book.save(buffer)
        response = make_response(buffer.getvalue())
        response.headers["Content-Type"] = (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response.headers["Content-Disposition"] = f'attachment; filename="demonstrations.{fmt}"'
    return response
