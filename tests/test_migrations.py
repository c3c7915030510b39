"""Migrations keep the data they move: 0011_content takes `declaration.data` out to the 1:1
table `declaration_content`, and its downgrade puts it back; 0012_mail_backoff adds and
removes `outbox_email.next_attempt_at` and keeps the mails. Run on a database of its own
(a fresh SQLite file, or a fresh database on the test PostgreSQL server)."""
from __future__ import annotations

import json
from datetime import datetime

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.engine import make_url

from smplatform import create_app
from smplatform.extensions import db
from smplatform.models import Declaration, OutboxEmail
from smplatform.services.reference import load_reference_data
from tests.support import declarations as h
from tests.support.clients import Clock
from tests.support.factories import Factories

FORM = {"contact_title": "董事会秘书", "practices": "做法" * 500, "shared": ["a", "b"]}


@pytest.fixture
def fresh_app(database_url, tmp_path):
    """An app on an empty database of its own (nothing migrated yet)."""
    url = make_url(database_url)
    admin = None
    if url.get_backend_name() == "postgresql":
        name = "smplatform_migrations"
        admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        uri = url.set(database=name).render_as_string(hide_password=False)
    else:
        uri = f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
    app = create_app({"CONFIG": "testing", "SQLALCHEMY_DATABASE_URI": uri,
                      "UPLOAD_DIR": str(tmp_path / "uploads"), "SERVER_NAME": None})
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
    if admin is not None:
        with admin.connect() as connection:
            connection.execute(text('DROP DATABASE IF EXISTS "smplatform_migrations"'))
        admin.dispose()


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


def test_0011_round_trip_keeps_declaration_data(fresh_app):
    upgrade()
    load_reference_data()
    db.session.commit()
    Clock(fresh_app).set(h.DURING)
    user = Factories().applicant()
    d = h.start(user, h.batch5())
    d.data = {**d.data, **FORM}
    db.session.commit()
    expected, declaration_id = dict(d.data), d.id
    db.session.remove()

    downgrade(revision="0010_bench")
    assert "declaration_content" not in inspect(db.engine).get_table_names()
    with db.engine.connect() as connection:
        back = connection.execute(text("SELECT data FROM declaration WHERE id = :id"),
                                  {"id": declaration_id}).scalar_one()
    assert _json(back) == expected

    upgrade()
    assert "data" not in {c["name"] for c in inspect(db.engine).get_columns("declaration")}
    assert db.session.get(Declaration, declaration_id).data == expected


def test_0012_round_trip_keeps_outbox_mail(fresh_app):
    upgrade()
    db.session.execute(text(
        "INSERT INTO outbox_email (\"to\", subject, body, created_at, attempts, last_error, "
        "next_attempt_at) VALUES ('a@example.com', 's', 'b', :t, 2, 'refused', :t)"),
        {"t": datetime(2025, 3, 1, 2, 0)})
    db.session.commit()
    db.session.remove()

    downgrade(revision="0011_content")
    inspector = inspect(db.engine)
    assert "next_attempt_at" not in {c["name"] for c in inspector.get_columns("outbox_email")}
    assert {i["name"] for i in inspector.get_indexes("outbox_email")} == {
        "ix_outbox_email_sent_at"}
    with db.engine.connect() as connection:
        kept = connection.execute(text(
            "SELECT \"to\", attempts, last_error FROM outbox_email")).one()
    assert tuple(kept) == ("a@example.com", 2, "refused")

    upgrade()
    inspector = inspect(db.engine)
    assert {i["name"] for i in inspector.get_indexes("outbox_email")} == {"ix_outbox_email_due"}
    mail = db.session.scalar(select(OutboxEmail))
    assert (mail.to, mail.attempts, mail.next_attempt_at) == ("a@example.com", 2, None)
