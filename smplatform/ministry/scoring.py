"""Fair scoring, the ministry's view: each expert's leniency and agreement over a batch."""
from __future__ import annotations

from sqlalchemy import select

from smplatform import permissions
from smplatform.extensions import db
from smplatform.models import Batch, User
from smplatform.rules import scoring
from smplatform.services import review_assignments as service
from smplatform.web import Routes, load, page

routes = Routes()


@routes.get("/batches/<int:batch_id>/review/experts")
def review_experts(batch_id: int):
    """Per expert: reviews submitted, mean and spread, leniency (mean − batch mean), whether
    its scores could be normalised, and its distance from its co-reviewers."""
    batch = load(Batch, batch_id, permissions.can_run_selection)
    normalisation = service.batch_normalisation(batch.id)
    ids = list(normalisation.experts)
    names = dict(db.session.execute(select(User.id, User.display_name)
                                    .where(User.id.in_(ids))).all()) if ids else {}
    rows = sorted(normalisation.experts.values(), key=lambda e: (-e.leniency, e.expert_id))
    return page("ministry/review_experts.html", batch=batch, normalisation=normalisation,
                rows=rows, names=names, min_reviews=scoring.MIN_REVIEWS)
