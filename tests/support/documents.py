"""Declarations for document tests, created the way the submission service stores them.

The applicant's forms and submission service are built elsewhere; these helpers write the
same columns directly: state submitted, electronic number, verification code computed by
rules/numbering.py from the number and the data, submitted_at from the clock.
"""
from __future__ import annotations

import io
import itertools
import re
from datetime import datetime, UTC

from sqlalchemy import select

from smplatform import clock
from smplatform.enums import BatchStatus, Category, DeclarationState, OrgType
from smplatform.extensions import db
from smplatform.models import Batch, Declaration
from smplatform.rules import annex1, numbering
from smplatform.rules.credit_code import ALPHABET, make as make_credit_code
from smplatform.services import accounts
from tests.support.factories import PASSWORD

_sequence = itertools.count(1)

NARRATIVE = ("本企业坚持以客户为中心，推动制造与服务深度融合，围绕产品全生命周期提供定制化设计、"
             "远程运维、供应链协同和融资租赁等增值服务，形成了可复制、可推广的服务型制造模式。")


def batch() -> Batch:
    """The fifth batch (2023), created once per test database."""
    existing = db.session.scalar(select(Batch).where(Batch.number == 5))
    if existing is not None:
        return existing
    at = datetime(2023, 3, 2, tzinfo=UTC)
    b = Batch(number=5, year=2023, status=BatchStatus.OPEN, opens_at=at,
              contact_deadline=datetime(2023, 3, 20, 15, 59, tzinfo=UTC),
              province_deadline=datetime(2023, 5, 31, 15, 59, tzinfo=UTC),
              evaluation_deadline=datetime(2023, 5, 31, 15, 59, tzinfo=UTC))
    db.session.add(b)
    db.session.flush()
    return b


def sample_value(f: annex1.Field, n: int):
    if f.kind == "textarea":
        repeat = max(1, (f.max_length or 500) // len(NARRATIVE) - 1)
        return f"【{f.label.zh}】" + NARRATIVE * repeat
    if f.kind == "date":
        return "2015-06-01"
    if f.kind == "money":
        return str(1000 + n * 37)
    if f.kind == "integer":
        return str(100 + n)
    if f.kind == "choice":
        return f.choices[0].value
    if f.kind == "multichoice":
        return [c.value for c in f.choices[:2]]
    if f.kind == "check":
        return True
    if f.kind == "email":
        return "contact@example.com"
    if f.kind == "mobile":
        return "13800138000"
    if f.kind == "url":
        return "https://platform.example.com"
    return f"{f.label.zh}示例"


def sample_data(category: str, *, org_name: str, credit_code: str) -> dict:
    """A complete form: every field of the category's definition has a value."""
    data = {f.name: sample_value(f, i)
            for i, f in enumerate(annex1.definition(category).fields())}
    data.update(org_name=org_name, credit_code=credit_code)
    if category == Category.ENTERPRISE:
        for year, revenue, service in ((2020, "50000", "15000"), (2021, "60000", "21000"),
                                       (2022, "80000", "32000")):
            data[f"operating_revenue_{year}"] = revenue
            data[f"service_revenue_{year}"] = service
    return data


def declaration(applicant, *, category: str = Category.ENTERPRISE,
                state: str = DeclarationState.SUBMITTED, data: dict | None = None,
                klass: str | None = None, sequence: int | None = None) -> Declaration:
    """A declaration of the applicant's organisation; numbered unless it is a draft."""
    org = applicant.organisation
    b = batch()
    now = clock.now()
    if data is None:
        data = sample_data(category, org_name=org.name, credit_code=org.credit_code)
    if klass is None:
        klass = {Category.PLATFORM: "shared_manufacturing",
                 Category.CITY: "comprehensive"}.get(Category(category))
    d = Declaration(batch_id=b.id, organisation_id=org.id, unit_code=org.unit_code,
                    city_code=org.city_code, category=str(category), klass=klass,
                    state=str(state), data=data, org_name=org.name,
                    credit_code=org.credit_code, created_at=now, updated_at=now,
                    low_service_share=annex1.low_service_share(data))
    if state != DeclarationState.DRAFT:
        number = numbering.electronic_number(b.year, org.unit_code, category,
                                             sequence or next(_sequence))
        d.electronic_number = number
        d.verification_code = numbering.verification_code(number, data)
        d.submitted_at = now
    db.session.add(d)
    db.session.commit()
    return d


_org_sequence = itertools.count(1)


def applicant(*, org_type: OrgType = OrgType.ENTERPRISE, unit: str = "440000",
              city: str | None = None, name: str | None = None):
    """An applicant account with its organisation (unique credit code per call)."""
    n = next(_org_sequence)
    body = ""
    m = n
    while m or len(body) < 7:
        body = ALPHABET[m % 31] + body
        m //= 31
    code = make_credit_code("91" + unit + "MB" + body[-7:])
    if org_type == OrgType.CITY_DEPARTMENT and city is None:
        city = {"440000": "440100", "330000": "330100", "440300": "440300"}.get(unit)
    user = accounts.register_organisation(
        org_type=org_type, name=name or f"文档测试企业{n}", credit_code=code, unit_code=unit,
        city_code=city, contact_name=f"联系人{n}", contact_mobile="13800138000",
        contact_email=f"documents{n}@example.com", username=f"doc_applicant{n}",
        password=PASSWORD)
    db.session.commit()
    return user


def submit_through_form(client, declaration):
    db.session.expire_all()
    d = db.session.get(Declaration, declaration.id)
    response = client.post(f"/applicant/declarations/{d.id}/submit",
                           data={"version": str(d.version)})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    db.session.expire_all()
    return db.session.get(Declaration, declaration.id)


def _pyhanko_status(app, pdf: bytes):
    """pyHanko's own validation, in a thread of its own: a browser test earlier in this
    worker leaves an event loop running in the main thread, where asyncio.run refuses."""
    from concurrent.futures import ThreadPoolExecutor

    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext
    reader = PdfFileReader(io.BytesIO(pdf))
    assert len(reader.embedded_signatures) == 1
    context = ValidationContext(trust_roots=_trust_roots(app), allow_fetching=False)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(validate_pdf_signature, reader.embedded_signatures[0],
                           context).result()


def _upload(client, pdf: bytes, name="declaration.pdf"):
    response = client.post("/verify/pdf", data={"pdf": (io.BytesIO(pdf), name)},
                           content_type="multipart/form-data",
                           headers={"Accept-Language": "en"})
    return response, response.get_data(as_text=True)


def _result(page: str) -> str:
    match = re.search(r'<div class="verify-result" role="status" id="pdf-result">(.*?)</div>',
                      page, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


def _trust_roots(app):
    from pyhanko.keys import load_cert_from_pemder
    return [load_cert_from_pemder(app.config["SIGNING_CERT_PATH"])]
