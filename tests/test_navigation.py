"""Each role lands on its own dashboard, and the navigation shows only what the role may use.
GET requests never change state."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from smplatform.extensions import db
from smplatform.models import AuditEntry, Organisation, User
from tests.access import all_entries


def nav_links(html: str) -> list[str]:
    nav = html.split('<nav class="main-nav"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'href="([^"]+)"', nav)


COMMON = ["/", "/notices", "/selection", "/registry", "/figures", "/downloads", "/verify",
          "/help"]
ACCOUNT = ["/account/notifications", "/account/"]


@pytest.mark.parametrize("role, links", [
    ("applicant", ["/applicant/", "/applicant/accounts"]),
    ("province", ["/province/", "/province/declarations", "/province/recommendations",
                  "/province/evaluations", "/publishing/announcements"]),
    ("expert", ["/expert/"]),
    ("city", ["/city/"]),
    ("ministry", ["/ministry/", "/ministry/submissions", "/ministry/contacts",
                  "/ministry/experts", "/publishing/announcements"]),
    ("system_admin", ["/admin/", "/admin/users"]),
    ("security_admin", ["/admin/", "/admin/security"]),
    ("audit_admin", ["/admin/", "/admin/audit"]),
])
def test_navigation_shows_only_the_roles_areas(login_as, make, role, links):
    c = login_as(getattr(make, role)())
    html = c.get("/").get_data(as_text=True)
    assert nav_links(html) == COMMON + links + ACCOUNT


def test_ministry_staff_see_no_administration(login_as, make):
    c = login_as(make.ministry())
    html = c.get("/ministry/").get_data(as_text=True)
    assert ("/admin/" in html, "/admin/users" in html, "/admin/audit" in html) == (
        False, False, False)


def test_navigation_anonymous(client):
    html = client.get("/").get_data(as_text=True)
    assert nav_links(html) == COMMON + ["/account/sign-in", "/account/register"]


def test_provincial_dashboard_names_its_unit(login_as, make):
    c = login_as(make.province("440300"))
    html = c.get("/province/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "<h1>Shenzhen · Provincial review</h1>" in html


def _state() -> tuple:
    db.session.expire_all()
    return tuple(db.session.scalar(select(func.count()).select_from(m))
                 for m in (AuditEntry, User, Organisation))


@pytest.mark.parametrize("role", ["anonymous", "applicant", "province", "ministry", "expert"])
def test_no_state_change_on_get(app, make, login_as, role):
    from tests.support.world import World
    world = World(app, make, login_as)
    client = world.client(role)
    # Resolving paths may create the objects they point at: do that before measuring.
    paths = [entry.resolve_path(world) for entry in all_entries()
             if entry.method == "GET" and entry.check]
    before = _state()
    for path in paths:
        client.get(path)
    assert _state() == before
