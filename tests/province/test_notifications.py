"""Applicant notifications and the e-mail outbox delivered to a real SMTP server."""
import socket

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from sqlalchemy import select

from smplatform.extensions import db
from smplatform.models import OutboxEmail, User
from tests.support import province as helpers
from tests.support.helpers import english


class Collect(Message):
    def __init__(self):
        super().__init__()
        self.messages = []

    def handle_message(self, message):
        self.messages.append(message)


@pytest.fixture
def smtp_server(app):
    handler = Collect()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    yield handler
    controller.stop()


def test_outbox_is_delivered_by_the_cli(officer, smtp_server, app):
    _user, c = officer
    d = helpers.declaration(state="under_review")
    c.post(f"/province/declarations/{d.id}/reject", data={"reason": "材料不全"})
    result = app.test_cli_runner().invoke(args=["send-mail"])
    assert result.output.strip() == "Sent 1 e-mails, 0 failed."
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["To"] == d.organisation.contact_email
    body = message.get_payload(decode=True).decode()
    assert "材料不全" in body
    assert f"{d.electronic_number} was rejected by the province" in body
    db.session.expire_all()
    mail = db.session.scalar(select(OutboxEmail))
    assert (mail.attempts, mail.sent_at is not None, mail.last_error) == (1, True, None)
    # Nothing is sent twice.
    again = app.test_cli_runner().invoke(args=["send-mail"])
    assert again.output.strip() == "Sent 0 e-mails, 0 failed."


def test_outbox_failure_is_recorded(officer, app):
    _user, c = officer
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=closed_port)
    d = helpers.declaration()
    c.post(f"/province/declarations/{d.id}/start-review")
    result = app.test_cli_runner().invoke(args=["send-mail"])
    assert result.exit_code == 1
    db.session.expire_all()
    mail = db.session.scalar(select(OutboxEmail))
    assert (mail.attempts, mail.sent_at) == (1, None)
    assert mail.last_error.startswith("connect:")


def test_applicant_sees_notifications_and_unread_count(officer, make, login_as):
    _user, c = officer
    applicant = make.applicant(unit="440000")
    org = db.session.get(User, applicant.id).organisation
    d = helpers.declaration(org=org, state="under_review")
    other = helpers.declaration(state="under_review", name="别家企业")
    c.post(f"/province/declarations/{d.id}/pass")
    c.post(f"/province/declarations/{other.id}/pass")
    ac = english(login_as(applicant))
    page = ac.get("/account/notifications").get_data(as_text=True)
    assert f"Your declaration {d.electronic_number} passed the provincial review" in page
    assert other.electronic_number not in page
    assert 'id="unread-count">1<' in page
    assert ac.post("/account/notifications/read").status_code == 303
    assert 'id="unread-count"' not in ac.get("/account/notifications").get_data(as_text=True)
