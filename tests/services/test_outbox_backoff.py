"""The outbox retries failed e-mails with exponential backoff, against a real SMTP server
(aiosmtpd) that accepts, refuses (451) or is down (nothing listens on the port)."""
from __future__ import annotations

import socket
from datetime import datetime, timedelta, UTC

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

from smplatform.extensions import db
from smplatform.models import OutboxEmail
from smplatform.services.notifications import deliver_outbox, outbox_status

T0 = datetime(2025, 3, 1, 2, 0, tzinfo=UTC)  # 10:00 in Beijing


class Server(Message):
    """Collects the messages it accepts; while `refuse` is set, answers DATA with 451."""

    def __init__(self):
        super().__init__()
        self.messages = []
        self.refused = 0
        self.refuse = False

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            self.refused += 1
            return "451 4.3.0 Try again later"
        return await super().handle_DATA(server, session, envelope)

    def handle_message(self, message):
        self.messages.append(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(app):
    handler = Server()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port,
                      MAIL_RETRY_BASE=timedelta(minutes=1), MAIL_RETRY_CAP=timedelta(hours=1),
                      MAIL_MAX_ATTEMPTS=10)
    yield handler
    controller.stop()


@pytest.fixture
def smtp_down(app):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=_free_port(),
                      MAIL_RETRY_BASE=timedelta(minutes=1), MAIL_RETRY_CAP=timedelta(hours=1),
                      MAIL_MAX_ATTEMPTS=10)


def queue(to: str = "a@example.com") -> int:
    from smplatform import clock
    mail = OutboxEmail(to=to, subject="通知", body="正文\n\nBody\n", created_at=clock.now())
    db.session.add(mail)
    db.session.commit()
    return mail.id


def run(app, *args) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(args=["send-mail", *args])
    db.session.expire_all()
    return result.exit_code, result.output


def state(mail_id: int):
    db.session.expire_all()
    mail = db.session.get(OutboxEmail, mail_id)
    return mail.attempts, mail.sent_at, mail.next_attempt_at


def test_failed_mail_is_not_retried_on_an_immediate_second_run(app, smtp, clock):
    clock.set(T0)
    mail_id = queue()
    smtp.refuse = True
    assert run(app) == (1, "Sent 0 e-mails, 1 failed.\n1 waiting for a retry; the next is due "
                           "at 2025-03-01 10:01:00 CST.\n")
    assert state(mail_id) == (1, None, T0 + timedelta(minutes=1))
    assert db.session.get(OutboxEmail, mail_id).last_error.startswith("(451, b'4.3.0 Try")
    clock.advance(seconds=5)
    assert run(app) == (0, "Sent 0 e-mails, 0 failed.\n1 waiting for a retry; the next is due "
                           "at 2025-03-01 10:01:00 CST.\n")
    assert (smtp.refused, len(smtp.messages)) == (1, 0)
    assert state(mail_id) == (1, None, T0 + timedelta(minutes=1))


def test_failed_mail_is_retried_once_the_backoff_has_passed(app, smtp, clock):
    clock.set(T0)
    mail_id = queue()
    smtp.refuse = True
    run(app)
    smtp.refuse = False
    clock.set(T0 + timedelta(seconds=59))
    assert run(app) == (0, "Sent 0 e-mails, 0 failed.\n1 waiting for a retry; the next is due "
                           "at 2025-03-01 10:01:00 CST.\n")
    assert len(smtp.messages) == 0
    clock.set(T0 + timedelta(minutes=1))
    assert run(app) == (0, "Sent 1 e-mails, 0 failed.\n")
    assert [m["To"] for m in smtp.messages] == ["a@example.com"]
    assert state(mail_id) == (2, T0 + timedelta(minutes=1), None)
    assert db.session.get(OutboxEmail, mail_id).last_error is None


def test_backoff_delays_grow_and_are_capped(app, smtp, clock):
    app.config.update(MAIL_RETRY_CAP=timedelta(minutes=5), MAIL_MAX_ATTEMPTS=8)
    clock.set(T0)
    mail_id = queue()
    smtp.refuse = True
    run(app)
    delays = []
    for _ in range(6):
        _attempts, _sent, due = state(mail_id)
        delays.append(due - clock())
        clock.set(due - timedelta(seconds=1))
        tried = smtp.refused
        assert run(app)[0] == 0
        assert smtp.refused == tried  # one second early: not tried
        clock.set(due)
        assert run(app)[0] == 1
        assert smtp.refused == tried + 1
    assert delays == [timedelta(minutes=m) for m in (1, 2, 4, 5, 5, 5)]
    assert state(mail_id) == (7, None, clock() + timedelta(minutes=5))


def test_delivered_mail_is_not_sent_again(app, smtp, clock):
    clock.set(T0)
    mail_id = queue()
    assert run(app) == (0, "Sent 1 e-mails, 0 failed.\n")
    clock.advance(days=2)
    assert run(app) == (0, "Sent 0 e-mails, 0 failed.\n")
    assert len(smtp.messages) == 1
    assert state(mail_id) == (1, T0, None)


def test_mail_stops_after_max_attempts_and_stays_visible_as_failed(app, smtp, clock):
    app.config.update(MAIL_MAX_ATTEMPTS=3)
    clock.set(T0)
    mail_id = queue("gone@example.com")
    smtp.refuse = True
    for _ in range(3):
        run(app)
        clock.advance(hours=1)
    assert state(mail_id) == (3, None, None)
    assert smtp.refused == 3
    clock.advance(days=7)
    assert run(app) == (0, "Sent 0 e-mails, 0 failed.\n1 failed for good (all attempts used): "
                           "see `flask outbox`.\n")
    assert smtp.refused == 3
    listing = app.test_cli_runner().invoke(args=["outbox"]).output
    assert listing == (f"#{mail_id} gone@example.com attempts 3/3 FAILED (all attempts used) "
                       "last error: (451, b'4.3.0 Try again later')\n1 unsent e-mails.\n")


def test_server_down_backs_off_every_waiting_mail(app, smtp_down, clock):
    clock.set(T0)
    first, second = queue(), queue("b@example.com")
    assert run(app)[0] == 1
    assert state(first) == state(second) == (1, None, T0 + timedelta(minutes=1))
    assert db.session.get(OutboxEmail, first).last_error.startswith("connect:")
    clock.advance(seconds=30)
    assert run(app) == (0, "Sent 0 e-mails, 0 failed.\n2 waiting for a retry; the next is due "
                           "at 2025-03-01 10:01:00 CST.\n")
    assert state(first) == (1, None, T0 + timedelta(minutes=1))
    clock.set(T0 + timedelta(minutes=1))
    assert run(app)[0] == 1
    assert state(first) == state(second) == (2, None, T0 + timedelta(minutes=3))


def test_delivery_takes_due_mails_oldest_first_up_to_the_limit(app, smtp, clock):
    clock.set(T0)
    waiting = queue("waiting@example.com")
    smtp.refuse = True
    run(app)  # `waiting` now waits until T0 + 1 minute
    smtp.refuse = False
    due = [queue(f"due{n}@example.com") for n in range(3)]
    assert deliver_outbox(limit=2) == (2, 0)
    db.session.commit()
    assert deliver_outbox(limit=2) == (1, 0)
    db.session.commit()
    assert [m["To"] for m in smtp.messages] == [f"due{n}@example.com" for n in range(3)]
    assert [state(i)[1] for i in due] == [T0, T0, T0]
    assert state(waiting) == (1, None, T0 + timedelta(minutes=1))
    assert outbox_status() == outbox_status().__class__(
        due=0, waiting=1, next_attempt_at=T0 + timedelta(minutes=1), failed=0)


def test_outbox_command_shows_when_the_next_attempt_is_due(app, smtp, clock):
    clock.set(T0)
    smtp.refuse = True
    waiting = queue("waiting@example.com")
    run(app)
    smtp.refuse = False
    fresh = queue("fresh@example.com")
    delivered = queue("sent@example.com")
    db.session.get(OutboxEmail, delivered).sent_at = T0
    db.session.commit()
    listing = app.test_cli_runner().invoke(args=["outbox"]).output
    assert listing == (
        f"#{waiting} waiting@example.com attempts 1/10 next attempt 2025-03-01 10:01:00 CST "
        "last error: (451, b'4.3.0 Try again later')\n"
        f"#{fresh} fresh@example.com attempts 0/10 due now\n"
        "2 unsent e-mails.\n")
