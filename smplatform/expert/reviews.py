"""The expert's reviews (评审): its assignments only, nothing else.

An expert sees the declarations assigned to it and its own review of each. Other experts'
reviews stay hidden, also after it has submitted its own (the simpler, safer choice). Before
declaring that it has no conflict of interest it sees only who declares; the full declaration
after accepting.
"""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from smplatform import permissions, web
from smplatform.extensions import db
from smplatform.models import ReviewAssignment, StoredFile
from smplatform.presenters import annex1_values
from smplatform.rules import rubric
from smplatform.services import DomainError, storage
from smplatform.services import review_assignments as service
from smplatform.web import Routes, allow, found, load, page, perform, refused

routes = Routes()


@routes.get("/")
def dashboard():
    """The expert's assignments with their deadlines, newest first."""
    allow(permissions.is_expert)
    reviews = db.session.scalars(
        select(ReviewAssignment).where(ReviewAssignment.expert_id == current_user.id)
        .order_by(ReviewAssignment.due_at.is_(None), ReviewAssignment.due_at,
                  ReviewAssignment.id)).all()
    return page("expert/dashboard.html", reviews=reviews)


def _page(review: ReviewAssignment, errors: dict | None = None, values: dict | None = None,
          status: int = 200):
    declaration = review.declaration
    lang = web.lang()
    criteria = rubric.rubric_for(declaration.category)
    show_full = permissions.can_read_review_declaration(current_user, review)
    return page(
        "expert/review.html", review=review, declaration=declaration, criteria=criteria,
        lang=lang, max_score=rubric.MAX_SCORE, errors=errors or {},
        scores=(values or {}).get("scores", review.scores or {}),
        comments=(values or {}).get("comments", review.comments or {}),
        sections=annex1_values.sections(declaration.category, declaration.data, lang)
        if show_full else [],
        attachments=annex1_values.attachments(declaration) if show_full else [],
        attachment_label=lambda a: annex1_values.attachment_label(declaration.category, a, lang),
        status=status)


def _review_url(review_id: int) -> str:
    return url_for("expert.review", review_id=review_id)


@routes.get("/reviews/<int:review_id>")
def review(review_id: int):
    """One assignment: conflict-of-interest declaration, the declaration, the scoring form."""
    return _page(load(ReviewAssignment, review_id, permissions.can_open_review))


@routes.post("/reviews/<int:review_id>/accept")
def review_accept(review_id: int):
    """Declare no conflict of interest and accept the review."""
    review = load(ReviewAssignment, review_id, permissions.can_open_review)
    if request.form.get("no_conflict") != "y":
        flash(_("Tick the declaration that you have no conflict of interest."), "error")
        return redirect(_review_url(review_id))
    return perform(lambda: service.declare_no_conflict(actor=current_user, review=review),
                   done=_("Thank you. You can now read and score the declaration."),
                   then=_review_url(review_id))


@routes.post("/reviews/<int:review_id>/decline")
def review_decline(review_id: int):
    """Decline the review with a reason; another expert is assigned in its place."""
    review = load(ReviewAssignment, review_id, permissions.can_open_review)

    def failed(error: DomainError):
        if error.field == "reason":
            return _page(review, errors={"reason": error.message}, status=400)
        return refused(error, _review_url(review_id))
    return perform(lambda: service.decline(actor=current_user, review=review,
                                           reason=request.form.get("reason", "")),
                   done=_("You declined this review. It has been passed to another expert."),
                   then=url_for("expert.dashboard"), failed=failed)


# Refusals that concern the review as a whole (flashed on its page), not the values typed.
WHOLE_REVIEW_REFUSALS = ("submitted", "bad_state", "stale")


@routes.post("/reviews/<int:review_id>/scores")
def review_scores(review_id: int):
    """Save the scores as a draft, or submit them (action=submit; only once)."""
    review = load(ReviewAssignment, review_id, permissions.can_open_review)
    criteria = rubric.rubric_for(review.declaration.category)
    scores = {c.key: request.form.get(f"score_{c.key}", "") for c in criteria}
    comments = {c.key: request.form.get(f"comment_{c.key}", "") for c in criteria}
    comments["overall"] = request.form.get("comment_overall", "")
    submit = request.form.get("action") == "submit"
    version = request.form.get("version", -1, type=int)

    def failed(error: DomainError):
        if error.code in WHOLE_REVIEW_REFUSALS:
            return refused(error, _review_url(review_id))
        return _page(review, errors={error.field or "form": error.message},
                     values={"scores": scores, "comments": comments}, status=400)
    return perform(lambda: service.save_review(actor=current_user, review=review, scores=scores,
                                               comments=comments, version=version,
                                               submit=submit),
                   done=_("Your review has been submitted.") if submit else _("Draft saved."),
                   then=_review_url(review_id), failed=failed)


@routes.get("/reviews/<int:review_id>/attachments/<int:attachment_id>")
def review_attachment(review_id: int, attachment_id: int):
    """Download an attachment of the declaration under review (after accepting)."""
    review = load(ReviewAssignment, review_id, permissions.can_read_review_declaration)
    item = found(annex1_values.attachment(review.declaration, attachment_id))
    stored = getattr(item, "stored_file", None) or db.session.get(
        StoredFile, getattr(item, "stored_file_id", None))
    return storage.send(found(stored))
