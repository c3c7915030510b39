"""Access table: the ministry's selection (expert review, inspection, decision, national list),
the expert's reviews and the public shortlist and published pages."""
from datetime import date, datetime, UTC

from smplatform.enums import ReviewState
from smplatform.extensions import db
from smplatform.models import PublicNotice, ReviewAssignment
from tests.access import Access, everyone, only

EVERYONE = everyone(200)
MINISTRY_ONLY = only("ministry")
MINISTRY_REDIRECT = dict(MINISTRY_ONLY, ministry=302)
MINISTRY_INVALID = dict(MINISTRY_ONLY, ministry=400)
MINISTRY_MISSING = dict(MINISTRY_ONLY, ministry=404)
EXPERT_ONLY = only("expert")
EXPERT_REDIRECT = dict(EXPERT_ONLY, expert=302)


def _data(w):
    """A batch with a forwarded declaration, reviews for the world's expert in three states,
    and a public notice that has started and whose list is published."""
    if "selection" not in w.cache:
        with w.app.app_context():
            from tests.support import selection as helpers
            batch = helpers.make_batch(number=7)
            declaration = helpers.declaration(batch, "320000")
            expert_id = w.users["expert"].id
            now = datetime(2023, 6, 1, tzinfo=UTC)
            reviews = {}
            for key, state in (("open", ReviewState.ASSIGNED), ("decline", ReviewState.ASSIGNED),
                               ("accepted", ReviewState.ACCEPTED)):
                d = declaration if key == "open" else helpers.declaration(batch, "310000")
                row = ReviewAssignment(declaration_id=d.id, expert_id=expert_id, state=state,
                                       scores={}, comments={}, assigned_at=now)
                db.session.add(row)
                db.session.flush()
                reviews[key] = row.id
            db.session.add(PublicNotice(batch_id=batch.id, starts_on=date(2023, 7, 1),
                                        ends_on=date(2023, 7, 7), created_at=now,
                                        published_at=now))
            db.session.commit()
            w.cache["selection"] = {"batch": batch.id, "number": batch.number,
                                    "declaration": declaration.id, "reviews": reviews}
    return w.cache["selection"]


def batch(w):
    return _data(w)["batch"]


def declaration(w):
    return _data(w)["declaration"]


def review(w, key="open"):
    return _data(w)["reviews"][key]


ACCESS = [
    # The expert's own reviews (the world's expert owns them; everyone else is refused).
    Access("expert.review", lambda w: f"/expert/reviews/{review(w)}", EXPERT_ONLY),
    Access("expert.review_scores", lambda w: f"/expert/reviews/{review(w)}/scores",
           EXPERT_REDIRECT, method="POST", data={"action": "save", "version": "1"}),
    Access("expert.review_accept", lambda w: f"/expert/reviews/{review(w)}/accept",
           EXPERT_REDIRECT, method="POST", data={"no_conflict": "y"}),
    Access("expert.review_attachment",
           lambda w: f"/expert/reviews/{review(w, 'accepted')}/attachments/999999",
           dict(EXPERT_ONLY, expert=404)),
    Access("expert.review_decline", lambda w: f"/expert/reviews/{review(w, 'decline')}/decline",
           EXPERT_REDIRECT, method="POST", data={"reason": "曾为该单位提供咨询"}),
    # The ministry's expert review.
    Access("ministry.review", lambda w: f"/ministry/batches/{batch(w)}/review", MINISTRY_ONLY),
    # No due date: refused with a message, back to the review page.
    Access("ministry.review_reassign_overdue",
           lambda w: f"/ministry/batches/{batch(w)}/review/reassign-overdue", MINISTRY_REDIRECT,
           method="POST"),
    Access("ministry.review_experts", lambda w: f"/ministry/batches/{batch(w)}/review/experts",
           MINISTRY_ONLY),
    # The world's pool cannot staff 3 reviewers: refused before assigning (400).
    Access("ministry.review_assign", lambda w: f"/ministry/batches/{batch(w)}/review/assign",
           MINISTRY_INVALID, method="POST", data={"per_declaration": "3"}),
    Access("ministry.declaration_review",
           lambda w: f"/ministry/declarations/{declaration(w)}/review", MINISTRY_ONLY),
    Access("ministry.reviewer_add", lambda w: f"/ministry/declarations/{declaration(w)}/reviewers",
           MINISTRY_INVALID, method="POST", data={}),
    Access("ministry.reviewer_remove", lambda w: f"/ministry/reviews/{review(w)}/remove",
           MINISTRY_REDIRECT, method="POST"),
    Access("ministry.expert_outcome",
           lambda w: f"/ministry/declarations/{declaration(w)}/expert-outcome",
           MINISTRY_INVALID, method="POST", data={}),
    # Inspection.
    Access("ministry.inspection", lambda w: f"/ministry/declarations/{declaration(w)}/inspection",
           MINISTRY_ONLY),
    Access("ministry.inspection_record",
           lambda w: f"/ministry/declarations/{declaration(w)}/inspection",
           MINISTRY_INVALID, method="POST", data={}),
    Access("ministry.inspection_document", "/ministry/inspections/999999/documents/1",
           MINISTRY_MISSING),
    # Decision, notice, objections, publication.
    Access("ministry.decisions", lambda w: f"/ministry/batches/{batch(w)}/decisions",
           MINISTRY_ONLY),
    Access("ministry.decide", lambda w: f"/ministry/declarations/{declaration(w)}/decision",
           MINISTRY_REDIRECT, method="POST", data={"decision": "shortlist"}),
    Access("ministry.notice_start", lambda w: f"/ministry/batches/{batch(w)}/notice",
           MINISTRY_INVALID, method="POST", data={}),
    Access("ministry.objection_record",
           lambda w: f"/ministry/declarations/{declaration(w)}/objections",
           MINISTRY_INVALID, method="POST", data={}),
    Access("ministry.remove_after_notice",
           lambda w: f"/ministry/declarations/{declaration(w)}/remove-after-notice",
           MINISTRY_REDIRECT, method="POST"),
    Access("ministry.publish", lambda w: f"/ministry/batches/{batch(w)}/publish",
           MINISTRY_REDIRECT, method="POST"),
    # The national list.
    Access("ministry.declarations", "/ministry/declarations", MINISTRY_ONLY),
    Access("ministry.declarations_export", "/ministry/declarations/export.xlsx", MINISTRY_ONLY),
    Access("ministry.declaration", lambda w: f"/ministry/declarations/{declaration(w)}",
           MINISTRY_ONLY),
    # Public pages.
    Access("public.shortlist_notice", lambda w: f"/notice/shortlist/{_data(w)['number']}",
           EVERYONE),
    Access("public.published", lambda w: f"/published/{_data(w)['number']}", EVERYONE),
    Access("public.published_export", lambda w: f"/published/{_data(w)['number']}/export.xlsx",
           EVERYONE),
]
