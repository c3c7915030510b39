"""Public pages of the selection: the shortlist under public notice (公示) and the published
list of demonstrations, searchable and exportable. Only public columns are shown: name,
category and class, provincial-level unit."""
from __future__ import annotations

from flask import abort, request, send_file
from flask_babel import gettext as _
from sqlalchemy import select

from smplatform.documents import declaration_xlsx
from smplatform.enums import Category, CityClass, DeclarationState, PlatformClass
from smplatform.extensions import db
from smplatform.models import Batch
from smplatform.permissions import can_view_public
from smplatform.services import selection
from smplatform.web import Routes, allow, found, lang, page

routes = Routes()

S = DeclarationState


def _batch(number: int) -> Batch:
    return found(db.session.scalar(select(Batch).where(Batch.number == number)))


def _class_labels() -> dict:
    return {m.value: m.label for m in PlatformClass} | {m.value: m.label for m in CityClass}


@routes.get("/notice/shortlist/<int:number>")
def shortlist_notice(number: int):
    """The shortlist under public notice, from the notice's first day on."""
    allow(can_view_public)
    batch = _batch(number)
    notice = selection.notice_of(batch)
    if not selection.notice_visible(notice):
        abort(404)
    rows = db.session.execute(selection.public_list(batch, selection.SHORTLIST_STATES)).all()
    return page("public/shortlist.html", batch=batch, notice=notice, rows=rows,
                classes=_class_labels(), english=lang() == "en")


def _published(number: int):
    batch = _batch(number)
    notice = selection.notice_of(batch)
    if notice is None or notice.published_at is None:
        abort(404)
    return batch, notice


@routes.get("/published/<int:number>")
def published(number: int):
    """The published demonstrations of a batch, searchable by name, unit and category (the
    search form's htmx request gets the list alone)."""
    allow(can_view_public)
    batch, notice = _published(number)
    q, category = request.args.get("q", "")[:100], request.args.get("category", "")
    rows = db.session.execute(selection.public_list(batch, [S.PUBLISHED], q=q,
                                                    category=category)).all()
    return page("public/published.html", fragment="public/_published_list.html",
                batch=batch, notice=notice, rows=rows, q=q,
                category=category, categories=Category.choices(), classes=_class_labels(),
                english=lang() == "en")


@routes.get("/published/<int:number>/export.xlsx")
def published_export(number: int):
    """The published list (with the same search) as Excel."""
    allow(can_view_public)
    batch, _notice = _published(number)
    english = lang() == "en"
    query = selection.public_list(batch, [S.PUBLISHED], q=request.args.get("q", "")[:100],
                                  category=request.args.get("category", ""))
    categories = {m.value: str(m.label) for m in Category}
    classes = {k: str(v) for k, v in _class_labels().items()}
    title = _("Batch %(n)d", n=batch.number)

    def rows():
        for row in db.session.execute(query):
            unit = row.name_en if english else row.name_zh
            name = (row.city_en if english else row.city_zh) if row.city_zh else row.org_name
            yield (name, categories.get(row.category, ""),
                   classes.get(row.klass, "") if row.klass else "", unit)

    out = declaration_xlsx.write(rows(), [_("Name"), _("Category"), _("Class"),
                                          _("Provincial-level unit")], title=title)
    return send_file(out, as_attachment=True, download_name=f"published-batch-{number}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml"
                              ".sheet", max_age=0)
