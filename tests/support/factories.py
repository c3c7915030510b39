"""One factory per role. Objects are committed so that routes in other sessions see them."""
from __future__ import annotations

import itertools

from smplatform.enums import OrgType, Role
from smplatform.extensions import db
from smplatform.rules.credit_code import ALPHABET, make as make_credit_code
from smplatform.services import accounts

PASSWORD = "Correct-Horse-42"
_seq = itertools.count(1)


def credit_code(n: int | None = None, unit: str = "440000") -> str:
    """A valid, unique unified social credit code."""
    n = next(_seq) if n is None else n
    body = ""
    while n or len(body) < 7:
        body = ALPHABET[n % 31] + body
        n //= 31
    first17 = "91" + unit + "MA" + body
    assert len(first17) == 17, "credit code factory overflow"
    return make_credit_code(first17)


class Factories:
    def applicant(self, *, org_type: OrgType = OrgType.ENTERPRISE, unit: str = "440000",
                  city: str | None = None, name: str | None = None, username: str | None = None,
                  password: str = PASSWORD):
        n = next(_seq)
        if org_type == OrgType.CITY_DEPARTMENT and city is None:
            city = {"440000": "440600", "440300": "440300", "330000": "330100"}.get(unit)
        user = accounts.register_organisation(
            org_type=org_type, name=name or f"测试组织{n}", credit_code=credit_code(n, unit),
            unit_code=unit, city_code=city, contact_name=f"联系人{n}",
            contact_mobile="13800138000", contact_email=f"contact{n}@example.com",
            username=username or f"applicant{n}", password=password)
        db.session.commit()
        return user

    def staff(self, role: Role, *, unit: str | None = None,
              username: str | None = None, password: str = PASSWORD):
        n = next(_seq)
        user = accounts.create_staff_user(
            actor=None, username=username or f"{role.value}{n}", display_name=f"{role.value} {n}",
            email=f"{role.value}{n}@example.gov.cn", role=role, password=password,
            unit_code=unit, must_change_password=False)
        db.session.commit()
        # Staff sign in with a second factor (TWO_FACTOR_ROLES): enrolled as the demo
        # seed enrolls its officers; login_as computes the codes (tests/two_factor.py).
        from tests.support.two_factor import enrol
        enrol(user)
        return user

    def province(self, unit: str = "440000", **kw):
        return self.staff(Role.PROVINCE, unit=unit, **kw)

    def ministry(self, **kw):
        return self.staff(Role.MINISTRY, **kw)

    def expert(self, **kw):
        return self.staff(Role.EXPERT, **kw)

    def city(self, city: str = "440600", **kw):
        """A city industry and IT officer (default Foshan, Guangdong)."""
        n = next(_seq)
        user = accounts.create_staff_user(
            actor=None, username=kw.pop("username", None) or f"city{n}",
            display_name=f"city {n}", email=f"city{n}@example.gov.cn", role=Role.CITY,
            password=kw.pop("password", PASSWORD), city_code=city, must_change_password=False)
        db.session.commit()
        from tests.support.two_factor import enrol
        enrol(user)  # staff sign in with a second factor (as staff() enrols)
        return user

    def system_admin(self, **kw):
        return self.staff(Role.SYSTEM_ADMIN, **kw)

    def security_admin(self, **kw):
        return self.staff(Role.SECURITY_ADMIN, **kw)

    def audit_admin(self, **kw):
        return self.staff(Role.AUDIT_ADMIN, **kw)
