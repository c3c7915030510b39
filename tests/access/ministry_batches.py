"""Access table: the ministry's batch administration, quota tables and expert pool."""
from datetime import datetime, UTC

from smplatform.extensions import db
from smplatform.services import batches, experts
from tests.access import Access, only

MINISTRY_ONLY = only("ministry")
MINISTRY_REDIRECT = dict(MINISTRY_ONLY, ministry=302)


def batch(w):
    """A batch not yet open, made by the ministry user of the world."""
    if "batch" not in w.cache:
        with w.app.app_context():
            made = batches.create_batch(
                actor=db.session.merge(w.users["ministry"]), number=9, year=2027, name=None,
                opens_at=datetime(2027, 3, 1, tzinfo=UTC),
                contact_deadline=datetime(2027, 3, 20, tzinfo=UTC),
                province_deadline=datetime(2027, 5, 31, tzinfo=UTC),
                evaluation_deadline=datetime(2027, 5, 31, tzinfo=UTC))
            db.session.commit()
            w.cache["batch"] = made.id
    return w.cache["batch"]


def expert(w):
    """The world's expert, with a profile."""
    if "expert_profile" not in w.cache:
        with w.app.app_context():
            user = db.session.merge(w.users["expert"])
            experts.save_expert_profile(actor=db.session.merge(w.users["ministry"]), user=user,
                                        organisation_name="某大学", organisation_credit_code=None,
                                        unit_code="110000", fields=["industrial_design"],
                                        active=True)
            db.session.commit()
            w.cache["expert_profile"] = user.id
    return w.cache["expert_profile"]


QUOTAS = {"regular__enterprise": "10", "regular__platform_shared": "1",
          "regular__platform_other": "3", "regular__city_comprehensive": "1",
          "regular__city_design": "1", "planned__enterprise": "3",
          "planned__platform_shared": "1", "planned__platform_other": "1",
          "planned__city_any": "1"}

ACCESS = [
    Access("ministry.batches", "/ministry/batches", MINISTRY_ONLY),
    Access("ministry.batch_new", "/ministry/batches/new", MINISTRY_ONLY),
    Access("ministry.batch", lambda w: f"/ministry/batches/{batch(w)}", MINISTRY_ONLY),
    Access("ministry.batch_edit", lambda w: f"/ministry/batches/{batch(w)}/edit",
           MINISTRY_ONLY),
    Access("ministry.batch_open", lambda w: f"/ministry/batches/{batch(w)}/open",
           MINISTRY_REDIRECT, method="POST"),
    Access("ministry.batch_close", lambda w: f"/ministry/batches/{batch(w)}/close",
           MINISTRY_REDIRECT, method="POST"),
    Access("ministry.batch_quotas", lambda w: f"/ministry/batches/{batch(w)}/quotas",
           MINISTRY_REDIRECT, method="POST", data=QUOTAS),
    Access("ministry.experts", "/ministry/experts", MINISTRY_ONLY),
    Access("ministry.expert_edit", lambda w: f"/ministry/experts/{expert(w)}/edit",
           MINISTRY_ONLY),
]
