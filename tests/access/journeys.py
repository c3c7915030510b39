"""Access table: the public notices and lists page, the public's objection form, and the
ministry's handling of objections sent by the public (issue 16)."""
from datetime import UTC, datetime, timedelta

from smplatform import clock
from smplatform.enums import DeclarationState, ObjectionSource
from smplatform.extensions import db
from smplatform.models import Objection, PublicNotice
from tests.access import Access, everyone, only


def _data(w):
    """A batch whose shortlist is under notice today, with an objection from the public."""
    if "journeys" not in w.cache:
        with w.app.app_context():
            from tests.support import selection as helpers
            batch = helpers.make_batch(number=16)
            d = helpers.declaration(batch, "330000", state=DeclarationState.SHORTLISTED)
            today = clock.china(datetime.now(UTC)).date()
            db.session.add(PublicNotice(batch_id=batch.id, starts_on=today - timedelta(days=1),
                                        ends_on=today + timedelta(days=10),
                                        created_at=datetime.now(UTC)))
            objection = Objection(declaration_id=d.id, received_on=today, summary="数据不实" * 5,
                                  source=ObjectionSource.PUBLIC, reference="16-ACCESS1",
                                  objector_name="王五", objector_phone="010-12345678")
            db.session.add(objection)
            db.session.commit()
            w.cache["journeys"] = {"number": batch.number, "objection": objection.id}
    return w.cache["journeys"]


ACCESS = [
    Access("public.selection_lists", "/selection", everyone(200)),
    Access("public.objection", lambda w: f"/notice/shortlist/{_data(w)['number']}/objection",
           everyone(200)),
    Access("public.objection_received",
           lambda w: f"/notice/shortlist/{_data(w)['number']}/objection/received",
           everyone(200)),
    # Handling needs values: an empty post is refused with a message (nothing changes).
    Access("ministry.objection_handle",
           lambda w: f"/ministry/objections/{_data(w)['objection']}/handle",
           only("ministry", 302), method="POST", data={}),
]
