"""The role × route access table (deny by default).

Each area lists its routes in a module of this package, `tests/access/<area>.py`, as
`ACCESS = [Access(...), ...]`. tests/access/test_access_table.py fails on any endpoint of the app's
url_map that no module lists, and checks every listed expectation for every role.
"""
from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field

ROLES = ("anonymous", "applicant", "province", "ministry", "expert", "city", "system_admin",
         "security_admin", "audit_admin")


def expect(default: int, **by_role: int) -> dict[str, int]:
    """The expected status for every role in ROLES: `default`, except the roles named.
    Written this way, a new role needs only its own expectations where they differ."""
    unknown = set(by_role) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}")
    return {role: by_role.get(role, default) for role in ROLES}


def everyone(status: int = 200) -> dict[str, int]:
    """Every role, signed out included, gets `status`."""
    return expect(status)


def signed_in(status: int = 200) -> dict[str, int]:
    """Every signed-in role gets `status`; the signed-out are sent to sign in."""
    return expect(status, anonymous=302)


def only(role: str, ok: int = 200) -> dict[str, int]:
    """`role` gets `ok`; other roles 403; the signed-out are sent to sign in."""
    return expect(403, anonymous=302, **{role: ok})


@dataclass(frozen=True)
class Access:
    endpoint: str
    path: str | Callable
    expect: dict[str, int]
    method: str = "GET"
    data: dict | Callable | None = None
    # Endpoints that cannot be requested by path (e.g. static) set check=False.
    check: bool = field(default=True)

    def resolve_path(self, world) -> str:
        return self.path(world) if callable(self.path) else self.path

    def resolve_data(self, world) -> dict:
        if callable(self.data):
            return self.data(world)
        return dict(self.data or {})


def all_entries() -> list[Access]:
    entries: list[Access] = []
    for module_info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        entries.extend(getattr(module, "ACCESS", []))
    return entries
