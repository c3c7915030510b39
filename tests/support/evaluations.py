"""Shared set-up for the evaluation tests: a batch, registry entries, an open campaign."""
from __future__ import annotations

import io
from datetime import datetime, UTC

from smplatform.enums import BatchStatus
from smplatform.extensions import db
from smplatform.models import Batch, EvaluationTask, RegistryEntry, User
from smplatform.rules.evaluation import INDICATOR_YEARS, NARRATIVES, indicators_for
from smplatform.services import evaluations

DEADLINE = datetime(2023, 5, 31, 15, 59, 59, tzinfo=UTC)  # 23:59:59 CST
BEFORE = datetime(2023, 4, 1, 2, 0, tzinfo=UTC)
AFTER = datetime(2023, 6, 1, 2, 0, tzinfo=UTC)
HEADER = ["batch", "year", "category", "name", "credit_code", "unit_code", "city_code", "class"]


def batch() -> Batch:
    b = Batch(number=5, year=2023, status=BatchStatus.OPEN,
              opens_at=datetime(2023, 3, 1, tzinfo=UTC),
              contact_deadline=datetime(2023, 3, 20, 15, 59, tzinfo=UTC),
              province_deadline=DEADLINE, evaluation_deadline=DEADLINE)
    db.session.add(b)
    db.session.flush()
    return b


def entry(*, name="示范企业", category="enterprise", unit="440000", city=None, code=None,
          batch_number=3, organisation=None) -> RegistryEntry:
    e = RegistryEntry(batch_number=batch_number, year={1: 2017, 2: 2018, 3: 2021, 4: 2022}[
        batch_number], category=category, name=name, credit_code=code, unit_code=unit,
        city_code=city, status="active", organisation_id=organisation.id if organisation else None,
        created_at=BEFORE, updated_at=BEFORE)
    db.session.add(e)
    db.session.flush()
    return e


def open_campaign(ministry: User):
    campaign = evaluations.open_campaign(actor=ministry, batch=batch())
    db.session.commit()
    return campaign


def task_of(e: RegistryEntry) -> EvaluationTask:
    return db.session.scalar(db.select(EvaluationTask).where(EvaluationTask.entry_id == e.id))


def complete_form(category="enterprise") -> dict:
    data = {}
    for ind in indicators_for(category):
        for i, year in enumerate(INDICATOR_YEARS):
            data[f"{ind.key}_{year}"] = str(1000 + 100 * i) if ind.key != "service_revenue" \
                else str(400 + 10 * i)
    for n in NARRATIVES:
        data[n.key] = f"{n.key} 的内容。"
    return data


def csv_bytes(rows, header=HEADER) -> bytes:
    import csv
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def xlsx_bytes(rows, header=HEADER) -> bytes:
    from openpyxl import Workbook
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
       b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n"
       b"0000000101 00000 n \ntrailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n")
