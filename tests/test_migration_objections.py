"""Migration 0024_public_objection: objections recorded by the ministry survive the round trip;
objections from the public (unhandled) can be stored after it; the model matches the schema."""
from __future__ import annotations

from datetime import date, datetime

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from smplatform.extensions import db
from smplatform.services.reference import load_reference_data
from tests.test_migrations import fresh_app  # noqa: F401  (fixture)

ROW = ("INSERT INTO {table} ({columns}) VALUES ({values})")


def _insert(table: str, **values) -> None:
    db.session.execute(text(ROW.format(table=table, columns=", ".join(values),
                                       values=", ".join(f":{k}" for k in values))), values)


def test_0019_round_trip_keeps_handled_objections(fresh_app):  # noqa: F811
    upgrade(revision="0023_announcements")
    load_reference_data()
    t = datetime(2023, 8, 2, 4, 0)
    _insert("organisation", id=1, org_type="enterprise", name="某公司",
            credit_code="91440101MA59D2MK1W", unit_code="110000", contact_name="张三",
            contact_mobile="13800138000", contact_email="a@example.com", created_at=t)
    _insert("user_account", id=1, username="m", display_name="m", email="m@example.gov.cn",
            password_hash="x", role="ministry", created_at=t)
    _insert("batch", id=1, number=5, year=2023, status="closed", opens_at=t,
            contact_deadline=t, province_deadline=t, evaluation_deadline=t)
    _insert("declaration", id=1, batch_id=1, organisation_id=1, unit_code="110000",
            category="enterprise", state="shortlisted", version=1, created_at=t, updated_at=t,
            org_name="某公司", credit_code="91440101MA59D2MK1W", low_service_share=False)
    _insert("objection", id=1, declaration_id=1, received_on=date(2023, 8, 2), summary="数据不实",
            handling="已核实", outcome="dismissed", recorded_by_id=1, recorded_at=t)
    db.session.commit()

    upgrade(revision="0024_public_objection")
    with db.engine.connect() as connection:
        row = connection.execute(text("SELECT source, handling, outcome FROM objection")).one()
        assert tuple(row) == ("ministry", "已核实", "dismissed")
    _insert("objection", id=2, declaration_id=1, received_on=date(2023, 8, 3),
            summary="公众反映", source="public", reference="5-ABCDEF01", objector_name="王五",
            objector_phone="010-12345678")
    db.session.commit()

    downgrade(revision="0023_announcements")
    with db.engine.connect() as connection:
        kept = connection.execute(text("SELECT id, handling FROM objection")).all()
    assert [tuple(r) for r in kept] == [(1, "已核实")]  # the unhandled one cannot stay
    assert "source" not in {c["name"] for c in inspect(db.engine).get_columns("objection")}
    upgrade(revision="0024_public_objection")


def test_0019_objection_table_matches_the_model(fresh_app):  # noqa: F811
    upgrade(revision="0024_public_objection")
    with db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
    objection = [d for d in diff if "objection" in repr(d)]
    assert objection == []
