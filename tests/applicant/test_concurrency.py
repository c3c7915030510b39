"""Two submissions of the same version at the same moment (double click, two tabs) yield one
submission, on SQLite and PostgreSQL: the conditional UPDATE lets exactly one through."""
from __future__ import annotations

import threading

from sqlalchemy import select

from smplatform.extensions import db
from smplatform.models import Declaration, DeclarationCounter, DeclarationEvent
from tests.support import declarations as h


def test_two_concurrent_submissions_yield_one(app, make, login_as, clock):
    clock.set(h.DURING)
    batch = h.batch5()
    applicant = make.applicant()
    d = h.ready(applicant, batch)
    version = d.version
    clients = [login_as(applicant), login_as(applicant)]
    tokens = [c.csrf_token() for c in clients]
    barrier = threading.Barrier(2)
    statuses = [None, None]

    def post(i):
        barrier.wait()
        with app.app_context():
            response = clients[i].post(f"/applicant/declarations/{d.id}/submit",
                                       data={"version": str(version),
                                             "csrf_token": tokens[i]})
            statuses[i] = response.status_code
            db.session.remove()

    threads = [threading.Thread(target=post, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    db.session.expire_all()
    assert sorted(statuses) == [302, 409]
    d = db.session.get(Declaration, d.id)
    assert (d.state, d.electronic_number, d.version) == ("submitted", "2023-440000-E-0001",
                                                         version + 1)
    events = db.session.scalars(select(DeclarationEvent)).all()
    assert [e.action for e in events] == ["submit"]
    assert db.session.scalar(select(DeclarationCounter.last)) == 1
