"""The recommendation list: add passed declarations within quota, reorder, remove.

Every action answers an htmx request with the list panel and an HX-Trigger `quota-changed`
event (the meters listen for it); a plain form post is redirected back to the page.
"""
from __future__ import annotations

from flask import request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from smplatform import permissions
from smplatform.enums import DeclarationState
from smplatform.extensions import db
from smplatform.models import Declaration, Recommendation
from smplatform.services import DomainError, recommendation
from smplatform.services import review as review_service
from smplatform.web import Routes, allow, found, is_htmx, lang, load, page, perform

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
    allow(permissions.is_province)
    batch = review_service.current_batch()
    if batch is None:  # a new deployment: the navigation's link still leads somewhere
        return page("_no_batch.html", title=_("Recommendation list"),
                    back=(url_for("province.dashboard"), _("Provincial review")))
    return page("province/recommendations.html", **_context(batch))


@routes.get("/recommendations/meters")
def meters():
    """The quota meters alone (refreshed by htmx on `quota-changed`)."""
    allow(permissions.is_province)
    batch = found(review_service.current_batch())
    language = lang()
    return page("province/_meters.html", meters=recommendation.meters(batch, current_user.unit),
                line_label=lambda line: recommendation.line_label(line, language))


def _change(action, done: str):
    """Perform a change of the list: htmx gets the panel (and `quota-changed` for the
    meters), a plain post the page again; a refusal shows the panel (htmx) or the page
    (409) with the reason."""
    batch = found(review_service.current_batch())

    def failed(error: DomainError):
        if is_htmx():
            return page("province/_recommend_panel.html", **_context(batch, error.message))
        return page("province/recommendations.html", status=409,
                    **_context(batch, error.message))
    return perform(action, done=done, then=url_for("province.recommendations"), status=303,
                   answer=lambda _result: page("province/_recommend_panel.html",
                                               **_context(batch)),
                   trigger="quota-changed", failed=failed)


@routes.post("/recommendations/add")
def recommend_add():
    d = load(Declaration, request.form.get("declaration_id", type=int),
             permissions.can_review_declaration)
    return _change(lambda: recommendation.add(actor=current_user, declaration=d),
                   _("Added to the recommendation list."))


@routes.post("/recommendations/<int:item_id>/move")
def recommend_move(item_id: int):
    item = load(Recommendation, item_id, permissions.can_manage_recommendations)
    return _change(lambda: recommendation.move(actor=current_user, item=item,
                                               direction=request.form.get("direction", "")),
                   _("The order was changed."))


@routes.post("/recommendations/<int:item_id>/remove")
def recommend_remove(item_id: int):
    item = load(Recommendation, item_id, permissions.can_manage_recommendations)
    return _change(lambda: recommendation.remove(actor=current_user, item=item),
                   _("Removed from the recommendation list."))
