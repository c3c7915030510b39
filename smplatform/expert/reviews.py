"""The expert's reviews (评审): its assignments only, nothing else.

An expert sees the declarations assigned to it and its own review of each. Other experts'
reviews stay hidden, also after it has submitted its own (the simpler, safer choice). Before
declaring that it has no conflict of interest it sees only who declares; the full declaration
after accepting.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from smplatform import permissions
from smplatform.documents import annex1_view
from smplatform.extensions import db
from smplatform.models import ReviewAssignment, StoredFile
from smplatform.rules import rubric
from smplatform.services import DomainError, storage
from smplatform.services import review_assignments as service
from smplatform.web import Routes

routes = Routes()


def _lang() -> str:
    from flask_babel import get_locale
    locale = get_locale()
    return "en" if locale is not None and locale.language == "en" else "zh"


def _load(review_id: int, check=permissions.can_open_review) -> ReviewAssignment:
    return permissions.get_or_404(ReviewAssignment, review_id, check)


@routes.get("/")
def dashboard():
    """The expert's assignments with their deadlines, newest first."""
    reviews = db.session.scalars(
        select(ReviewAssignment).where(ReviewAssignment.expert_id == current_user.id)
        .order_by(ReviewAssignment.due_at.is_(None), ReviewAssignment.due_at,
                  ReviewAssignment.id)).all()
    return render_template("expert/dashboard.html", reviews=reviews)


def _page(review: ReviewAssignment, errors: dict | None = None, values: dict | None = None,
          status: int = 200):
    declaration = review.declaration
    lang = _lang()
    criteria = rubric.rubric_for(declaration.category)
    show_full = review.state in ("accepted", "submitted")
    return render_template(
        "expert/review.html", review=review, declaration=declaration, criteria=criteria,
        lang=lang, max_score=rubric.MAX_SCORE, errors=errors or {},
        scores=(values or {}).get("scores", review.scores or {}),
        comments=(values or {}).get("comments", review.comments or {}),
        sections=annex1_view.sections(declaration.category, declaration.data, lang,
                                      yes=_("Yes"), no=_("No")) if show_full else [],
        attachments=annex1_view.attachments(declaration) if show_full else [],
        attachment_label=lambda a: annex1_view.attachment_label(declaration.category, a, lang),
    ), status


@routes.get("/reviews/<int:review_id>")
def review(review_id: int):
    """One assignment: conflict-of-interest declaration, the declaration, the scoring form."""
    return _page(_load(review_id))


@routes.post("/reviews/<int:review_id>/accept")
def review_accept(review_id: int):
    """Declare no conflict of interest and accept the review."""
    review = _load(review_id)
    if request.form.get("no_conflict") != "y":
        flash(_("Tick the declaration that you have no conflict of interest."), "error")
        return redirect(url_for("expert.review", review_id=review_id))
    try:
        service.declare_no_conflict(actor=current_user, review=review)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Thank you. You can now read and score the declaration."), "success")
    return redirect(url_for("expert.review", review_id=review_id))


@routes.post("/reviews/<int:review_id>/decline")
def review_decline(review_id: int):
    """Decline the review with a reason; another expert is assigned in its place."""
    review = _load(review_id)
    try:
        service.decline(actor=current_user, review=review,
                        reason=request.form.get("reason", ""))
    except DomainError as error:
        db.session.rollback()
        if error.field == "reason":
            return _page(review, errors={"reason": error.message}, status=400)
        flash(error.message, "error")
        return redirect(url_for("expert.review", review_id=review_id))
    db.session.commit()
    flash(_("You declined this review. It has been passed to another expert."), "success")
    return redirect(url_for("expert.dashboard"))


@routes.post("/reviews/<int:review_id>/scores")
def review_scores(review_id: int):
    """Save the scores as a draft, or submit them (action=submit; only once)."""
    review = _load(review_id)
    criteria = rubric.rubric_for(review.declaration.category)
    scores = {c.key: request.form.get(f"score_{c.key}", "") for c in criteria}
    comments = {c.key: request.form.get(f"comment_{c.key}", "") for c in criteria}
    comments["overall"] = request.form.get("comment_overall", "")
    submit = request.form.get("action") == "submit"
    try:
        version = int(request.form.get("version", ""))
    except ValueError:
        version = -1
    try:
        service.save_review(actor=current_user, review=review, scores=scores,
                            comments=comments, version=version, submit=submit)
    except DomainError as error:
        db.session.rollback()
        if error.code in ("submitted", "bad_state", "stale"):
            flash(error.message, "error")
            return redirect(url_for("expert.review", review_id=review_id))
        review = _load(review_id)
        return _page(review, errors={error.field or "form": error.message},
                     values={"scores": scores, "comments": comments}, status=400)
    db.session.commit()
    flash(_("Your review has been submitted.") if submit else _("Draft saved."), "success")
    return redirect(url_for("expert.review", review_id=review_id))


@routes.get("/reviews/<int:review_id>/attachments/<int:attachment_id>")
def review_attachment(review_id: int, attachment_id: int):
    """Download an attachment of the declaration under review (after accepting)."""
    review = _load(review_id)
    if review.state not in ("accepted", "submitted"):
        abort(403)
    item = annex1_view.attachment(review.declaration, attachment_id)
    if item is None:
        abort(404)
    if not permissions.can_download_attachment(current_user, item):
        abort(403)
    stored = getattr(item, "stored_file", None) or db.session.get(
        StoredFile, getattr(item, "stored_file_id", None))
    if stored is None:
        abort(404)
    return storage.send(stored)
