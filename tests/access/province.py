"""Access table: provincial review and recommendation, the ministry's contacts and
submissions, the applicant's notifications."""
from tests.access import Access, only, signed_in
from tests.support import province as helpers




def _own(w, state="passed"):
    """A declaration of the officer's unit (440000), created once per world."""
    key = ("own", state)
    if key not in w.cache:
        with w.app.app_context():
            w.cache[key] = helpers.declaration(unit="440000", state=state).id
    return w.cache[key]


def _recommendation(w):
    if "rec" not in w.cache:
        from smplatform.extensions import db
        from smplatform.models import Recommendation
        w.open_batch()
        with w.app.app_context():
            d = helpers.declaration(unit="440000", state="passed")
            rec = Recommendation(batch_id=d.batch_id, unit_code="440000", declaration_id=d.id,
                                 line="enterprise", rank=1, created_at=helpers.NOW)
            db.session.add(rec)
            db.session.commit()
            w.cache["rec"] = rec.id
    return w.cache["rec"]


def _batch(w):
    """The shared open batch of the access table (deadlines ahead)."""
    w.open_batch()
    return None


def _p(path):
    """A path that needs the batch to exist."""
    def resolve(w):
        _batch(w)
        return path
    return resolve


ACCESS = [
    Access("province.queue", _p("/province/declarations"), only("province")),
    Access("province.declaration", lambda w: f"/province/declarations/{_own(w)}",
           only("province")),
    # Wrong-state POSTs re-render with 422 for the officer; everybody else is refused.
    Access("province.start_review", lambda w: f"/province/declarations/{_own(w)}/start-review",
           only("province", 422), method="POST"),
    Access("province.pass_", lambda w: f"/province/declarations/{_own(w)}/pass",
           only("province", 422), method="POST"),
    Access("province.return_", lambda w: f"/province/declarations/{_own(w)}/return",
           only("province", 422), method="POST", data={"comment": "x"}),
    Access("province.reject", lambda w: f"/province/declarations/{_own(w)}/reject",
           only("province", 422), method="POST", data={"reason": "x"}),
    Access("province.confirm_stamped",
           lambda w: f"/province/declarations/{_own(w)}/confirm-stamped",
           only("province", 422), method="POST"),
    Access("province.recommendations", _p("/province/recommendations"), only("province")),
    Access("province.meters", _p("/province/recommendations/meters"), only("province")),
    Access("province.recommend_add", _p("/province/recommendations/add"),
           only("province", 404), method="POST", data={"declaration_id": "999999"}),
    Access("province.recommend_move",
           lambda w: f"/province/recommendations/{_recommendation(w)}/move",
           only("province", 303), method="POST", data={"direction": "up"}),
    Access("province.recommend_remove", lambda w: "/province/recommendations/999999/remove",
           only("province", 404), method="POST"),
    Access("province.summary", _p("/province/summary"), only("province")),
    Access("province.summary_xlsx", _p("/province/summary.xlsx"), only("province")),
    Access("province.summary_pdf", _p("/province/summary.pdf"), only("province")),
    Access("province.summary_upload", _p("/province/summary/scan"), only("province", 422),
           method="POST"),
    Access("province.summary_scan", _p("/province/summary/scan"), only("province", 404)),
    Access("province.submit", _p("/province/submit"), only("province", 409), method="POST"),
    Access("province.contacts", _p("/province/contacts"), only("province")),
    Access("province.extensions", _p("/province/extensions"), only("province")),
    # No organisation chosen: the form's message (422).
    Access("province.extension_grant", _p("/province/extensions"), only("province", 422),
           method="POST", data={"reason": "x"}),
    Access("province.contact_add", _p("/province/contacts"), only("province", 422),
           method="POST", data={"name": ""}),
    Access("province.contact_remove", _p("/province/contacts/999999/remove"),
           only("province", 404), method="POST"),
    Access("province.deadline_set", _p("/province/deadline"), only("province", 422),
           method="POST", data={"deadline": "not a date"}),
    Access("ministry.contacts", _p("/ministry/contacts"), only("ministry")),
    Access("ministry.submissions", _p("/ministry/submissions"), only("ministry")),
    Access("ministry.send_back", _p("/ministry/units/440000/send-back"),
           only("ministry", 422), method="POST", data={"reason": ""}),
    Access("auth.notifications_list", "/account/notifications",
           signed_in(200)),
    Access("auth.notifications_read", "/account/notifications/read",
           signed_in(303), method="POST"),
]
