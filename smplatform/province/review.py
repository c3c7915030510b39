"""One declaration: read-only view with flags, attachments and history; the review actions."""
from __future__ import annotations

from flask import request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from smplatform import permissions
from smplatform.extensions import db
from smplatform.models import Declaration, DeclarationEvent, Recommendation
from smplatform.presenters import annex1_values
from smplatform.rules import annex1
from smplatform.services import review
from smplatform.web import Routes, lang, load, page, perform

routes = Routes()


@routes.get("/declarations/<int:declaration_id>")
def declaration(declaration_id: int):
    """The whole declaration, read-only, with the actions the officer may take now."""
    return _declaration_page(load(Declaration, declaration_id,
                                  permissions.can_review_declaration))


def _declaration_page(d: Declaration, errors: dict | None = None, status: int = 200):
    language = lang()
    events = db.session.scalars(
        select(DeclarationEvent).options(selectinload(DeclarationEvent.actor))
        .where(DeclarationEvent.declaration_id == d.id).order_by(DeclarationEvent.id)).all()
    definition = review.annex1_definition(d)
    scan, uploads_exist = review.stamped_scan(d)
    recommended = db.session.scalar(select(Recommendation.id).where(
        Recommendation.declaration_id == d.id)) is not None
    share = (annex1.service_share(d.data or {}, annex1.YEARS[-1])
             if d.category == "enterprise" else None)
    return page(
        "province/declaration.html", d=d, events=events,
        # The sections to comment on when returning, and the declaration as every reader
        # sees it (presenters/annex1_values.sections: the figures as the applicant's table).
        sections=[{"key": s.key, "title": s.title.get(language)}
                  for s in definition.sections] if definition else [],
        view_sections=annex1_values.sections(d.category, d.data, language),
        section_titles={s.key: s.title.get(language) for s in definition.sections}
        if definition else {},
        attachments=review.attachments_of(d), scan=scan, uploads_exist=uploads_exist,
        attachment_label=lambda a: annex1_values.attachment_label(d.category, a, language),
        recommended=recommended, share=share,
        errors=errors or {},
        form=request.form, status=status)


# A review step acts on a declaration of the officer's unit (`can_review_declaration`, the
# check inside the buttons' `can_act_on_declaration`). Whether the workflow allows the step
# now is the service's answer: a refusal shows the page again with the reason (422).


def _refused_on_page(d: Declaration):
    return lambda error: _declaration_page(d, errors={error.field or "action": error.message},
                                           status=422)


def _declaration_url(d: Declaration) -> str:
    return url_for("province.declaration", declaration_id=d.id)


@routes.post("/declarations/<int:declaration_id>/start-review")
def start_review(declaration_id: int):
    d = load(Declaration, declaration_id, permissions.can_review_declaration)
    return perform(lambda: review.start_review(actor=current_user, declaration=d),
                   done=_("Review started."), then=_declaration_url(d), status=303,
                   failed=_refused_on_page(d))


@routes.post("/declarations/<int:declaration_id>/pass")
def pass_(declaration_id: int):
    d = load(Declaration, declaration_id, permissions.can_review_declaration)
    return perform(lambda: review.pass_declaration(actor=current_user, declaration=d,
                                                   comment=request.form.get("comment")),
                   done=_("The declaration passed the review. The applicant has been told."),
                   then=_declaration_url(d), status=303, failed=_refused_on_page(d))


@routes.post("/declarations/<int:declaration_id>/return")
def return_(declaration_id: int):
    d = load(Declaration, declaration_id, permissions.can_review_declaration)
    sections = {key[len("section-"):]: value for key, value in request.form.items()
                if key.startswith("section-")}
    return perform(lambda: review.return_declaration(actor=current_user, declaration=d,
                                                     comment=request.form.get("comment"),
                                                     section_comments=sections),
                   done=_("The declaration was returned for revision. The applicant has been "
                          "told."),
                   then=_declaration_url(d), status=303, failed=_refused_on_page(d))


@routes.post("/declarations/<int:declaration_id>/reject")
def reject(declaration_id: int):
    d = load(Declaration, declaration_id, permissions.can_review_declaration)
    return perform(lambda: review.reject_declaration(actor=current_user, declaration=d,
                                                     reason=request.form.get("reason")),
                   done=_("The declaration was rejected. The applicant has been told."),
                   then=_declaration_url(d), status=303, failed=_refused_on_page(d))


@routes.post("/declarations/<int:declaration_id>/confirm-stamped")
def confirm_stamped(declaration_id: int):
    d = load(Declaration, declaration_id, permissions.can_review_declaration)
    return perform(lambda: review.confirm_stamped_copy(
        actor=current_user, declaration=d,
        number_matches=request.form.get("number_matches") == "1"),
        done=_("Stamped copy confirmed."), then=_declaration_url(d), status=303,
        failed=_refused_on_page(d))
