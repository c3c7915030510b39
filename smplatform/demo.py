"""Demo data for `flask seed-demo`: one account per role, a Guangdong city department, batch 5.

Idempotent: running it again changes nothing that exists. Refused by the production config.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from smplatform import clock
from smplatform.enums import BatchStatus, OrgType, Role
from smplatform.extensions import db
from smplatform.models import Batch, User
from smplatform.rules.credit_code import make as make_credit_code
from smplatform.services import accounts
from smplatform.services.reference import load_reference_data

STAFF = [
    ("ministry", "工信部产业政策与法规司", Role.MINISTRY, None),
    ("prov-440000", "广东省工业和信息化厅", Role.PROVINCE, "440000"),
    ("prov-440300", "深圳市工业和信息化局", Role.PROVINCE, "440300"),
    ("prov-330000", "浙江省经济和信息化厅", Role.PROVINCE, "330000"),
    ("expert-1", "评审专家一", Role.EXPERT, None),
    ("expert-2", "评审专家二", Role.EXPERT, None),
    # A city industry and IT officer (its "unit" column is its city: Guangzhou).
    ("city-440100", "广州市工业和信息化局（市级初审）", Role.CITY, "440100"),
    # The three separated administrators (三员分立).
    ("sysadmin", "系统管理员", Role.SYSTEM_ADMIN, None),
    ("secadmin", "安全管理员", Role.SECURITY_ADMIN, None),
    ("auditadmin", "审计管理员", Role.AUDIT_ADMIN, None),
]

APPLICANTS = [
    ("enterprise-demo", OrgType.ENTERPRISE, "广州示范装备制造股份有限公司",
     make_credit_code("91440101MA59D2MK1"), "440000", None, "李明"),
    ("platform-demo", OrgType.PLATFORM_OPERATOR, "深圳共享智造平台科技有限公司",
     make_credit_code("91440300MA5FD3MK2"), "440300", None, "王芳"),
    ("city-demo", OrgType.CITY_DEPARTMENT, "佛山市工业和信息化局",
     make_credit_code("11440600MB2C00003"), "440000", "440600", "陈刚"),
]


def demo_batch_dates(today: datetime) -> dict:
    """Batch 5 with the notice's structure, moved so that it is open today."""
    midnight = datetime(today.year, today.month, today.day, tzinfo=clock.CHINA)
    end_of = lambda days: (midnight + timedelta(days=days, hours=23, minutes=59, seconds=59))  # noqa: E731
    return {
        "opens_at": (midnight - timedelta(days=20)).astimezone(UTC),
        "contact_deadline": end_of(18).astimezone(UTC),
        "province_deadline": end_of(90).astimezone(UTC),
        "evaluation_deadline": end_of(90).astimezone(UTC),
    }


def enrol_demo_staff(secret: str) -> int:
    """Enrol the demo officers, experts and administrators in two-factor sign-in with the
    base32 `secret` (SMPLATFORM_DEMO_TOTP_SECRET), so that the demo and automated checks can
    compute their codes. Returns how many were enrolled now."""
    import pyotp
    try:
        pyotp.TOTP(secret).now()
    except Exception as error:  # noqa: BLE001  (binascii, ValueError: not base32)
        raise ValueError("SMPLATFORM_DEMO_TOTP_SECRET is not a base32 secret") from error
    enrolled = 0
    for username, *_rest in STAFF:
        user = db.session.scalar(select(User).where(User.username == username))
        if user is not None and not user.has_two_factor:
            user.totp_secret = secret
            user.totp_confirmed_at = clock.now()
            enrolled += 1
    db.session.flush()
    return enrolled


def seed(password: str, totp_secret: str | None = None) -> list[str]:
    """Create what is missing; return the user names created. With `totp_secret`, the demo
    staff sign in with that second factor (enrol_demo_staff)."""
    load_reference_data()
    created = []
    for username, name, role, unit in STAFF:
        if not accounts.username_taken(username):
            accounts.create_staff_user(actor=None, username=username, display_name=name,
                                       email=f"{username}@example.gov.cn", role=role,
                                       password=password,
                                       unit_code=None if role == Role.CITY else unit,
                                       city_code=unit if role == Role.CITY else None,
                                       must_change_password=False)
            created.append(username)
    if totp_secret:
        enrol_demo_staff(totp_secret)
    for username, org_type, name, code, unit, city, contact in APPLICANTS:
        if not accounts.username_taken(username):
            accounts.register_organisation(
                org_type=org_type, name=name, credit_code=code, unit_code=unit, city_code=city,
                contact_name=contact, contact_mobile="13800138000",
                contact_email=f"{username}@example.com", username=username, password=password)
            created.append(username)
    if db.session.scalar(select(Batch).where(Batch.number == 5)) is None:
        db.session.add(Batch(number=5, year=2023, status=BatchStatus.OPEN,
                             **demo_batch_dates(clock.china(clock.now()))))
    db.session.flush()
    from smplatform.services.batches import ensure_default_quotas
    ensure_default_quotas(batch=db.session.scalar(select(Batch).where(Batch.number == 5)))
    from smplatform.services.registry import load_demo_registry
    load_demo_registry()
    _demo_declaration()
    from smplatform import demo_announcements
    demo_announcements.seed()
    return created


def _demo_declaration() -> None:
    """enterprise-demo gets one draft enterprise declaration, partly filled."""
    from smplatform.models import Declaration
    from smplatform.services import declarations
    user = db.session.scalar(select(User).where(User.username == "enterprise-demo"))
    batch = db.session.scalar(select(Batch).where(Batch.number == 5))
    if user is None or batch is None or db.session.scalar(select(Declaration.id).where(
            Declaration.organisation_id == user.organisation_id)) is not None:
        return
    d = declarations.start(actor=user, batch=batch, category="enterprise",
                           service_model="customised",
                           attested={"cond_registered": True, "cond_operations": True,
                                     "cond_no_accident": True, "cond_no_violation": True})
    declarations.save_section(declaration=d, actor=user, section_key="basic", base_version=1,
                              raw={"registered_address": "广州市黄埔区科学大道1号",
                                   "established_on": "2008-05-20", "ownership": "private"})


def demo_users() -> list[User]:
    names = [s[0] for s in STAFF] + [a[0] for a in APPLICANTS]
    return list(db.session.scalars(select(User).where(User.username.in_(names))))
