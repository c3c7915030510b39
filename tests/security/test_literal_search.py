"""Defect 4 of issue 14: `%` and `_` typed into the public registry's and the expert pool's
search boxes are taken literally (smplatform/search.py contains()), as in every other list."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from smplatform.extensions import db
from smplatform.models import RegistryEntry
from smplatform.services import experts as expert_service

NAMES = ("百分之百_制造有限公司", "百分之百A制造有限公司", "100%服务平台", "1000服务平台")


def _entry(name: str) -> None:
    now = datetime.now(UTC)
    db.session.add(RegistryEntry(batch_number=3, year=2021, category="enterprise", name=name,
                                 unit_code="440000", status="active", created_at=now,
                                 updated_at=now))


@pytest.mark.parametrize("q, shown", [
    ("之百_制", ["百分之百_制造有限公司"]),
    ("100%", ["100%服务平台"]),
    ("%", ["100%服务平台"]),
    ("_", ["百分之百_制造有限公司"]),
    ("之百", ["百分之百A制造有限公司", "百分之百_制造有限公司"]),
])
def test_public_registry_search_is_literal(app, client, q, shown):
    for name in NAMES:
        _entry(name)
    db.session.commit()
    body = client.get("/registry", query_string={"q": q}).get_data(as_text=True)
    assert sorted(n for n in NAMES if n in body) == sorted(shown)


@pytest.mark.parametrize("q, shown", [
    ("a_b", ["expert-a_b"]),
    ("%", ["expert-pct"]),
    ("_", ["expert-a_b"]),
    ("expert", ["expert-a_b", "expert-axb", "expert-pct"]),
])
def test_expert_search_is_literal(app, make, login_as, q, shown):
    admin = make.ministry()
    for username, org in (("expert-a_b", "甲大学"), ("expert-axb", "乙大学"),
                          ("expert-pct", "百分之100%研究院")):
        user = make.expert(username=username)
        expert_service.save_expert_profile(actor=admin, user=user, organisation_name=org,
                                           organisation_credit_code=None, unit_code="110000",
                                           fields=["shared_manufacturing"], active=True)
    db.session.commit()
    client = login_as(make.ministry())
    body = client.get("/ministry/experts", query_string={"q": q}).get_data(as_text=True)
    listed = [name for name in ("expert-a_b", "expert-axb", "expert-pct")
              if f"({name})" in body]
    assert listed == shown
