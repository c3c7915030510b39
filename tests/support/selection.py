"""Data for the selection tests: a batch, forwarded declarations in various units, experts."""
from __future__ import annotations

import itertools
from datetime import datetime, UTC

from smplatform.enums import DeclarationState, OrgType
from smplatform.extensions import db
from smplatform.models import Declaration, Organisation
from smplatform.services import batches, experts
from tests.support.factories import credit_code

_seq = itertools.count(1)
T0 = datetime(2023, 6, 1, 2, 0, tzinfo=UTC)
ORG_TYPES = {"enterprise": OrgType.ENTERPRISE, "platform": OrgType.PLATFORM_OPERATOR,
             "city": OrgType.CITY_DEPARTMENT}


def make_batch(number: int = 5, actor=None):
    batch = batches.create_batch(
        actor=actor, number=number, year=2023, name=None,
        opens_at=datetime(2023, 3, 2, tzinfo=UTC),
        contact_deadline=datetime(2023, 3, 20, tzinfo=UTC),
        province_deadline=datetime(2023, 5, 31, tzinfo=UTC),
        evaluation_deadline=datetime(2023, 5, 31, tzinfo=UTC))
    db.session.commit()
    return batch


def organisation(unit: str = "440000", *, name: str | None = None, category="enterprise",
                 code: str | None = None) -> Organisation:
    n = 5000 + next(_seq)
    org = Organisation(org_type=str(ORG_TYPES[category]), name=name or f"示范申报单位{n}",
                       credit_code=code or credit_code(n, unit), unit_code=unit,
                       contact_name="联系人", contact_mobile="13800138000",
                       contact_email=f"org{n}@example.com", created_at=T0)
    db.session.add(org)
    db.session.flush()
    return org


def declaration(batch, unit: str = "440000", *, category: str = "enterprise",
                klass: str | None = None, service_model: str | None = "customised",
                state: DeclarationState = DeclarationState.FORWARDED, name: str | None = None,
                low_share: bool = False, org: Organisation | None = None,
                commit: bool = True) -> Declaration:
    """A declaration made directly through the model, by default forwarded to the ministry."""
    org = org or organisation(unit, name=name, category=category)
    if category == "platform" and klass is None:
        klass = "other"
    if category == "city" and klass is None:
        klass = "comprehensive"
    if category == "city":
        service_model = None
    n = next(_seq)
    d = Declaration(batch_id=batch.id, organisation_id=org.id, unit_code=unit,
                    category=category, klass=klass, service_model=service_model,
                    state=str(state), data={"org_name": org.name, "credit_code": org.credit_code,
                                            "basic_situation": "基本情况说明。"},
                    version=1, electronic_number=f"2023-{unit}-{category[0].upper()}-{n:04d}",
                    verification_code="ABCD1234", low_service_share=low_share,
                    created_at=T0, updated_at=T0, submitted_at=T0, org_name=org.name,
                    credit_code=org.credit_code)
    db.session.add(d)
    if commit:
        db.session.commit()
    else:
        db.session.flush()
    return d


def expert(make, *, unit: str = "110000", org: str | None = None, code: str | None = None,
           fields=("customised_services",), active: bool = True, username: str | None = None):
    """An expert user with a profile in the pool (through the real service)."""
    user = make.expert(username=username)
    experts.save_expert_profile(actor=None, user=user,
                                organisation_name=org or f"某研究院{user.id}",
                                organisation_credit_code=code, unit_code=unit,
                                fields=list(fields), active=active)
    db.session.commit()
    return user
