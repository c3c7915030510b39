"""The demo seed gives enterprise-demo one partly filled draft declaration, once."""
from __future__ import annotations

from sqlalchemy import select

from smplatform.demo import seed
from smplatform.extensions import db
from smplatform.models import Declaration


def test_seed_gives_enterprise_demo_a_draft(app):
    seed("Demo-Password-2023")
    db.session.commit()
    seed("Demo-Password-2023")
    db.session.commit()
    rows = db.session.scalars(select(Declaration)).all()
    assert [(d.category, d.state, d.org_name) for d in rows] == [
        ("enterprise", "draft", "广州示范装备制造股份有限公司")]
    assert rows[0].data["registered_address"] == "广州市黄埔区科学大道1号"
