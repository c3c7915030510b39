"""Query-count bounds of the benchmarked pages (issue 7): no page issues a query per row.

Each page is loaded with few and with many rows of what it lists (declarations nationwide and
in the officer's unit, the applicant's attachments and history, earlier demonstrations); the
number of SQL statements must be the same.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event

from bench.generate import credit_code as bench_credit_code
from bench.generate import form_data
from smplatform import clock as app_clock
from smplatform.extensions import db
from smplatform.models import (Declaration, DeclarationAttachment, DeclarationEvent,
                               Organisation, RegistryEntry, StoredFile)
from smplatform.rules import numbering
from tests.support.declarations import DURING, batch5, start

FEW, MANY = 5, 50


class Counter:
    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append(statement)

    def __enter__(self):
        event.listen(db.engine, "before_cursor_execute", self)
        return self

    def __exit__(self, *exc):
        event.remove(db.engine, "before_cursor_execute", self)


def add_rows(batch, owner_declaration, n: int, offset: int = 0) -> None:
    """n submitted declarations (half of them in 440000), n attachments and n history events
    on the applicant's declaration, and n earlier demonstrations."""
    import random
    rng = random.Random(n)
    now = app_clock.now()
    units = ["440000", "330000"]
    for i in range(offset, offset + n):
        unit = units[i % 2]
        org = Organisation(org_type="enterprise", name=f"规模测试企业{i}",
                           credit_code=bench_credit_code(500000 + i), unit_code=unit,
                           contact_name="张三", contact_mobile="13800138000",
                           contact_email=f"q{i}@example.com", created_at=now)
        db.session.add(org)
        db.session.flush()
        data = form_data(rng, "enterprise", {"credit_code": org.credit_code,
                                             "contact_email": org.contact_email,
                                             "contact_mobile": org.contact_mobile},
                         None, "customised", long_text=False)
        number = numbering.electronic_number(2023, unit, "enterprise", i + 1)
        d = Declaration(batch_id=batch.id, organisation_id=org.id, unit_code=unit,
                        category="enterprise", service_model="customised", state="submitted",
                        data=data, version=2, electronic_number=number,
                        verification_code=numbering.verification_code(number, data),
                        created_at=now, updated_at=now, submitted_at=now - timedelta(hours=i),
                        org_name=org.name, credit_code=org.credit_code)
        db.session.add(d)
        db.session.flush()
        db.session.add(DeclarationEvent(declaration_id=d.id, at=now, action="submit",
                                        from_state="draft", to_state="submitted"))
        f = StoredFile(storage_key=f"k{i}-{n}", original_name=f"f{i}.pdf",
                       content_type="application/pdf", size=10, sha256="0" * 64,
                       created_at=now)
        db.session.add(f)
        db.session.flush()
        db.session.add(DeclarationAttachment(declaration_id=owner_declaration.id,
                                             stored_file_id=f.id, kind="evidence",
                                             created_at=now))
        db.session.add(DeclarationEvent(declaration_id=owner_declaration.id, at=now,
                                        action="save", comment=f"c{i}"))
        db.session.add(RegistryEntry(batch_number=1 + i % 4, year=2018, category="enterprise",
                                     name=f"示范企业{i}", unit_code=unit, status="active",
                                     created_at=now, updated_at=now))
    db.session.commit()


def _pages(declaration):
    section = f"/applicant/declarations/{declaration.id}/sections/narrative"
    return {
        "home": ("anonymous", "GET", "/", None),
        "form section": ("applicant", "GET", section, None),
        "autosave": ("applicant", "POST", section, "autosave"),
        "province queue": ("province", "GET",
                           "/province/declarations?category=enterprise&state=submitted", None),
        "province queue search": ("province", "GET", "/province/declarations?q=%E4%BC%81",
                                  None),
        "ministry dashboard": ("ministry", "GET", "/ministry/", None),
        "ministry declarations": ("ministry", "GET", "/ministry/declarations", None),
        "ministry declarations filtered": ("ministry", "GET",
                                           "/ministry/declarations?category=enterprise"
                                           "&state=submitted&sort=number", None),
    }


def _count(clients, declaration, name) -> tuple[int, int]:
    role, method, path, kind = _pages(declaration)[name]
    c = clients[role]
    if kind == "autosave":
        db.session.expire_all()
        version = db.session.get(Declaration, declaration.id).version
        data = {"version": str(version), "basic_situation": f"新的内容{version}"}
        headers = {"HX-Request": "true"}
        c.csrf_token()  # not counted: the token page
        with Counter() as counter:
            response = c.post(path, data=data, headers=headers)
    else:
        c.open(path, method=method)  # warm-up: one-off loads are not per row
        with Counter() as counter:
            response = c.open(path, method=method)
    return response.status_code, len(counter.statements)


@pytest.fixture
def world(app, make, login_as, clock):
    clock.set(DURING)
    batch = batch5()
    applicant = make.applicant()
    declaration = start(applicant, batch)
    clients = {"anonymous": app.test_client(), "applicant": login_as(applicant),
               "province": login_as(make.province("440000")),
               "ministry": login_as(make.ministry())}
    return batch, declaration, clients


@pytest.mark.parametrize("name", list(_pages(type("D", (), {"id": 0}))))
def test_query_count_does_not_grow_with_rows(world, name):
    batch, declaration, clients = world
    add_rows(batch, declaration, FEW)
    status, few = _count(clients, declaration, name)
    assert status == 200
    add_rows(batch, declaration, MANY - FEW, offset=FEW)
    status, many = _count(clients, declaration, name)
    assert status == 200
    assert many == few, f"{name}: {few} statements with {FEW} rows, {many} with {MANY}"
