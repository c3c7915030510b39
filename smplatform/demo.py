"""Demo data for `flask seed-demo` (run by `make run`): the demo accounts (one per role, a
Guangdong city department), the registry of batches 1–4, and a national picture a visitor can
explore at once (demo_story.py: batches 5 to 7 and an evaluation campaign).

Idempotent: running it again creates nothing that exists; the story goes only into a database
without batches. Refused by the production config.
"""
from __future__ import annotations


from sqlalchemy import select

from smplatform import clock
from smplatform.enums import OrgType, Role
from smplatform.extensions import db
from smplatform.models import User
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


def enrol_demo_staff(secret: str) -> int:
    """Enrol the demo officers, experts and administrators in two-factor sign-in with the
    base32 `secret` (SMPLATFORM_DEMO_TOTP_SECRET), so that the demo and automated checks can
    compute their codes: the staff above and the story's experts and provincial officers
    (demo_story.py). Returns how many were enrolled now."""
    import pyotp
    try:
        pyotp.TOTP(secret).now()
    except Exception as error:  # noqa: BLE001  (binascii, ValueError: not base32)
        raise ValueError("SMPLATFORM_DEMO_TOTP_SECRET is not a base32 secret") from error
    from smplatform import demo_story
    names = [s[0] for s in STAFF] + list(demo_story.EXPERTS) + list(demo_story.OFFICERS)
    enrolled = 0
    for user in db.session.scalars(select(User).where(User.username.in_(names))):
        if not user.has_two_factor:
            user.totp_secret = secret
            user.totp_confirmed_at = clock.now()
            enrolled += 1
    db.session.flush()
    return enrolled


def seed(password: str, totp_secret: str | None = None, *, story: bool = True) -> list[str]:
    """Create the demo accounts that are missing and (`story`), into a database without
    batches, the demo story (demo_story.py); return the user names of the demo accounts
    created. With `totp_secret`, the demo staff sign in with that second factor
    (enrol_demo_staff)."""
    load_reference_data()
    created = []
    hashed = None  # one argon2 hash for every demo account (it takes its time on purpose)
    for username, name, role, unit in STAFF:
        if not accounts.username_taken(username):
            hashed = hashed or accounts.hash_password(password)
            accounts.create_staff_user(actor=None, username=username, display_name=name,
                                       email=f"{username}@example.gov.cn", role=role,
                                       password=password,
                                       unit_code=None if role == Role.CITY else unit,
                                       city_code=unit if role == Role.CITY else None,
                                       must_change_password=False, password_hash=hashed)
            created.append(username)
    if totp_secret:  # fail early on a bad secret, before the story is told
        enrol_demo_staff(totp_secret)
    for username, org_type, name, code, unit, city, contact in APPLICANTS:
        if not accounts.username_taken(username):
            hashed = hashed or accounts.hash_password(password)
            accounts.register_organisation(
                org_type=org_type, name=name, credit_code=code, unit_code=unit, city_code=city,
                contact_name=contact, contact_mobile="13800138000",
                contact_email=f"{username}@example.com", username=username, password=password,
                password_hash=hashed)
            created.append(username)
    db.session.flush()
    from smplatform.services.registry import load_demo_registry
    load_demo_registry()
    if story:
        from smplatform import demo_story
        demo_story.load(password, hashed)
    from smplatform import demo_announcements
    demo_announcements.seed()
    if totp_secret:  # the story's experts and officers too
        enrol_demo_staff(totp_secret)
    return created


def demo_users() -> list[User]:
    names = [s[0] for s in STAFF] + [a[0] for a in APPLICANTS]
    return list(db.session.scalars(select(User).where(User.username.in_(names))))
