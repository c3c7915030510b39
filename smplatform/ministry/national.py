"""The national dashboard (全国工作台) and the ministry's download of declaration attachments."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select

from smplatform import fragments, permissions
from smplatform.enums import Category, CityClass, PlatformClass, ServiceModel
from smplatform.extensions import db
from smplatform.models import Batch, DeclarationAttachment
from smplatform.rules import tile_map
from smplatform.services import attachments, national, storage
from smplatform.services import figures as figures_service
from smplatform.services.review import current_batch
from smplatform.web import Routes, allow, found, lang, load, page

routes = Routes()


def _batch() -> Batch | None:
    batch_id = request.args.get("batch", type=int)
    if batch_id:
        return found(db.session.get(Batch, batch_id))
    return current_batch()


def _class_label(category: str, klass: str) -> str:
    enum = PlatformClass if category == Category.PLATFORM else CityClass
    try:
        return f"{Category(category).label}: {enum(klass).label}"
    except ValueError:
        return klass


def _model_label(model: str) -> str:
    try:
        return str(ServiceModel(model).label)
    except ValueError:
        return model


@routes.get("/")
def dashboard():
    """The 37 units as a board (contacts, submitted, passed, recommended, submission state),
    totals by category, class and service model, and two charts drawn from the same figures.
    Every figure links to the national list of declarations behind it."""
    allow(permissions.is_ministry)
    batch = _batch()
    batches = db.session.scalars(select(Batch).order_by(Batch.number.desc())).all()
    if batch is None:
        return page("ministry/dashboard.html", board=None, batch=None, batches=batches)
    max_age = current_app.config["NATIONAL_BOARD_MAX_AGE_SECONDS"]
    chosen = request.args.get("map")
    return page("ministry/dashboard.html", board=True, batch=batch,
                figures_html=_figures_html(batch, batches, max_age,
                                           chosen if chosen in MAP_FIGURES else MAP_FIGURES[0]))


def _figures_html(batch: Batch, batches: list[Batch], max_age: int, chosen: str) -> Markup:
    """The figures part of the page (~300 links, ~150 translated strings, the tile map),
    laid out once per kept count, demonstrations per unit, chosen map figure, language and
    batch list (fragments.kept_html): bench/inprocess.py measured the dashboard at 4.7 ms
    with it and 10.1 ms without (CPU time, 20,000 declarations; bench/RESULTS.md section 8a)."""
    figures = national.figures(batch.id, max_age_seconds=max_age)
    demonstrations = figures_service.unit_counts()
    if max_age <= 0:  # counted on every view: nothing to keep
        return _render_figures(batch, batches, figures, max_age, demonstrations, chosen)
    key = ("ministry/_dashboard_figures.html", batch.id, figures.at, chosen,
           tuple(sorted(demonstrations.items())),
           tuple((b.id, b.number, b.year, b.status) for b in batches))
    return fragments.kept_html(key, lambda: _render_figures(batch, batches, figures, max_age,
                                                            demonstrations, chosen))


def _render_figures(batch: Batch, batches: list[Batch], figures: national.Figures,
                    max_age: int, demonstrations: dict[str, int], chosen: str) -> Markup:
    board = national.board(batch, counted=figures)
    stage_labels = {"submitted": _("Submitted"), "passed": _("Passed the provincial review"),
                    "recommended": _("Recommended")}

    base = url_for("ministry.declarations")

    def list_url(**args):  # ~300 links per page: one url_for, then only the query string
        return f"{base}?{urlencode({'batch': batch.id, **args})}"

    charts = national.chart_data(
        board, unit_label=lambda u: u.name, category_label=lambda c: str(Category(c).label),
        stage_labels=stage_labels, list_url=list_url)
    return Markup(render_template(  # noqa: S704 (an autoescaped template)
        "ministry/_dashboard_figures.html", board=board, batch=batch, batches=batches,
        list_url=list_url, charts=charts, totals_tables=_totals_tables(board),
        max_age=max_age, demonstrations=demonstrations, chosen=chosen,
        map=_map(board, demonstrations, list_url)))


MAP_FIGURES = ("submitted", "passed", "recommended", "demonstrations")


def _map(board: national.Board, demonstrations: dict[str, int], list_url) -> dict:
    """The tile map's data: each unit's declarations, passes and recommendations of the
    batch (linking to the national list), and its demonstrations of every batch (linking to
    the registry)."""
    labels = {"submitted": _("Declarations submitted"),
              "passed": _("Passed the provincial review"), "recommended": _("Recommended"),
              "demonstrations": _("Demonstrations (every batch)")}
    values = {stage: {r.unit.code: getattr(r.counts, stage) for r in board.units}
              for stage in national.STAGES}
    urls = {stage: {r.unit.code: list_url(unit=r.unit.code, stage=stage) for r in board.units}
            for stage in national.STAGES}
    registry = url_for("public.registry_list")
    values["demonstrations"] = {r.unit.code: demonstrations.get(r.unit.code, 0)
                                for r in board.units}
    urls["demonstrations"] = {r.unit.code: f"{registry}?{urlencode({'unit': r.unit.code})}"
                              for r in board.units}
    return tile_map.build(figures=[(k, labels[k]) for k in MAP_FIGURES], values=values,
                          urls=urls, names={r.unit.code: r.unit.name for r in board.units},
                          lang=lang())


def _totals_tables(board: national.Board) -> list[tuple[str, str, list]]:
    """(caption, id, rows of (label, counts, list filters)) for the totals tables."""
    return [
        (_("Category"), "totals-category",
         [(str(Category(c).label), counts, {"category": c})
          for c, counts in board.by_category.items()]),
        (_("Class"), "totals-class",
         [(_class_label(c, k), counts, {"category": c, "klass": k})
          for (c, k), counts in board.by_class.items()]),
        (_("Service model (enterprises)"), "totals-service-model",
         [(_model_label(m), counts, {"category": Category.ENTERPRISE.value, "service_model": m})
          for m, counts in board.by_service_model.items()]),
    ]


@routes.get("/declarations/<int:declaration_id>/attachments/<int:attachment_id>")
def attachment_download(declaration_id: int, attachment_id: int):
    """Download an attachment of a submitted declaration (never a draft's)."""
    attachment = load(DeclarationAttachment, attachment_id, permissions.can_download_attachment)
    if attachment.declaration_id != declaration_id:
        abort(404)
    return storage.send(attachment.stored_file, attachments.download_name(attachment))
