"""The city's initial review (市级初审): the queue of its city's declarations, one
declaration with its content and history, pass on to the province or return for revision."""
from __future__ import annotations

from flask import request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from smplatform.models import Declaration
from smplatform.permissions import can_city_review, can_view_city_declaration, is_city
from smplatform.presenters import annex1_values
from smplatform.services import prefecture
from smplatform.services import review as review_service
from smplatform.web import Routes, allow, lang, load, page, perform

routes = Routes()


@routes.get("/")
def dashboard():
    """The city's declarations of the open batch, those awaiting its review first, with the
    cities' deadline."""
    allow(is_city)
    batch = review_service.current_batch()
    rows = prefecture.city_queue(current_user, batch) if batch else []
    setting = prefecture.setting(batch, current_user.unit_code) if batch else None
    return page("city/dashboard.html", batch=batch, rows=rows, setting=setting)


def _declaration_page(d: Declaration, *, error: str | None = None, status: int = 200):
    return page("city/declaration.html", d=d, error=error,
                sections=annex1_values.sections(d.category, d.data, lang()),
                attachments=annex1_values.attachments(d), status=status,
                setting=prefecture.setting(d.batch, d.unit_code))


@routes.get("/declarations/<int:declaration_id>")
def declaration(declaration_id: int):
    """One declaration of the city: content, attachments' list, history, the two actions."""
    return _declaration_page(load(Declaration, declaration_id, can_view_city_declaration))


@routes.post("/declarations/<int:declaration_id>/pass")
def declaration_pass(declaration_id: int):
    d = load(Declaration, declaration_id, can_city_review)
    return perform(lambda: prefecture.city_pass(actor=current_user, declaration=d,
                                                comment=request.form.get("comment")),
                   done=_("Passed on to the provincial department. The applicant has been told."),
                   failed=lambda e: _declaration_page(d, error=e.message, status=409),
                   then=url_for("city.dashboard"))


@routes.post("/declarations/<int:declaration_id>/return")
def declaration_return(declaration_id: int):
    d = load(Declaration, declaration_id, can_city_review)
    return perform(lambda: prefecture.city_return(actor=current_user, declaration=d,
                                                  comment=request.form.get("comment", "")),
                   done=_("Returned for revision. The applicant has been told."),
                   failed=lambda e: _declaration_page(d, error=e.message, status=422),
                   then=url_for("city.dashboard"))
