"""Builders for declaration tests: batch 5 with the real 2023 dates, complete form data."""
from __future__ import annotations

import io
from datetime import datetime

from PIL import Image

from smplatform import clock
from smplatform.enums import BatchStatus, DeclarationState
from smplatform.extensions import db
from smplatform.models import Batch, Declaration, UnitDeadline
from smplatform.rules import annex1
from smplatform.rules.credit_code import make as make_credit_code
from smplatform.services import declarations as service

CST = clock.CHINA
OPENS = datetime(2023, 3, 2, 0, 0, tzinfo=CST)
CONTACT = datetime(2023, 3, 20, 23, 59, 59, tzinfo=CST)
PROVINCE = datetime(2023, 5, 31, 23, 59, 59, tzinfo=CST)
INTERNAL = datetime(2023, 4, 25, 23, 59, 59, tzinfo=CST)
DURING = datetime(2023, 4, 10, 10, 0, tzinfo=CST)
ATTESTED = {"cond_registered": True, "cond_operations": True, "cond_no_accident": True,
            "cond_no_violation": True}


def batch5() -> Batch:
    batch = Batch(number=5, year=2023, status=BatchStatus.OPEN, opens_at=OPENS,
                  contact_deadline=CONTACT, province_deadline=PROVINCE,
                  evaluation_deadline=PROVINCE)
    db.session.add(batch)
    db.session.commit()
    return batch


def internal_deadline(batch, unit_code="440000", when=INTERNAL):
    db.session.add(UnitDeadline(batch_id=batch.id, unit_code=unit_code,
                                applicant_deadline=when))
    db.session.commit()


def sample_value(f: annex1.Field, data: dict):
    return {
        "text": "示例", "textarea": "示例正文", "date": "2018-01-15", "money": "1000",
        "integer": "120", "email": "a@example.com", "mobile": "13800138000",
        "url": "https://example.com", "check": "1",
        "credit_code": make_credit_code("91440101MA59D2MK1"),
    }.get(f.kind) or (f.choices[0].value if f.kind == "choice" else
                      [f.choices[0].value] if f.kind == "multichoice" else None)


def complete_data(category: str, base: dict | None = None) -> dict:
    """Every field of the category filled with a valid value (keeps what base has)."""
    data = dict(base or {})
    definition = annex1.definition(category)
    for f in definition.fields():
        if not data.get(f.name):
            value = sample_value(f, data)
            if value is not None:
                data[f.name] = value
    if category == "enterprise":
        for year in annex1.YEARS:
            data[f"operating_revenue_{year}"] = "10000"
            data[f"service_revenue_{year}"] = "4000"
    if category == "platform":
        data["platform_class"] = data.get("platform_class") or "shared_manufacturing"
        data["launch_date"] = "2019-06-01"
    return data


def section_raw(category: str, key: str, data: dict) -> dict:
    """A whole section as form data (what the Save button posts)."""
    section = annex1.definition(category).section(key)
    return {f.name: data.get(f.name, "") for f in section.fields()
            if f.kind not in ("check", "multichoice") or data.get(f.name)}


def start(user, batch, category="enterprise", **kw) -> Declaration:
    kw.setdefault("attested", ATTESTED)
    if category == "enterprise":
        kw.setdefault("service_model", "customised")
    if category == "platform":
        kw.setdefault("klass", "shared_manufacturing")
        kw.setdefault("launch_date", "2019-06-01")
    if category == "city":
        kw.setdefault("klass", "comprehensive")
    declaration = service.start(actor=user, batch=batch, category=category, **kw)
    db.session.commit()
    return declaration


def fill(declaration: Declaration, user) -> Declaration:
    """Complete every section through the service (as the form would)."""
    data = complete_data(declaration.category, declaration.data)
    for section in annex1.definition(declaration.category).sections:
        raw = {f.name: data.get(f.name, "") for f in section.fields()}
        service.save_section(declaration=declaration, actor=user, section_key=section.key,
                             raw=raw, base_version=declaration.version)
    db.session.commit()
    return declaration


def attach_required(declaration: Declaration, user) -> None:
    from smplatform.services import attachments
    for kind in annex1.definition(declaration.category).attachments:
        if kind.required:
            attachments.upload(declaration=declaration, actor=user, kind=kind.key,
                               stream=io.BytesIO(pdf_bytes()), filename=f"{kind.key}.pdf")
    db.session.commit()


def ready(user, batch, category="enterprise") -> Declaration:
    declaration = start(user, batch, category)
    fill(declaration, user)
    attach_required(declaration, user)
    return declaration


def pdf_bytes(text: str = "hello") -> bytes:
    from pypdf import PdfWriter
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 10, 10)).save(out, format="PNG")
    return out.getvalue()


def set_state(declaration: Declaration, state: DeclarationState) -> None:
    declaration.state = state
    db.session.commit()
