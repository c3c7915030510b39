"""Races between the two nodes, decided by PostgreSQL (through PgBouncer) as on one machine:
two officers recommending the last quota place at once, and `send-mail` run on both nodes
at once."""
from __future__ import annotations

import threading
from collections import Counter

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from sqlalchemy import func, select

from smplatform import clock
from smplatform.extensions import db
from smplatform.models import OutboxEmail, Recommendation
from smplatform.services import recommendation
from tests.support.factories import Factories
from tests.support import province as province
from tests.support import reliability as helpers


def test_two_officers_on_two_nodes_take_the_last_quota_place_exactly_once(cluster):
    """Guangdong's enterprise quota is 10: 9 places are taken, two officers (each signed in
    through nginx, their posts landing on different nodes) add a 10th at the same moment."""
    helpers.open_batch_now()
    make = Factories()
    first, second = make.province("440000"), make.province("440000")
    declarations = province.passed(11)
    for d in declarations[:9]:
        recommendation.add(actor=first, declaration=d)
    db.session.commit()

    officers = [cluster.client("127.0.4.1"), cluster.client("127.0.4.2")]
    tokens = []
    for browser, user in zip(officers, (first, second), strict=True):
        assert browser.sign_in(user.username).status == 302
        tokens.append(browser.get("/province/recommendations").csrf())
    last = [str(d.id) for d in declarations[9:]]
    barrier = threading.Barrier(2)
    answers = [None, None]

    def add(i: int) -> None:
        barrier.wait()
        answers[i] = officers[i].post("/province/recommendations/add", {
            "declaration_id": last[i], "csrf_token": tokens[i]})

    threads = [threading.Thread(target=add, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)

    assert {a.headers["X-Upstream"] for a in answers} == {n.address for n in cluster.nodes}
    won = [a for a in answers if a.status in (302, 303)]
    lost = [a for a in answers if a.status == 409]
    assert (len(won), len(lost)) == (1, 1), [a.status for a in answers]
    assert "is used up (10 of 10)" in lost[0].body
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Recommendation)) == 10
    ranks = sorted(db.session.scalars(select(Recommendation.rank)))
    assert ranks == list(range(1, 11))


class Inbox(Message):
    def __init__(self):
        super().__init__()
        self.messages = []

    def handle_message(self, message):
        self.messages.append(message)


@pytest.fixture
def inbox(cluster):
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=cluster.smtp_port)
    controller.start()
    yield handler
    controller.stop()


def test_send_mail_on_both_nodes_at_once_delivers_each_mail_once(cluster, inbox):
    mails = 300
    for n in range(mails):
        db.session.add(OutboxEmail(to=f"org{n}@example.com", subject=f"通知 {n}", body="正文",
                                   created_at=clock.now()))
    db.session.commit()
    runs = [node.popen_flask("send-mail", "--limit", "1000", "--batch", "10")
            for node in cluster.nodes]
    outputs = [run.communicate(timeout=180)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs

    delivered = Counter(message["To"] for message in inbox.messages)
    assert delivered == Counter({f"org{n}@example.com": 1 for n in range(mails)})
    sent = [int(out.rsplit("Sent ", 1)[1].split(" ", 1)[0]) for out in outputs]
    assert sum(sent) == mails, outputs
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).where(OutboxEmail.sent_at.is_(None))) == 0
