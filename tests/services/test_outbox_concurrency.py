"""`flask send-mail` run twice at the same moment (as on two nodes from cron) delivers each
e-mail exactly once: two real processes, the test database (SQLite file or PostgreSQL), a
real SMTP server (aiosmtpd) that takes a few milliseconds per message so that the runs
overlap."""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from sqlalchemy import func, select

from smplatform import clock
from smplatform.extensions import db
from smplatform.models import OutboxEmail
from tests.support.helpers import write_test_key_file
from tests.support.s3 import free_port

ROOT = Path(__file__).resolve().parents[2]
MAILS = 120


class SlowServer(Message):
    def __init__(self):
        super().__init__()
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.01)
        return await super().handle_DATA(server, session, envelope)

    def handle_message(self, message):
        self.messages.append(message)


@pytest.fixture
def smtp():
    handler = SlowServer()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield handler, controller.port
    controller.stop()


def send_mail_process(database_url: str, port: int, key_file: str) -> subprocess.Popen:
    env = dict(os.environ, SMPLATFORM_CONFIG="development", DATABASE_URL=database_url,
               SECRET_KEY="outbox-test-" + os.urandom(8).hex(), SMPLATFORM_KEY_FILE=key_file,
               SMPLATFORM_SMTP_HOST="127.0.0.1", SMPLATFORM_SMTP_PORT=str(port))
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "send-mail",
                             "--limit", "1000", "--batch", "10"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)


def test_two_send_mail_runs_at_once_deliver_each_mail_once(app, smtp, tmp_path):
    handler, port = smtp
    for n in range(MAILS):
        db.session.add(OutboxEmail(to=f"user{n}@example.com", subject=f"通知 {n}", body="正文",
                                   created_at=clock.now()))
    db.session.commit()

    url = app.config["SQLALCHEMY_DATABASE_URI"]
    key_file = write_test_key_file(tmp_path)  # the addresses are encrypted with the test keys
    runs = [send_mail_process(url, port, key_file) for _ in range(2)]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs

    delivered = Counter(message["To"] for message in handler.messages)
    assert delivered == Counter({f"user{n}@example.com": 1 for n in range(MAILS)})
    sent = [int(out.split("Sent ", 1)[1].split(" ", 1)[0]) for out in outputs]
    assert sum(sent) == MAILS, outputs
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).where(OutboxEmail.sent_at.is_(None))) == 0
    assert set(db.session.scalars(select(OutboxEmail.attempts))) == {1}
