"""The national list of declarations (全国申报列表): search, filters, sort, pages, export;
and one declaration read-only with its history, reviews and inspections."""
from __future__ import annotations

from flask import render_template, request, send_file
from flask_babel import gettext as _
from sqlalchemy import select

from smplatform import clock, fragments, permissions
from smplatform.documents import declaration_xlsx
from smplatform.enums import Category, CityClass, DeclarationState, PlatformClass, ServiceModel
from smplatform.extensions import db
from smplatform.ministry.selection_forms import DeclarationFilterForm
from smplatform.models import Batch, Declaration, Unit
from smplatform.presenters import annex1_values, declaration_rows
from smplatform.services import review_assignments, selection
from smplatform import web
from smplatform.web import PAGE_SIZE, Routes, allow, is_htmx, load, page

routes = Routes()


# The units' names and the batches' numbers the filter form offers, as plain rows from
# statements built once: the form needs no ORM objects (37 units loaded as objects, and each
# one's name looked up in the request's language, cost 1,900 of the list's 21,500 Python calls).
_UNITS = select(Unit.code, Unit.name_zh, Unit.name_en).order_by(Unit.code)
_BATCHES = select(Batch.id, Batch.number).order_by(Batch.number.desc())


def _filter_form() -> DeclarationFilterForm:
    form = DeclarationFilterForm(request.args)
    any_ = ("", _("Any"))
    english = web.lang() == "en"
    form.unit_names = {code: en if english else zh
                       for code, zh, en in db.session.execute(_UNITS)}
    form.unit.choices = [any_] + [(code, f"{code} {name}")
                                  for code, name in form.unit_names.items()]
    form.batch.choices = [any_] + [(str(batch_id), _("Batch %(n)d", n=number))
                                   for batch_id, number in db.session.execute(_BATCHES)]
    form.klass.choices = [any_] + [
        (value, f"{category.label}: {label}")
        for category, classes in ((Category.PLATFORM, PlatformClass), (Category.CITY, CityClass))
        for value, label in classes.choices()]
    # Labels translated once here (plain strings render faster than lazy ones, option by option).
    form.category.choices = [any_, *Category.choices()]
    form.service_model.choices = [any_, *ServiceModel.choices()]
    form.state.choices = [any_, *DeclarationState.choices()]
    if not form.sort.data:
        form.sort.data = "number"
    return form


def _query(form: DeclarationFilterForm):
    if not form.validate():
        return selection.declaration_list()
    return selection.declaration_list(
        q=form.q.data, batch_id=int(form.batch.data) if form.batch.data else None,
        unit_code=form.unit.data or None, category=form.category.data or None,
        klass=form.klass.data or None, service_model=form.service_model.data or None,
        state=form.state.data or None, low_share=bool(form.low_share.data),
        sort=form.sort.data or "number", descending=bool(form.desc.data),
        stage=form.stage.data or None)


@routes.get("/declarations")
def declarations():
    """Every declaration of every unit, searched, filtered and sorted; paginated.

    The filter form works as a plain GET; htmx swaps only the results and pushes the URL,
    so every view of the list can be shared as a link.
    """
    allow(permissions.can_run_selection)
    form = _filter_form()
    # Two steps: the count and the page of ids (from an index where one covers the filters),
    # then the shown columns of those 25.
    results = db.paginate(_query(form).with_only_columns(Declaration.id), per_page=PAGE_SIZE,
                          error_out=False, max_per_page=PAGE_SIZE)
    results.items = declaration_rows.rows(
        selection.page_rows(results.items), endpoint="ministry.declaration",
        unit_names=form.unit_names)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    # The filter form (~190 options) kept per form state (fragments.kept_html): the list
    # measured 15% slower without (CPU time, bench/inprocess.py: 10.1 → 11.6 ms).
    form_html = "" if is_htmx() else fragments.kept_html(
        ("ministry/_declaration_filters.html", fragments.form_key(form)),
        lambda: render_template("ministry/_declaration_filters.html", form=form))
    return page("ministry/declarations.html", fragment="ministry/_declaration_list.html",
                form=form, page=results, args=args, filter_form_html=form_html)


@routes.get("/declarations/export.xlsx")
def declarations_export():
    """The filtered list as Excel, streamed through a temporary file (any number of rows)."""
    allow(permissions.can_run_selection)
    form = _filter_form()
    columns = (Declaration.electronic_number, Declaration.org_name, Declaration.credit_code,
               Declaration.unit_code, Declaration.category, Declaration.klass,
               Declaration.service_model, Declaration.state, Declaration.low_service_share,
               Declaration.submitted_at)
    query = _query(form).with_only_columns(*columns)
    units = {u.code: u.name for u in db.session.scalars(select(Unit))}
    categories, states = Category.label_map(), DeclarationState.label_map()
    classes = PlatformClass.label_map() | CityClass.label_map()
    models = ServiceModel.label_map()
    yes, no = _("Yes"), _("No")

    def rows():
        result = db.session.execute(query.execution_options(yield_per=declaration_xlsx.CHUNK))
        for (number, name, code, unit, category, klass, model, state, low,
             submitted) in result:
            yield (number or "", name, code, units.get(unit, unit), categories.get(category, ""),
                   classes.get(klass, "") if klass else "", models.get(model, "") if model
                   else "", states.get(state, state), yes if low else no,
                   clock.china(submitted).strftime("%Y-%m-%d %H:%M") if submitted else "")

    headers = [_("Electronic number"), _("Name"), _("Unified social credit code"),
               _("Provincial-level unit"), _("Category"), _("Class"), _("Service model"),
               _("State"), _("Service revenue share below 30%"), _("Submitted at")]
    out = declaration_xlsx.write(rows(), headers, title=_("Declarations"))
    stamp = clock.china(clock.now()).strftime("%Y%m%d-%H%M")
    response = send_file(out, as_attachment=True, download_name=f"declarations-{stamp}.xlsx",
                         mimetype="application/vnd.openxmlformats-officedocument."
                                  "spreadsheetml.sheet", max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@routes.get("/declarations/<int:declaration_id>")
def declaration(declaration_id: int):
    """One declaration read-only: its form, attachments, history, reviews, inspections."""
    declaration = load(Declaration, declaration_id, permissions.can_run_selection)
    lang = web.lang()
    return page(
        "ministry/declaration.html", declaration=declaration,
        sections=annex1_values.sections(declaration.category, declaration.data, lang),
        attachments=annex1_values.attachments(declaration),
        attachment_label=lambda a: annex1_values.attachment_label(declaration.category, a,
                                                                  lang),
        aggregate=review_assignments.aggregates([declaration])[declaration.id],
        inspections=selection.inspections_of(declaration),
        objections=selection.objections_of(declaration))
