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


def _legacy_audit(connection, count: int) -> None:
    """Audit entries sealed as before 0019: a SHA-256 chain, written as SQL."""
    from smplatform.rules.audit_chain import GENESIS, entry_payload, link
    last = GENESIS
    at = datetime(2025, 3, 1, 2, 0)
    for seq in range(1, count + 1):
        values = {"at": at, "actor_id": None, "actor_name": f"cli-{seq}", "ip": None,
                  "action": "user.create", "outcome": "success", "object_type": None,
                  "object_id": None, "unit_code": None, "detail": {"n": seq}}
        from datetime import UTC
        payload = entry_payload(seq=seq, **{**values, "at": at.replace(tzinfo=UTC)})
        digest = link(last, payload)
        connection.execute(text(
            "INSERT INTO audit_entry (at, actor_name, action, outcome, detail, seq, prev_hash, "
            "hash) VALUES (:at, :actor_name, :action, :outcome, :detail, :seq, :prev, :hash)"),
            {**values, "detail": json.dumps(values["detail"]), "seq": seq, "prev": last,
             "hash": digest})
        last = digest
    connection.execute(text("DELETE FROM audit_chain_head"))
    connection.execute(text("INSERT INTO audit_chain_head (id, seq, last_hash) "
                            "VALUES (1, :seq, :hash)"), {"seq": count, "hash": last})


PERSONAL = {"contact_name": "王五", "contact_mobile": "13700001111",
            "contact_email": "wangwu@example.com"}


def test_0019_encrypts_personal_data_in_place_and_back(fresh_app):
    from smplatform.crypto import is_encrypted
    from smplatform.models import Organisation, User
    from smplatform.services.audit import verify_chain
    upgrade(revision="0018_prefecture")
    load_reference_data()
    db.session.commit()
    with db.engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO organisation (org_type, name, credit_code, unit_code, contact_name, "
            "contact_mobile, contact_email, created_at) VALUES ('enterprise', '甲公司', "
            "'91350100M000100Y43', '440000', :contact_name, :contact_mobile, "
            ":contact_email, :t)"), {**PERSONAL, "t": datetime(2025, 3, 1)})
        connection.execute(text(
            "INSERT INTO user_account (username, display_name, email, password_hash, role, "
            "created_at) VALUES ('wang', '王五', 'WangWu@example.com', 'x', 'applicant', :t)"),
            {"t": datetime(2025, 3, 1)})
        _legacy_audit(connection, 3)
    db.session.remove()

    upgrade()
    with db.engine.connect() as connection:
        raw = connection.execute(text("SELECT contact_name, contact_mobile, contact_email "
                                      "FROM organisation")).one()
        email, index = connection.execute(text(
            "SELECT email, email_index FROM user_account")).one()
    assert [is_encrypted(v) for v in (*raw, email)] == [True] * 4
    org = db.session.scalar(select(Organisation))
    user = db.session.scalar(select(User))
    assert ({k: getattr(org, k) for k in PERSONAL}, user.email) == (
        PERSONAL, "WangWu@example.com")
    from smplatform.crypto import ring
    assert index == ring().blind_index("wangwu@example.com")
    report = verify_chain()
    assert (report.ok, report.checked) == (True, 3)
    db.session.remove()

    downgrade(revision="0018_prefecture")
    with db.engine.connect() as connection:
        raw = connection.execute(text("SELECT contact_name, contact_mobile, contact_email "
                                      "FROM organisation")).one()
        assert tuple(raw) == tuple(PERSONAL.values())
        assert connection.execute(text("SELECT email FROM user_account")).scalar() == \
            "WangWu@example.com"
        hashes = connection.execute(text("SELECT hash FROM audit_entry ORDER BY seq")).all()
    # Sealed with SHA-256 again: the chain 0013 wrote, unchanged.
    with db.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_entry"))
        _legacy_audit(connection, 3)
        assert connection.execute(text("SELECT hash FROM audit_entry ORDER BY seq")).all() == \
            hashes


def test_0019_refuses_a_broken_audit_chain(fresh_app):
    upgrade(revision="0018_prefecture")
    with db.engine.begin() as connection:
        _legacy_audit(connection, 3)
        connection.execute(text("UPDATE audit_entry SET actor_name = 'forged' WHERE seq = 2"))
    db.session.remove()
    with pytest.raises(SystemExit):  # Flask-Migrate logs "audit entry id 2 (seq 2) does not
        upgrade()                    # verify" and exits
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() \
            == "0018_prefecture"
    assert "mac_key" not in {c["name"] for c in inspect(db.engine).get_columns("audit_entry")}
