"""The recommendation list: add passed declarations within quota, reorder, remove.

Every action answers an htmx request with the list panel and an HX-Trigger `quota-changed`
event (the meters listen for it); a plain form post is redirected back to the page.
"""
from __future__ import annotations

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from smplatform import permissions
from smplatform.enums import DeclarationState
from smplatform.extensions import db
from smplatform.models import Declaration, Recommendation
from smplatform.services import DomainError, recommendation
from smplatform.services import review as review_service
from smplatform.web import Routes, found, is_htmx, lang

routes = Routes()


def _context(batch, error: str | None = None) -> dict:
    unit = current_user.unit
    items = recommendation.recommendations(batch.id, unit.code)
    listed = {r.declaration_id for r in items}
    candidates = [d for d in db.session.scalars(
        select(Declaration).where(Declaration.batch_id == batch.id,
                                  Declaration.unit_code == unit.code,
                                  Declaration.state == DeclarationState.PASSED)
        .order_by(Declaration.category, Declaration.org_name)) if d.id not in listed]
    submission = recommendation.get_submission(batch.id, unit.code)
    language = lang()
    return {"batch": batch, "unit": unit, "items": items, "candidates": candidates,
            "meters": recommendation.meters(batch, unit), "submission": submission,
            "locked": bool(submission and submission.locked), "error": error,
            "line_label": lambda line: recommendation.line_label(line, language),
            "line_of": lambda d: recommendation.line_of(d, unit)}


@routes.get("/recommendations")
def recommendations():
    batch = found(review_service.current_batch())
    response = make_response(render_template("province/recommendations.html", **_context(batch)))
    response.headers["Vary"] = "HX-Request"
    return response


@routes.get("/recommendations/meters")
def meters():
    """The quota meters alone (refreshed by htmx on `quota-changed`)."""
    batch = found(review_service.current_batch())
    return render_template("province/_meters.html",
                           meters=recommendation.meters(batch, current_user.unit),
                           line_label=lambda line: recommendation.line_label(line, lang()))


def _answer(batch, success: str | None, error: str | None):
    if is_htmx():
        response = make_response(render_template("province/_recommend_panel.html",
                                                  **_context(batch, error)))
        if success:
            response.headers["HX-Trigger"] = "quota-changed"
        response.headers["Vary"] = "HX-Request"
        return response
    if error:
        response = make_response(render_template("province/recommendations.html",
                                                 **_context(batch, error)), 409)
        return response
    flash(success, "success")
    return redirect(url_for("province.recommendations"), 303)


def _run(action, success: str):
    batch = found(review_service.current_batch())
    try:
        action()
    except DomainError as error:
        db.session.rollback()
        return _answer(batch, None, error.message)
    db.session.commit()
    return _answer(batch, success, None)


@routes.post("/recommendations/add")
def recommend_add():
    declaration_id = request.form.get("declaration_id", type=int)
    d = permissions.get_or_404(Declaration, declaration_id, permissions.can_review_declaration)
    return _run(lambda: recommendation.add(actor=current_user, declaration=d),
                _("Added to the recommendation list."))


@routes.post("/recommendations/<int:item_id>/move")
def recommend_move(item_id: int):
    item = permissions.get_or_404(Recommendation, item_id,
                                  permissions.can_manage_recommendations)
    return _run(lambda: recommendation.move(actor=current_user, item=item,
                                            direction=request.form.get("direction", "")),
                _("The order was changed."))


@routes.post("/recommendations/<int:item_id>/remove")
def recommend_remove(item_id: int):
    item = permissions.get_or_404(Recommendation, item_id,
                                  permissions.can_manage_recommendations)
    return _run(lambda: recommendation.remove(actor=current_user, item=item),
                _("Removed from the recommendation list."))
