"""The review queue: search, filter, sort and page the unit's declarations (htmx-enhanced)."""
from __future__ import annotations

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from smplatform import fragments, permissions
from smplatform.enums import Category, CityClass, DeclarationState, PlatformClass, ServiceModel
from smplatform.extensions import db
from smplatform.models import Declaration
from smplatform.presenters import declaration_rows
from smplatform.services.review import SORTS, VISIBLE_STATES, QueueFilters, queue_query
from smplatform.services.selection import page_rows
from smplatform.services import review as review_service
from smplatform.web import Routes, allow, page

routes = Routes()

PAGE_SIZE = 25
# What the filter form offers.
FILTER_CHOICES = {"categories": tuple(Category), "service_models": tuple(ServiceModel),
                  "klasses": (*PlatformClass, *CityClass),
                  "states": tuple(DeclarationState(s) for s in VISIBLE_STATES)}


def filters_from_args(args) -> QueueFilters:
    def pick(name, allowed):
        value = args.get(name, "")
        return value if value in allowed else ""
    klasses = {c.value for c in PlatformClass} | {c.value for c in CityClass}
    return QueueFilters(
        q=args.get("q", "")[:100],
        category=pick("category", {c.value for c in Category}),
        klass=pick("klass", klasses),
        service_model=pick("service_model", {m.value for m in ServiceModel}),
        state=pick("state", set(VISIBLE_STATES)),
        low_share=args.get("low_share") == "1",
        sort=pick("sort", set(SORTS)) or "-submitted",
    )


def _filter_form_html(filters: QueueFilters):
    """The filter form, kept per language and filters chosen (fragments.kept_html):
    bench/inprocess.py measured the queue pages 7% slower without (CPU time, 20,000
    declarations: filtered 9.3 → 9.6 ms, search 9.7 → 10.3 ms; bench/RESULTS.md section 8a)."""
    return fragments.kept_html(
        ("province/_queue_filters.html", filters),
        lambda: render_template("province/_queue_filters.html", filters=filters,
                                filter_choices=FILTER_CHOICES))


@routes.get("/declarations")
def queue():
    """The unit's declarations. An htmx request aimed at the results (the filter form, the
    pager) gets the results table alone."""
    allow(permissions.is_province)
    batch = review_service.current_batch()
    if batch is None:  # a new deployment: the navigation's link still leads somewhere
        return page("_no_batch.html", title=_("Review queue"),
                    back=(url_for("province.dashboard"), _("Provincial review")))
    filters = filters_from_args(request.args)
    # Two steps: the count and the page of ids from the covering index ix_declaration_queue
    # (no row is read), then those rows (the form's values are not in them).
    query = queue_query(batch_id=batch.id, unit_code=current_user.unit_code, filters=filters)
    results = db.paginate(query.with_only_columns(Declaration.id), per_page=PAGE_SIZE,
                          error_out=False, max_per_page=PAGE_SIZE)
    results.items = declaration_rows.rows(page_rows(results.items),
                                          endpoint="province.declaration")
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return page("province/queue.html", fragment="province/_queue_results.html",
                target="queue-results", page=results, filters=filters, args=args,
                filter_form_html=_filter_form_html(filters))
