"""Test data for the provincial review: a batch and declarations created directly via the model."""
from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from smplatform import clock
from smplatform.enums import BatchStatus, OrgType
from smplatform.extensions import db
from smplatform.models import Batch, Declaration, Organisation
from tests.support.factories import credit_code

_seq = itertools.count(1)
NOW = datetime(2023, 4, 10, 2, 0, tzinfo=UTC)


def batch(**dates) -> Batch:
    """Batch 5 (2023), open; the notice's dates unless given."""
    existing = db.session.scalar(select(Batch).where(Batch.number == 5))
    if existing is not None:
        return existing
    cst = clock.CHINA
    values = {
        "opens_at": datetime(2023, 3, 2, tzinfo=cst),
        "contact_deadline": datetime(2023, 3, 20, 23, 59, 59, tzinfo=cst),
        "province_deadline": datetime(2023, 5, 31, 23, 59, 59, tzinfo=cst),
        "evaluation_deadline": datetime(2023, 5, 31, 23, 59, 59, tzinfo=cst),
    }
    values.update(dates)
    b = Batch(number=5, year=2023, status=BatchStatus.OPEN, **values)
    db.session.add(b)
    db.session.commit()
    return b


def organisation(unit: str = "440000", org_type: OrgType = OrgType.ENTERPRISE,
                 name: str | None = None, email: str | None = None) -> Organisation:
    n = next(_seq) + 50000
    org = Organisation(org_type=org_type, name=name or f"省测组织{n}",
                       credit_code=credit_code(n * 31, unit), unit_code=unit, city_code=None,
                       contact_name=f"联系人{n}", contact_mobile="13800138000",
                       contact_email=email or f"org{n}@example.com", created_at=NOW)
    db.session.add(org)
    db.session.flush()
    return org


def declaration(*, unit: str = "440000", category: str = "enterprise", klass: str | None = None,
                state: str = "submitted", org: Organisation | None = None,
                name: str | None = None, low_share: bool = False, service_model: str | None = None,
                stamped: bool = False, commit: bool = True) -> Declaration:
    """A declaration in the given state with an electronic number."""
    b = batch()
    org = org or organisation(unit, name=name)
    seq = next(_seq)
    letter = {"enterprise": "E", "platform": "P", "city": "C"}[category]
    data = {"org_name": org.name, "credit_code": org.credit_code, "contact_name": "张三",
            "contact_mobile": "13900000000", "registered_address": "广州市天河区"}
    if category == "enterprise":
        data.update({"service_model": service_model or "customised",
                     "operating_revenue_2022": "1000", "service_revenue_2022":
                     "200" if low_share else "450"})
    d = Declaration(batch_id=b.id, organisation_id=org.id, unit_code=unit, category=category,
                    klass=klass, service_model=service_model or (
                        "customised" if category == "enterprise" else None),
                    state=state, data=data, version=1,
                    electronic_number=f"2023-{unit}-{letter}-{seq:04d}",
                    low_service_share=low_share, created_at=NOW, updated_at=NOW,
                    submitted_at=NOW + timedelta(minutes=seq), org_name=org.name,
                    credit_code=org.credit_code,
                    stamped_confirmed_at=NOW if stamped else None)
    db.session.add(d)
    if commit:
        db.session.commit()
    else:
        db.session.flush()
    return d


def passed(n: int, **kw) -> list[Declaration]:
    return [declaration(state="passed", **kw) for _ in range(n)]


def add_stamped_scan(declaration: Declaration) -> None:
    """The applicant's uploaded stamped scan (a real PDF stored through the storage service)."""
    import io

    from smplatform.models import DeclarationAttachment
    from smplatform.services import storage
    from tests.support.declarations import pdf_bytes
    stored = storage.save(io.BytesIO(pdf_bytes()), "stamped.pdf", allowed=storage.SCAN_KINDS)
    db.session.flush()
    db.session.add(DeclarationAttachment(declaration_id=declaration.id, stored_file_id=stored.id,
                                         kind="stamped_scan", created_at=NOW))
    db.session.commit()
