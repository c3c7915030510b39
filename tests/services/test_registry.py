"""The registry: import (CSV and real XLSX, every bad row, all or nothing, idempotent),
linking organisations, demonstration cities, and the shipped demo file."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from smplatform.enums import OrgType
from smplatform.extensions import db
from smplatform.models import AuditEntry, RegistryEntry
from smplatform.rules.evaluation import RowProblem
from smplatform.services import DomainError, registry
from tests.support import factories
from tests.support.evaluations import HEADER, csv_bytes, xlsx_bytes

CODE_A = factories.credit_code(9001, "440000")
CODE_B = factories.credit_code(9002, "330000")
GOOD = [
    (3, 2021, "enterprise", "广州甲制造有限公司", CODE_A, "440000", "440100", "customised"),
    (2, 2018, "platform", "杭州乙平台有限公司", CODE_B, "330000", "330100", "other"),
    (2, 2018, "city", "广州市", "", "440000", "440100", "comprehensive"),
    (1, "", "project", "某示范项目", "", "440300", "", ""),
]
BAD = [
    (3, 2021, "enterprise", "", CODE_A, "440000", "", ""),                     # line 2: no name
    (3, 2021, "enterprise", "丙公司", CODE_A[:-1] + "Z", "440000", "", ""),    # 3: credit code
    (3, 2021, "enterprise", "丁公司", "", "999999", "", ""),                   # 4: unit
    (3, 2021, "city", "杭州市", "", "440000", "330100", ""),                   # 5: city not in unit
    (5, 2023, "enterprise", "戊公司", "", "440000", "", ""),                   # 6: batch
    (3, 2021, "factory", "己公司", "", "440000", "", ""),                      # 7: category
    (3, 2021, "enterprise", "庚公司", CODE_B, "330000", "", ""),               # 8
    (3, 2021, "enterprise", "庚公司（重复）", CODE_B, "330000", "", ""),       # 9: duplicate
]
BAD_REPORT = [(2, "name", RowProblem.MISSING_NAME), (3, "credit_code", RowProblem.BAD_CREDIT_CODE),
              (4, "unit_code", RowProblem.UNKNOWN_UNIT),
              (5, "city_code", RowProblem.CITY_NOT_IN_UNIT), (6, "batch", RowProblem.BAD_BATCH),
              (7, "category", RowProblem.BAD_CATEGORY), (9, "name", RowProblem.DUPLICATE)]


def _count() -> int:
    return db.session.scalar(select(func.count(RegistryEntry.id)))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_import_valid_file_creates_all_rows(app, fmt):
    content = csv_bytes(GOOD) if fmt == "csv" else xlsx_bytes(GOOD)
    report = registry.import_file(actor=None, content=content, filename=f"list.{fmt}")
    db.session.commit()
    assert (report.ok, report.created, report.updated, report.unchanged, _count()) == (
        True, 4, 0, 0, 4)
    project = db.session.scalar(select(RegistryEntry).where(RegistryEntry.category == "project"))
    assert (project.year, project.credit_code, project.city_code) == (2017, None, None)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_import_bad_rows_reports_every_problem_and_writes_nothing(app, fmt):
    content = csv_bytes(GOOD + BAD) if fmt == "csv" else xlsx_bytes(GOOD + BAD)
    report = registry.import_file(actor=None, content=content, filename=f"list.{fmt}")
    shifted = [(line + len(GOOD), col, p) for line, col, p in BAD_REPORT]
    assert (report.ok, report.problems, report.created) == (False, shifted, 0)
    db.session.rollback()
    assert _count() == 0


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_import_same_file_again_changes_nothing(app, fmt):
    content = csv_bytes(GOOD) if fmt == "csv" else xlsx_bytes(GOOD)
    registry.import_file(actor=None, content=content, filename=f"list.{fmt}")
    db.session.commit()
    before = [(e.id, e.name, e.updated_at) for e in db.session.scalars(
        select(RegistryEntry).order_by(RegistryEntry.id))]
    audits = db.session.scalar(select(func.count(AuditEntry.id)))
    report = registry.import_file(actor=None, content=content, filename=f"list.{fmt}")
    db.session.commit()
    after = [(e.id, e.name, e.updated_at) for e in db.session.scalars(
        select(RegistryEntry).order_by(RegistryEntry.id))]
    assert (report.created, report.updated, report.unchanged, after) == (0, 0, 4, before)
    assert db.session.scalar(select(func.count(AuditEntry.id))) == audits


def test_import_matches_by_code_and_updates_the_name(app):
    registry.import_file(actor=None, content=csv_bytes(GOOD), filename="a.csv")
    renamed = [GOOD[0][:3] + ("广州甲制造股份有限公司",) + GOOD[0][4:]]
    report = registry.import_file(actor=None, content=csv_bytes(renamed), filename="b.csv")
    db.session.commit()
    names = db.session.scalars(select(RegistryEntry.name).where(
        RegistryEntry.credit_code == CODE_A)).all()
    assert (report.updated, report.created, names) == (1, 0, ["广州甲制造股份有限公司"])


def test_import_chinese_headers(app):
    header = ["批次", "年份", "类别", "名称", "统一社会信用代码", "推荐单位代码", "城市代码", "类型"]
    rows = [(3, 2021, "示范企业", "甲", CODE_A, "440000", "440100", "")]
    report = registry.import_file(actor=None, content=xlsx_bytes(rows, header),
                                  filename="名单.xlsx")
    assert (report.ok, report.created) == (True, 1)


def test_import_missing_column_is_refused(app):
    with pytest.raises(DomainError) as caught:
        registry.import_file(actor=None, content=csv_bytes([(1, "x")], ["batch", "name"]),
                             filename="x.csv")
    assert caught.value.code == "columns"


def test_import_damaged_xlsx_is_refused(app):
    with pytest.raises(DomainError) as caught:
        registry.import_file(actor=None, content=b"PK\x03\x04garbage", filename="x.xlsx")
    assert caught.value.code == "unreadable"


def test_demo_registry_loads_and_is_idempotent(app):
    first = registry.load_demo_registry()
    second = registry.load_demo_registry()
    db.session.commit()
    assert (first.created, second.created, second.unchanged) == (62, 0, 62)
    assert {"320500", "330400", "350500", "410100", "440100", "350200", "320200", "330100",
            "510100", "370200", "330200", "370600", "500000", "440300",
            "430100"} == registry.demonstration_city_codes()
    # Pudong is a district-level demonstration: recorded, but it does not block Shanghai.
    pudong = db.session.scalar(select(RegistryEntry).where(RegistryEntry.city_code == "310000"))
    assert (pudong.name, pudong.unit_code) == ("上海浦东新区", "310000")


def test_demonstration_city_codes_leave_out_revoked(app):
    registry.import_file(actor=None, content=csv_bytes(GOOD), filename="a.csv")
    assert registry.demonstration_city_codes() == {"440100"}
    city = db.session.scalar(select(RegistryEntry).where(RegistryEntry.category == "city"))
    city.status = "revoked"
    assert registry.demonstration_city_codes() == set()


def test_link_enterprise_by_credit_code_at_registration(app, make):
    registry.import_file(actor=None, content=csv_bytes(GOOD), filename="a.csv")
    db.session.commit()
    user = make.applicant(unit="440000")  # a different code: not linked
    assert registry.entries_for(user.organisation_id) == []
    from smplatform.services import accounts
    linked = accounts.register_organisation(
        org_type=OrgType.ENTERPRISE, name="广州甲", credit_code=CODE_A, unit_code="440000",
        city_code=None, contact_name="甲", contact_mobile="13800000000",
        contact_email="a@example.com", username="jia", password=factories.PASSWORD)
    db.session.commit()
    assert [e.name for e in registry.entries_for(linked.organisation_id)] == ["广州甲制造有限公司"]


def test_link_city_department_by_city_code_not_enterprise(app, make):
    registry.import_file(actor=None, content=csv_bytes(GOOD), filename="a.csv")
    db.session.commit()
    guangzhou = make.applicant(org_type=OrgType.CITY_DEPARTMENT, unit="440000", city="440100")
    foshan = make.applicant(org_type=OrgType.CITY_DEPARTMENT, unit="440000", city="440600")
    assert [e.category for e in registry.entries_for(guangzhou.organisation_id)] == ["city"]
    assert registry.entries_for(foshan.organisation_id) == []


def test_link_on_sign_in_links_entries_imported_after_registration(app, make, login_as):
    user = make.applicant(unit="440000")
    rows = [(3, 2021, "enterprise", "后导入", user.organisation.credit_code, "440000", "", "")]
    # An entry added without the import's own linking (as if linked later):
    registry.import_file(actor=None, content=csv_bytes(rows), filename="a.csv")
    entry = db.session.scalar(select(RegistryEntry))
    entry.organisation_id = None
    db.session.commit()
    login_as(user)
    db.session.expire_all()
    assert db.session.get(RegistryEntry, entry.id).organisation_id == user.organisation_id


def test_link_never_replaces_an_existing_link(app, make):
    first = make.applicant(unit="440000")
    rows = [(3, 2021, "enterprise", "甲", first.organisation.credit_code, "440000", "", "")]
    registry.import_file(actor=None, content=csv_bytes(rows), filename="a.csv")
    entry = db.session.scalar(select(RegistryEntry))
    other = make.applicant(unit="440000")
    entry.organisation_id = other.organisation_id
    db.session.commit()
    assert registry.link_organisation(first.organisation) == []
    assert entry.organisation_id == other.organisation_id


def test_set_link_refuses_organisation_of_another_unit(app, make):
    registry.import_file(actor=None, content=csv_bytes(GOOD), filename="a.csv")
    officer = make.province("440000")
    zhejiang = make.applicant(unit="330000")
    entry = db.session.scalar(select(RegistryEntry).where(RegistryEntry.credit_code == CODE_A))
    with pytest.raises(DomainError):
        registry.set_link(actor=officer, entry=entry, credit_code=zhejiang.organisation.credit_code)
    guangdong = make.applicant(unit="440000")
    registry.set_link(actor=officer, entry=entry, credit_code=guangdong.organisation.credit_code)
    assert entry.organisation_id == guangdong.organisation_id


def test_import_header_names_the_columns(app):
    # The export adds the status and the latest evaluation (conclusion, date).
    assert HEADER == list(registry.EXPORT_COLUMNS[:-3])
